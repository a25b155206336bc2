//! Fuzzes the backup import: any bytes must either be refused with a named error or give events that read
//! back and merge; never a panic, never unbounded work. Seeds: `fuzz/corpus/import/` (valid backups).
#![no_main]

use digitus::backup::Backup;
use digitus::store::{MemoryStore, Store};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    match Backup::parse(text) {
        Ok(backup) => {
            let events = backup.events(0..backup.len()).expect("an accepted file reads back");
            let store = MemoryStore::new();
            let report = futures::executor::block_on(store.merge_events(&events)).expect("accepted events merge");
            assert_eq!(report.added as usize, backup.len(), "ids in an accepted file are unique");
        }
        Err(e) => assert!(!e.0.is_empty(), "errors name the problem"),
    }
});
