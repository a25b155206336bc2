//! cargo-fuzz target (nightly: `cargo +nightly fuzz run class_request`): a request path and a labour body
//! as the class server reads them; the property lives in `digitus_class::api::fuzz_request`, which the
//! class crate's tests also run, bounded and deterministic, on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| digitus_class::api::fuzz_request(data));
