//! Bounded, deterministic fuzz runs of every parser that takes outside input, on stable Rust in CI: the
//! same harnesses as the cargo-fuzz targets in `fuzz/` (`digitus::fuzz`), fed byte-level mutations of
//! valid inputs (bit flips, truncations, splices, hostile tokens, duplicated fragments) from a fixed seed.
//! `DIGITUS_FUZZ_ITERATIONS` sets the count per harness (default 3,000; the backup parser has its own
//! longer run in tests/storage.rs).

use digitus::fuzz;

/// SplitMix64: reproducible runs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const TOKENS: [&[u8]; 22] = [
    b"null", b"-1", b"1e999", b"-2147483648", b"2147483647", b"4294967295", b"\"__proto__\"", b"{}", b"[]", b"\"\"",
    b"true", b"9e15", b"18446744073709551616", b"\"https://evil.example/?q=1#f\"", b"\"about:blank\"",
    b"\"field\"", b"\"click\"", b"\"other\"", b"[[[[[[[[", b"\"\\u0000\"", b"\"Rate 2000000\"", b"1e300",
];

fn iterations() -> usize {
    std::env::var("DIGITUS_FUZZ_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(3_000)
}

/// Runs `harness` on the seeds as they are, then on `iterations()` mutations of them.
fn run(name: &str, seeds: &[String], harness: fn(&[u8]), salt: u64) {
    for seed in seeds {
        harness(seed.as_bytes());
    }
    let mut rng = Rng(0x5EED ^ salt);
    for i in 0..iterations() {
        let seed = seeds[rng.below(seeds.len() as u64) as usize].as_bytes();
        let mut bytes = seed.to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len().max(1) as u64) as usize;
            match rng.below(6) {
                0 => {
                    if let Some(b) = bytes.get_mut(at) {
                        *b ^= 1 << rng.below(8);
                    }
                }
                1 => bytes.truncate(at),
                2 => {
                    let end = (at + 1 + rng.below(24) as usize).min(bytes.len());
                    let token = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                    bytes.splice(at.min(end)..end, token.iter().copied());
                }
                3 => {
                    let end = (at + rng.below(200) as usize).min(bytes.len());
                    bytes.drain(at.min(end)..end);
                }
                4 => {
                    let end = (at + rng.below(120) as usize).min(bytes.len());
                    let dup = bytes[at.min(end)..end].to_vec();
                    bytes.splice(at.min(end)..at.min(end), dup);
                }
                _ => {
                    // A number grows digits: values past every limit.
                    if let Some(pos) = bytes[at..].iter().position(u8::is_ascii_digit) {
                        let at = at + pos;
                        bytes.splice(at..at, b"99999999".iter().copied());
                    }
                }
            }
        }
        let result = std::panic::catch_unwind(|| harness(&bytes));
        if result.is_err() {
            panic!("{name}: iteration {i} failed on {:?}", String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn fuzz_backup_files() {
    run("backup", &[include_str!("../fuzz/corpus/import/sample.json").to_string()], fuzz::backup_file, 1);
}

#[test]
fn fuzz_rule_files() {
    let seeds = [
        include_str!("../data/rules/sites/youtube.json"),
        include_str!("../data/rules/sites/imdb.json"),
        include_str!("../data/rules/sites/hackernews.json"),
    ];
    run("rules", &seeds.map(String::from), fuzz::rule_file, 2);
}

#[test]
fn fuzz_sensor_observations() {
    let seeds: Vec<String> = fuzz::SAMPLE_OBSERVATIONS.iter().map(|o| format!(r#"{{"type":"sense","observation":{o}}}"#)).collect();
    run("observation", &seeds, fuzz::observation, 3);
}

#[test]
fn fuzz_captcha_sightings() {
    run("sightings", &fuzz::SAMPLE_SIGHTINGS.map(String::from), fuzz::sightings, 4);
}

#[test]
fn fuzz_study_files() {
    run("study", &[include_str!("../research/sample-study.json").to_string()], fuzz::study_file, 5);
}
