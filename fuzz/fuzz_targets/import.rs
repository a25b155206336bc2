//! Fuzzes the backup import (nightly: `cargo +nightly fuzz run import`): any bytes must either be refused
//! with a named error or give events that read back and merge; never a panic, never unbounded work. The
//! property lives in `digitus::fuzz::backup_file`, which tests/fuzz.rs also runs on stable. Seeds:
//! `fuzz/corpus/import/` (valid backups).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| digitus::fuzz::backup_file(data));
