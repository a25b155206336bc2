//! cargo-fuzz target (nightly: `cargo +nightly fuzz run captcha_sighting`); the property lives in `digitus::fuzz::sightings`,
//! which tests/fuzz.rs also runs, bounded and deterministic, on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| digitus::fuzz::sightings(data));
