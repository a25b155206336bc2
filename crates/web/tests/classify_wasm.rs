//! Benchmark, not a check of speed: classifies sensor reports N times in wasm in a real browser and prints
//! the time per classification (performance.now()). Assertions are only about what was classified.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p digitus-web --release --target wasm32-unknown-unknown --test classify_wasm -- --nocapture`
#![cfg(target_arch = "wasm32")]

use digitus::classify::Classifier;
#[path = "../../../tests/common/mod.rs"]
mod common;

use common::element;
use digitus::model::{Element, Observation};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const N: u32 = 20_000;
const BATCHES: u32 = 20;

fn e(tag: &str, attrs: &[(&str, &str)], text: Option<&str>) -> Element {
    element(tag, attrs, text, 1)
}

/// A click report whose control turns on.
fn observation(url: &str, head: Vec<Element>) -> Observation {
    common::bench_observation(url, head, true)
}

fn now_ms() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into()).unwrap().unchecked_into();
    now.call0(&performance).unwrap().as_f64().unwrap()
}

#[wasm_bindgen_test]
fn classification_time_in_wasm() {
    let classifier = Classifier::default();
    let cases = [
        ("site rule (youtube like)", observation("https://www.youtube.com/watch?v=x", vec![
            e("path", &[], None),
            e("svg", &[], None),
            e("button", &[("class", "yt-spec-button-shape-next"), ("aria-pressed", "false"), ("aria-label", "like this video along with 1,203 other people")], Some("1.2K")),
            e("button-view-model", &[], None),
            e("toggle-button-view-model", &[], None),
            e("like-button-view-model", &[], None),
        ]), 1),
        ("generic heuristic (J'aime)", observation("https://blog.example.org/post/7", vec![e("span", &[], Some("J’aime")), e("button", &[("class", "btn btn-reaction"), ("aria-pressed", "false")], Some("J’aime"))]), 1),
        ("generic refusal (counter)", observation("https://blog.example.org/post/7", vec![e("button", &[("class", "count")], Some("1,234 likes"))]), 0),
    ];
    for (name, obs, expected) in &cases {
        assert_eq!(classifier.classify(obs).len(), *expected, "{name}");
        // Warm up first: V8 runs new wasm code in its baseline compiler and optimises it once it is hot.
        for _ in 0..N / 4 {
            std::hint::black_box(classifier.classify(std::hint::black_box(obs)));
        }
        // Batches, not one long run: on a shared machine the best batch is the code's speed, the median what a
        // loaded machine gives.
        let mut per_batch = Vec::new();
        let mut found = 0;
        for _ in 0..BATCHES {
            let start = now_ms();
            for _ in 0..N / BATCHES {
                found += classifier.classify(std::hint::black_box(obs)).len();
            }
            per_batch.push((now_ms() - start) * 1e6 / f64::from(N / BATCHES));
        }
        assert_eq!(found, *expected * N as usize);
        per_batch.sort_by(f64::total_cmp);
        let (best, median) = (per_batch[0], per_batch[per_batch.len() / 2]);
        console_log!("wasm classify, {name}: best batch {best:.0} ns ({:.0}/s), median batch {median:.0} ns ({:.0}/s); {N} runs in {BATCHES} batches", 1e9 / best, 1e9 / median);
    }
}
