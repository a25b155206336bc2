//! cargo-fuzz target (nightly: `cargo +nightly fuzz run study_file`); the property lives in
//! `digitus::fuzz::study_file`, which tests/fuzz.rs also runs, bounded and deterministic, on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| digitus::fuzz::study_file(data));
