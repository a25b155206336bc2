//! The Public Suffix List as data (`digitus::psl`, built from data/psl/public_suffix_list.dat) gives the
//! answers the `psl` crate's generated matcher gave (kept as a dev-dependency for this test only): on the
//! list's own test cases (tests/fixtures/psl/test_psl.txt, from the same package as the list) and on every
//! host our fixtures and tests use, with subdomains added.

use std::collections::BTreeSet;
use std::path::Path;

/// `site_of` as it was with the `psl` crate (the reference).
fn site_of_with_psl_crate(url: &str) -> String {
    let Some(host) = digitus::site::host_of(url) else {
        return url.split(':').next().unwrap_or("").to_ascii_lowercase();
    };
    if host.parse::<std::net::IpAddr>().is_ok() || !host.contains('.') {
        return host;
    }
    match psl::domain(host.as_bytes()) {
        Some(domain) if domain.suffix().is_known() => String::from_utf8_lossy(domain.as_bytes()).into_owned(),
        _ => host,
    }
}

/// (registrable domain, suffix, known) from both implementations.
fn both(host: &str) -> (Option<(String, String, bool)>, Option<(String, String, bool)>) {
    let ours = digitus::psl::domain(host).map(|d| (d.name.to_string(), d.suffix.to_string(), d.known));
    let theirs = psl::domain(host.as_bytes()).map(|d| {
        let suffix = d.suffix();
        (
            String::from_utf8_lossy(d.as_bytes()).into_owned(),
            String::from_utf8_lossy(suffix.as_bytes()).into_owned(),
            suffix.is_known(),
        )
    });
    (ours, theirs)
}

/// `checkPublicSuffix('input', 'expected');` lines (`null` for none).
fn official_cases() -> Vec<(Option<String>, Option<String>)> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/psl/test_psl.txt")).unwrap();
    let arg = |s: &str| -> Option<String> {
        let s = s.trim();
        (s != "null").then(|| s.trim_matches('\'').to_string())
    };
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("checkPublicSuffix(")?.strip_suffix(");").map(str::to_string))
        .map(|args| {
            let (input, expected) = args.split_once(',').expect("two arguments");
            (arg(input), arg(expected))
        })
        .collect()
}

#[test]
fn the_official_test_cases_get_the_psl_crates_answers_and_the_lists_expected_ones() {
    let cases = official_cases();
    assert!(cases.len() >= 70, "only {} cases", cases.len());
    for (input, expected) in &cases {
        let Some(input) = input else { continue };
        for host in [input.clone(), input.to_lowercase()] {
            let (ours, theirs) = both(&host);
            assert_eq!(ours, theirs, "{host}");
        }
        // The list's expectations (which count the implicit "*" rule as a suffix) hold for the lower-cased
        // names browsers hand over; leading dots are malformed input the crate never rejected either.
        if !input.starts_with('.') {
            let ours = digitus::psl::domain(&input.to_lowercase()).map(|d| d.name.to_string());
            assert_eq!(&ours, expected, "{input}");
        }
    }
}

/// Hosts of URLs, and quoted words that look like host names (`"www.youtube.com"`, `'mastodon.social'`).
fn hosts_in(text: &str, hosts: &mut BTreeSet<String>) {
    let host_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    for quote in ['"', '\'', '`'] {
        for word in text.split(quote).skip(1).step_by(2) {
            let word = word.trim_start_matches("*.").trim_start_matches('.');
            if word.contains('.') && word.len() < 80 && word.chars().all(host_char) && word.ends_with(|c: char| c.is_ascii_alphabetic()) {
                hosts.insert(word.to_ascii_lowercase());
            }
        }
    }
    for (at, _) in text.match_indices("://") {
        let rest = &text[at + 3..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')).unwrap_or(rest.len());
        let host = rest[..end].trim_end_matches('.').to_ascii_lowercase();
        if host.contains('.') {
            hosts.insert(host);
        }
    }
}

fn walk(dir: &Path, hosts: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if name != "node_modules" && name != ".results" {
                walk(&path, hosts);
            }
        } else if ["rs", "mjs", "js", "html", "json", "txt"].iter().any(|e| name.ends_with(&format!(".{e}"))) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                hosts_in(&text, hosts);
            }
        }
    }
}

#[test]
fn every_host_of_the_fixtures_and_tests_gets_the_same_site() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hosts = BTreeSet::new();
    for entry in std::fs::read_dir(root.join("tests/fixtures/sites")).unwrap() {
        hosts.insert(entry.unwrap().file_name().to_string_lossy().to_string());
    }
    walk(&root.join("tests"), &mut hosts);
    walk(&root.join("crates/web/tests"), &mut hosts);
    walk(&root.join("data"), &mut hosts);
    assert!(hosts.len() > 100, "found only {} hosts", hosts.len());
    let mut checked = 0;
    for host in &hosts {
        for name in [host.clone(), format!("www.{host}"), format!("a.b.{host}")] {
            for url in [format!("https://{name}/page"), format!("http://{name}:8080/x?y#z")] {
                assert_eq!(digitus::site::site_of(&url), site_of_with_psl_crate(&url), "{url}");
                checked += 1;
            }
            let (ours, theirs) = both(&name);
            assert_eq!(ours, theirs, "{name}");
        }
    }
    assert!(checked > 300, "{checked}");
}

#[test]
fn the_readme_shows_the_lists_version() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(digitus::psl::VERSION),
        "README.md does not name the Public Suffix List's version {} (scripts/update-psl.sh)",
        digitus::psl::VERSION
    );
}
