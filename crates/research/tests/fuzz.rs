//! A bounded, deterministic fuzz run of the package reader and validator (cargo-fuzz style, on stable):
//! mutated zips and mutated member texts must be refused with a reason or accepted consistently, never
//! panic. Iterations: `DIGITUS_FUZZ_ITERATIONS` (default 2,000).

use digitus::research::noise::{Rng, SplitMix64};
use digitus_research::{input, synth, validate};
use std::collections::BTreeMap;

fn study() -> digitus::research::Study {
    digitus_research::read_study(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../research/sample-study.json")).unwrap()
}

fn mutate(bytes: &mut Vec<u8>, rng: &mut SplitMix64) {
    let n = 1 + rng.next_u64() % 4;
    for _ in 0..n {
        if bytes.is_empty() {
            bytes.push(rng.next_u64() as u8);
            continue;
        }
        let at = (rng.next_u64() % bytes.len() as u64) as usize;
        match rng.next_u64() % 6 {
            0 => bytes[at] ^= 1 << (rng.next_u64() % 8),
            1 => bytes[at] = rng.next_u64() as u8,
            2 => bytes.truncate(at),
            3 => bytes.insert(at, b"\",\n-0123456789ab"[(rng.next_u64() % 16) as usize]),
            4 => {
                bytes.remove(at);
            }
            _ => {
                let end = (at + 1 + (rng.next_u64() % 32) as usize).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                bytes.splice(at..at, chunk);
            }
        }
    }
}

#[test]
fn mutated_packages_never_panic_and_accepted_ones_stay_consistent() {
    let iterations: usize = std::env::var("DIGITUS_FUZZ_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let study = study();
    let files = synth::package(&study, 3, 120).unwrap();
    let mut zip = Vec::new();
    input::write_zip(&files, std::io::Cursor::new(&mut zip)).unwrap();
    let mut rng = SplitMix64::new(0x5eed);
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..iterations {
        let outcome = if i % 2 == 0 {
            // Bytes of the zip itself.
            let mut bytes = zip.clone();
            mutate(&mut bytes, &mut rng);
            input::read_zip(&bytes).and_then(|f| validate::validate(&study, &f))
        } else {
            // One member's text, in a well-formed zip.
            let names: Vec<&String> = files.keys().collect();
            let name = names[(rng.next_u64() % names.len() as u64) as usize].clone();
            let mut bytes = files[&name].clone().into_bytes();
            mutate(&mut bytes, &mut rng);
            let mut raw: BTreeMap<String, Vec<u8>> = files.iter().map(|(k, v)| (k.clone(), v.clone().into_bytes())).collect();
            raw.insert(name, bytes);
            validate::validate(&study, &raw)
        };
        match outcome {
            Ok(package) => {
                accepted += 1;
                for rows in package.tables.values() {
                    assert!(rows.iter().all(|r| r[0] == study.id && r[1] == package.participant));
                }
            }
            Err(reason) => {
                refused += 1;
                assert!(!reason.0.is_empty());
            }
        }
    }
    // Most mutations break something; some (a changed count, seconds) still give a valid package.
    assert!(refused > iterations / 2, "{refused} refused of {iterations}");
    assert!(accepted > 0, "no mutation survived: the generator is too destructive to test acceptance");
}
