//! How long the core takes to judge one sensor report against the full bundled rule set (17 sites) and
//! the generic judgement. Run: `cargo bench --bench classify`.
//!
//! Shapes: a click a site rule claims early (YouTube like); one on a ruled site that no rule knows, so the
//! generic judgement decides (Facebook in German); one on a site without rules (a blog's "J'aime"); an
//! ARIA switch; and a trap the judgement must refuse (a "1,234 likes" counter). The classifier is built
//! once, as the background keeps it between messages. Side by side, the phrase lookup the generic
//! judgement uses (indexed by first word) against a linear scan of the same phrases.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use digitus::classify::Classifier;
use digitus::model::Element;
use digitus::text::{tokens, Phrase, PhraseSet};

#[path = "../tests/common/mod.rs"]
mod common;
use common::{bench_observation as observation, element};

fn e(tag: &str, attrs: &[(&str, &str)], text: Option<&str>) -> Element {
    element(tag, attrs, text, 1)
}

fn bench(c: &mut Criterion) {
    let classifier = Classifier::default();
    let youtube = observation(
        "https://www.youtube.com/watch?v=x",
        vec![
            e("path", &[], None),
            e("svg", &[], None),
            e("button", &[("class", "yt-spec-button-shape-next"), ("aria-pressed", "false"), ("aria-label", "like this video along with 1,203 other people")], Some("1.2K")),
            e("button-view-model", &[], None),
            e("toggle-button-view-model", &[], None),
            e("like-button-view-model", &[], None),
        ],
        true,
    );
    let ruled_unknown = observation(
        "https://www.facebook.com/",
        vec![e("span", &[], Some("Gefällt mir")), e("div", &[("role", "button"), ("aria-pressed", "false"), ("aria-label", "Gefällt mir")], None)],
        true,
    );
    let generic = observation(
        "https://blog.example.org/post/7",
        vec![e("span", &[], Some("J’aime")), e("button", &[("class", "btn btn-reaction"), ("aria-pressed", "false")], Some("J’aime"))],
        true,
    );
    let switch = observation(
        "https://music.example.com/album/1",
        vec![e("span", &[("class", "thumb")], None), e("div", &[("role", "switch"), ("aria-pressed", "false"), ("aria-label", "Favourite")], None)],
        true,
    );
    let counter = observation("https://blog.example.org/post/7", vec![e("button", &[("class", "count")], Some("1,234 likes"))], false);
    for (what, obs, labours) in [("youtube", &youtube, 1), ("facebook de", &ruled_unknown, 1), ("j'aime", &generic, 1), ("switch", &switch, 1), ("counter", &counter, 0)] {
        assert_eq!(classifier.classify(obs).len(), labours, "the benchmark must measure a real verdict: {what}");
    }

    let mut group = c.benchmark_group("classify");
    group.bench_function("site rule (youtube like)", |b| b.iter(|| classifier.classify(black_box(&youtube))));
    group.bench_function("ruled site, no rule knows it (facebook de like)", |b| b.iter(|| classifier.classify(black_box(&ruled_unknown))));
    group.bench_function("generic heuristic (J'aime)", |b| b.iter(|| classifier.classify(black_box(&generic))));
    group.bench_function("generic ARIA switch", |b| b.iter(|| classifier.classify(black_box(&switch))));
    group.bench_function("generic refusal (counter)", |b| b.iter(|| classifier.classify(black_box(&counter))));
    group.finish();

    // The site of an address (host, Public Suffix List), which every judgement starts with.
    let mut group = c.benchmark_group("site of an address");
    group.bench_function("www.youtube.com", |b| b.iter(|| digitus::site::site_of(black_box("https://www.youtube.com/watch?v=x"))));
    group.bench_function("blog.example.org", |b| b.iter(|| digitus::site::site_of(black_box("https://blog.example.org/post/7"))));
    group.finish();

    // Every phrase of data/rules/generic.json's kinds, looked up in a label's words both ways.
    let file: serde_json::Value = serde_json::from_str(include_str!("../data/rules/generic.json")).unwrap();
    let phrases: Vec<(usize, Phrase)> = file["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .flat_map(|(rank, k)| k["phrases"].as_object().unwrap().values().flat_map(|l| l.as_array().unwrap().iter()).map(move |p| (rank, Phrase::new(p.as_str().unwrap()))))
        .collect();
    let set = PhraseSet::new(phrases.clone());
    let haystack = tokens("like this video along with 1,203 other people \u{0} J'aime 12");
    let linear = |hay: &[String]| phrases.iter().filter(|(_, p)| p.occurs_in(hay)).map(|(r, _)| *r).min();
    assert_eq!(linear(&haystack), set.first_match(&haystack));
    let mut group = c.benchmark_group("phrase lookup");
    group.bench_function(format!("linear scan of {} phrases", phrases.len()), |b| b.iter(|| linear(black_box(&haystack))));
    group.bench_function("indexed by first word", |b| b.iter(|| set.first_match(black_box(&haystack))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
