//! How long the core takes to judge one sensor report against the full bundled rule set (17 sites) and
//! the generic heuristic. Run: `cargo bench --bench classify`.
//!
//! Three shapes: a click a site rule claims early (YouTube like), one that falls through every rule of its
//! site to the generic heuristic (a blog's "J'aime" button), and a trap the heuristic must refuse (a
//! "1,234 likes" counter). The classifier is built once, as the background keeps it between messages.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use digitus::classify::Classifier;
use digitus::model::Element;

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
    let generic = observation(
        "https://blog.example.org/post/7",
        vec![e("span", &[], Some("J’aime")), e("button", &[("class", "btn btn-reaction"), ("aria-pressed", "false")], Some("J’aime"))],
        true,
    );
    let counter = observation("https://blog.example.org/post/7", vec![e("button", &[("class", "count")], Some("1,234 likes"))], false);
    assert_eq!(classifier.classify(&youtube).len(), 1, "the benchmark must measure a real match");
    assert_eq!(classifier.classify(&generic).len(), 1);
    assert!(classifier.classify(&counter).is_empty());

    let mut group = c.benchmark_group("classify");
    group.bench_function("site rule (youtube like)", |b| b.iter(|| classifier.classify(black_box(&youtube))));
    group.bench_function("generic heuristic (J'aime)", |b| b.iter(|| classifier.classify(black_box(&generic))));
    group.bench_function("generic refusal (counter)", |b| b.iter(|| classifier.classify(black_box(&counter))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
