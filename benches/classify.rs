//! How long the core takes to judge one sensor report against the full bundled rule set (17 sites) and
//! the generic heuristic. Run: `cargo bench --bench classify`.
//!
//! Three shapes: a click a site rule claims early (YouTube like), one that falls through every rule of its
//! site to the generic heuristic (a blog's "J'aime" button), and a trap the heuristic must refuse (a
//! "1,234 likes" counter). The classifier is built once, as the background keeps it between messages.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use digitus::classify::Classifier;
use digitus::model::{Action, Element, Observation};

fn e(tag: &str, attrs: &[(&str, &str)], text: Option<&str>) -> Element {
    Element {
        tag: tag.into(),
        attrs: attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        text: text.map(String::from),
        nth: 1,
    }
}

/// A realistic sensor path: the clicked node, its control, and a dozen ancestors up to body.
fn observation(url: &str, head: Vec<Element>, pressed_after: bool) -> Observation {
    let mut path = head;
    for depth in 0..12 {
        path.push(e("div", &[("class", &format!("container level-{depth} flex"))], None));
    }
    path.push(e("body", &[], None));
    let mut after = path.clone();
    if let Some(control) = after.iter_mut().find(|el| el.attrs.contains_key("aria-pressed")) {
        control.attrs.insert("aria-pressed".into(), pressed_after.to_string());
    }
    Observation {
        id: "bench".into(),
        action: Action::Click,
        time: 1.0,
        tz: 0,
        url: url.into(),
        top_url: None,
        path,
        after: Some(after),
        text: None,
        duration_ms: None,
        has_value: false,
    }
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
