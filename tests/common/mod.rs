//! Builders shared by the test crates and the benchmarks (`mod common;`, or `#[path]` from `benches/`).
//! Each crate uses only some of them.
#![allow(dead_code)]

use digitus::model::{Action, Effect, Element, Event, Kind, Observation};

/// An element as the sensor describes it.
pub fn element(tag: &str, attrs: &[(&str, &str)], text: Option<&str>, nth: u32) -> Element {
    Element {
        tag: tag.into(),
        attrs: attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        text: text.map(String::from),
        nth,
    }
}

/// A stored event of one unit of labour on `item`, as the storage tests write them directly.
pub fn event(id: &str, kind: Kind, effect: Effect, site: &str, time: f64, item: &str) -> Event {
    Event {
        tz: 60,
        duration_ms: 2_650,
        effect,
        item: Some(item.into()),
        ..Event::new(id, kind, site, time, format!("test.{}@1", kind.as_str()))
    }
}

/// A realistic click report for the classification benchmarks: `head` (the clicked node and its control),
/// a dozen ancestors up to body, and the same chain after the click with `aria-pressed` set to
/// `pressed_after` where the control has one.
pub fn bench_observation(url: &str, head: Vec<Element>, pressed_after: bool) -> Observation {
    let mut path = head;
    for depth in 0..12 {
        path.push(element("div", &[("class", &format!("container level-{depth} flex"))], None, 1));
    }
    path.push(element("body", &[], None, 1));
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
        after_pending: false,
        activation_ms: None,
    }
}
