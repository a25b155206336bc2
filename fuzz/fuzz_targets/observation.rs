//! cargo-fuzz target (nightly: `cargo +nightly fuzz run observation`); the property lives in `digitus::fuzz::observation`,
//! which tests/fuzz.rs also runs, bounded and deterministic, on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| digitus::fuzz::observation(data));
