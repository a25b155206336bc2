//! Entry points of the storage benchmark (`bench/browser/storage.mjs`), built only with the `bench`
//! feature (`scripts/build.sh --bench`): bulk fills and timed reads that the shipped module must not carry.

use crate::idb::IdbStore;
use crate::to_js;
use digitus::model::{Event, Kind};
use digitus::store::Store;
use wasm_bindgen::prelude::*;

/// Benchmarks report failures as plain errors: nothing but the bench pages reads them.
fn js_error(e: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&e.to_string()).into()
}

/// A synthetic but realistic event: 40 sites, all kinds, some undos, spread over a year.
fn synthetic(i: u64, start_ms: f64) -> Event {
    let kinds = [Kind::Like, Kind::Like, Kind::Like, Kind::Rating, Kind::Tag, Kind::Report, Kind::Feedback, Kind::Review];
    let kind = kinds[(i % kinds.len() as u64) as usize];
    let site = format!("site{}.example", (i * 7) % 40);
    let id = format!("{:016x}-{i}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    Event {
        tz: 60,
        duration_ms: 2_650,
        item: Some(format!("item-{i}")),
        value: (kind == Kind::Rating).then_some(4.0),
        words: (kind == Kind::Review).then_some(42),
        chars: (kind == Kind::Review).then_some(230),
        ..Event::new(id, kind, site, start_ms + (i as f64) * 31.0 * 1000.0, format!("bench.{}@1", kind.as_str()))
    }
}

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: sub-millisecond, as the Dexie side of each benchmark times itself.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn now_ms() -> f64;
}

/// The synthetic events `from..to` as JSON (the Dexie side of the benchmark writes the same ones).
#[wasm_bindgen]
pub fn bench_events(from: f64, to: f64, start_ms: f64) -> Result<JsValue, JsValue> {
    let events: Vec<Event> = (from as u64..to as u64).map(|i| synthetic(i, start_ms)).collect();
    to_js(&events).map_err(js_error)
}

/// Ingests synthetic events `from..to` into database `db` through `merge_events` (events, rollups and
/// items in one transaction per `batch`); resolves to the milliseconds it took.
#[wasm_bindgen]
pub async fn bench_ingest(db: String, from: f64, to: f64, batch: usize, start_ms: f64) -> Result<f64, JsValue> {
    let store = IdbStore::open(&db).await.map_err(js_error)?;
    let t0 = now_ms();
    let mut i = from as u64;
    while i < to as u64 {
        let end = (i + batch.max(1) as u64).min(to as u64);
        let events: Vec<Event> = (i..end).map(|n| synthetic(n, start_ms)).collect();
        store.merge_events(&events).await.map_err(js_error)?;
        i = end;
    }
    let ms = now_ms() - t0;
    store.close();
    Ok(ms)
}

/// The summary of database `db` as the API computes it (from the totals by site × kind), timed over `reads`
/// reads one after the other (the page's clock steps by 0.1 ms, about a tenth of one read), and the same
/// summary from the rollups by day (how it was computed before the totals), timed once; resolves to
/// `{ms, ms_rollups, events, rollups, totals}`, `ms` per read. The database is opened before timing.
#[wasm_bindgen]
pub async fn bench_summary(db: String, reads: u32) -> Result<JsValue, JsValue> {
    use digitus::summary::Summary;
    let store = IdbStore::open(&db).await.map_err(js_error)?;
    // One untimed read first: Dexie's side opens its database before its clock starts, and a page keeps
    // its connection; the timed read is the one a popup or dashboard makes on an open store.
    let mut totals = store.site_totals().await.map_err(js_error)?;
    let mut summary = Summary::from_site_totals(&totals);
    let t0 = now_ms();
    for _ in 0..reads.max(1) {
        totals = store.site_totals().await.map_err(js_error)?;
        summary = Summary::from_site_totals(&totals);
        drop(to_js(&summary).map_err(js_error)?);
    }
    let ms = (now_ms() - t0) / f64::from(reads.max(1));
    let t1 = now_ms();
    let rollups = store.rollups().await.map_err(js_error)?;
    let by_day = Summary::from_rollups(&rollups);
    let _ = to_js(&by_day).map_err(js_error)?;
    let ms_rollups = now_ms() - t1;
    store.close();
    if by_day != summary {
        return Err(js_error("the summaries from totals and from rollups differ"));
    }
    to_js(&serde_json::json!({
        "ms": ms, "ms_rollups": ms_rollups, "events": summary.events, "rollups": rollups.len(), "totals": totals.len()
    }))
    .map_err(js_error)
}

/// Fills database `db` with synthetic events `0..n` the fast way (events added in chunks of 10,000, all
/// requests of a chunk issued together; rollups summed in memory and written at the end, totals built from
/// them on opening; no items), to set up the summary and export benchmarks. Resolves to the milliseconds
/// it took.
#[wasm_bindgen]
pub async fn bench_fill(db: String, n: f64, start_ms: f64) -> Result<f64, JsValue> {
    use digitus::store::{Bucket, Rollup, Totals};
    use std::collections::BTreeMap;
    let t0 = now_ms();
    let rexie = crate::idb::schema(&db).build().await.map_err(js_error)?;
    let mut sums: BTreeMap<Bucket, Totals> = BTreeMap::new();
    let mut i = 0u64;
    while i < n as u64 {
        let end = (i + 10_000).min(n as u64);
        let values: Vec<JsValue> = (i..end)
            .map(|k| {
                let e = synthetic(k, start_ms);
                sums.entry(Bucket::of(&e)).or_default().add(&Totals::of(&e), 1);
                to_js(&e)
            })
            .collect::<Result<_, _>>()
            .map_err(js_error)?;
        let tx = rexie.transaction(&["events"], rexie::TransactionMode::ReadWrite).map_err(js_error)?;
        let store = tx.store("events").map_err(js_error)?;
        store.add_all(values.into_iter().map(|v| (v, None))).await.map_err(js_error)?;
        tx.done().await.map_err(js_error)?;
        i = end;
    }
    let rows: Vec<JsValue> = sums
        .into_iter()
        .map(|(bucket, totals)| {
            let mut row = serde_json::to_value(Rollup { bucket: bucket.clone(), totals }).unwrap_or_default();
            row["key"] = bucket.key().into();
            to_js(&row)
        })
        .collect::<Result<_, _>>()
        .map_err(js_error)?;
    let tx = rexie.transaction(&["rollups"], rexie::TransactionMode::ReadWrite).map_err(js_error)?;
    let store = tx.store("rollups").map_err(js_error)?;
    store.put_all(rows.into_iter().map(|v| (v, None))).await.map_err(js_error)?;
    tx.done().await.map_err(js_error)?;
    // The totals are built from these rollups when the store first opens the database (as after an upgrade).
    rexie.close();
    IdbStore::open(&db).await.map_err(js_error)?.close();
    Ok(now_ms() - t0)
}

/// The per-message cost of the codec (`bench/browser/codec.mjs`): reading a recording message and its
/// sender, and writing an answer, `rounds` times, as the modules do it (serde-wasm-bindgen) ...
#[wasm_bindgen]
pub fn bench_codec_swb(message: JsValue, sender: JsValue, answer: JsValue, rounds: u32) -> Result<(), JsValue> {
    let answer: serde_json::Value = crate::from_js(answer).map_err(js_error)?;
    for _ in 0..rounds {
        crate::from_js::<digitus::api::RecordingRequest>(message.clone()).map_err(js_error)?;
        crate::from_js::<digitus::api::BrowserSender>(sender.clone()).map_err(js_error)?;
        to_js(&answer).map_err(js_error)?;
    }
    Ok(())
}

/// ... and as JSON text (`JSON.stringify`, serde_json, `JSON.parse`): measured, not shipped (bench/README.md,
/// "Module size").
#[wasm_bindgen]
pub fn bench_codec_json(message: JsValue, sender: JsValue, answer: JsValue, rounds: u32) -> Result<(), JsValue> {
    let text_of = |value: &JsValue| -> Result<String, JsValue> { js_sys::JSON::stringify(value)?.as_string().ok_or_else(|| js_error("not JSON")) };
    let answer: serde_json::Value = crate::from_js(answer).map_err(js_error)?;
    for _ in 0..rounds {
        serde_json::from_str::<digitus::api::RecordingRequest>(&text_of(&message)?).map_err(js_error)?;
        serde_json::from_str::<digitus::api::BrowserSender>(&text_of(&sender)?).map_err(js_error)?;
        js_sys::JSON::parse(&serde_json::to_string(&answer).map_err(js_error)?)?;
    }
    Ok(())
}
