//! Build-time data for the core:
//! * the detection rule files (`data/rules/sites/*.json`), compiled in sorted by name, so that adding a rule
//!   file needs no Rust change;
//! * the Public Suffix List (`data/psl/public_suffix_list.dat`) turned into a compact, sorted, front-coded
//!   list of rules written right to left (see `src/psl.rs` for the format), with its VERSION line.
use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = env::var("OUT_DIR").unwrap();
    bundle_rule_files(root, Path::new(&out_dir));
    compile_public_suffix_list(root, Path::new(&out_dir));
}

fn bundle_rule_files(root: &Path, out_dir: &Path) {
    let dir = root.join("data/rules/sites");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("data/rules/sites exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    out.push_str("]\n");
    fs::write(out_dir.join("bundled_rules.rs"), out).unwrap();
}

/// Writes `psl_rules.bin` (front-coded rules, see `src/psl.rs`) and `psl_version.txt`.
fn compile_public_suffix_list(root: &Path, out_dir: &Path) {
    let path = root.join("data/psl/public_suffix_list.dat");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).expect("data/psl/public_suffix_list.dat (scripts/update-psl.sh)");
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("// VERSION: "))
        .expect("the list has a VERSION line")
        .trim()
        .to_string();
    let mut keys = Vec::new();
    for line in text.lines() {
        // A rule is the first whitespace-separated word of a line; comments start with "//".
        let Some(rule) = line.split_whitespace().next() else { continue };
        if rule.starts_with("//") {
            continue;
        }
        let rule = rule.to_lowercase();
        keys.push(right_to_left(&rule));
        // Browsers hand over hosts in ASCII (punycode): keep both spellings of internationalised rules.
        if !rule.is_ascii() {
            let ascii: Vec<String> = rule
                .trim_start_matches('!')
                .split('.')
                .map(|l| if l.is_ascii() { l.to_string() } else { format!("xn--{}", punycode(l)) })
                .collect();
            let bang = if rule.starts_with('!') { "!" } else { "" };
            keys.push(right_to_left(&format!("{bang}{}", ascii.join("."))));
        }
    }
    keys.sort();
    keys.dedup();
    assert!(keys.len() > 5_000, "the Public Suffix List looks truncated ({} rules)", keys.len());
    let mut blob = Vec::new();
    let mut previous: &[u8] = b"";
    for key in &keys {
        let key = key.as_bytes();
        let shared = key.iter().zip(previous).take(255).take_while(|(a, b)| a == b).count();
        blob.push(shared as u8);
        blob.extend_from_slice(&key[shared..]);
        blob.push(b'\n');
        previous = key;
    }
    fs::write(out_dir.join("psl_rules.bin"), blob).unwrap();
    fs::write(out_dir.join("psl_version.txt"), version).unwrap();
}

/// `city.kawasaki.jp` → `jp.kawasaki.city`; an exception keeps its `!` in front: `!jp.kawasaki.city`.
fn right_to_left(rule: &str) -> String {
    let (bang, body) = match rule.strip_prefix('!') {
        Some(body) => ("!", body),
        None => ("", rule),
    };
    let labels: Vec<&str> = body.split('.').rev().collect();
    format!("{bang}{}", labels.join("."))
}

/// RFC 3492 Punycode of one label (without the `xn--` prefix).
fn punycode(label: &str) -> String {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    fn digit(d: u32) -> char {
        (if d < 26 { b'a' + d as u8 } else { b'0' + (d - 26) as u8 }) as char
    }
    fn adapt(delta: u32, points: u32, first: bool) -> u32 {
        let mut delta = if first { delta / 700 } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + 38)
    }
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while (handled as usize) < code_points.len() {
        let next = *code_points.iter().filter(|&&c| c >= n).min().unwrap();
        delta += (next - n) * (handled + 1);
        n = next;
        for &c in &code_points {
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias { TMIN } else if k >= bias + TMAX { TMAX } else { k - bias };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    out
}
