//! Synthetic participants for benchmarks and tests: random histories recorded into the core's
//! `MemoryStore`, exported by the very code the extension runs (`digitus::research::rows` and `files`),
//! and zipped as the study page does.

use crate::{Error, Result};
use digitus::model::{CaptchaDetail, Event, Kind};
use digitus::research::noise::{Rng, SplitMix64};
use digitus::research::{self, Enrolment, Study};
use digitus::store::{MemoryStore, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SITES: [&str; 12] = [
    "youtube.com", "reddit.com", "x.com", "amazon.com", "github.com", "imdb.com",
    "fosstodon.org", "mamot.fr", "smallforum.example", "myblog.example.net", "shop.example.org", "recipes.example",
];
const OBJECTS: [&str; 5] = ["traffic lights", "bicycles", "crosswalks", "buses", "fire hydrants"];

/// One participant's package files, `events` random events over 90 days.
pub fn package(study: &Study, seed: u64, events: usize) -> Result<BTreeMap<String, String>> {
    let mut rng = SplitMix64::new(seed);
    let start = 1_795_996_800_000.0; // 2026-11-30
    let mut batch = Vec::with_capacity(events);
    for i in 0..events {
        let kind = Kind::ALL[(rng.next_u64() % 7) as usize];
        let site = SITES[(rng.next_u64() % SITES.len() as u64) as usize];
        let time = start + (rng.next_u64() % (90 * 86_400_000)) as f64;
        let mut event = Event::new(format!("s{seed}-{i}"), kind, site, time, format!("synthetic.{}@1", kind.as_str()));
        event.tz = 60;
        event.duration_ms = 500 + (rng.next_u64() % 5_000) as u32;
        if kind == Kind::Captcha {
            let object = OBJECTS[(rng.next_u64() % OBJECTS.len() as u64) as usize];
            event.duration_ms += 20_000;
            event.captcha = Some(CaptchaDetail {
                provider: "recaptcha".into(),
                rounds: 1,
                labels: BTreeMap::from([(object.to_string(), 1 + (rng.next_u64() % 4) as u32)]),
                ..CaptchaDetail::default()
            });
        }
        batch.push(event);
    }
    let store = MemoryStore::new();
    futures_lite_block_on(store.merge_events(&batch))?;
    let enrolment = Enrolment {
        study: study.clone(),
        participant: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
        secret: format!("{:016x}", rng.next_u64()),
    };
    let rows = futures_lite_block_on(research::rows(&store, &enrolment))?;
    Ok(research::files(&enrolment, &rows)?)
}

/// Writes `participants` synthetic zips into `dir` (`p000000.zip`, …); returns their paths.
pub fn write(study: &Study, dir: &Path, participants: usize, events: usize, first_seed: u64) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let mut paths = Vec::with_capacity(participants);
    for p in 0..participants {
        let files = package(study, first_seed + p as u64, events)?;
        let path = dir.join(format!("p{p:06}.zip"));
        let file = std::fs::File::create(&path).map_err(Error::io(&path))?;
        crate::input::write_zip(&files, std::io::BufWriter::new(file))?;
        paths.push(path);
    }
    Ok(paths)
}

/// The core's store is async (for the browser); natively its futures complete at once.
fn futures_lite_block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
    fn raw() -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    static VTABLE: RawWakerVTable = RawWakerVTable::new(|_| raw(), |_| {}, |_| {}, |_| {});
    // SAFETY: the waker's functions ignore their (null) data pointer.
    let waker = unsafe { Waker::from_raw(raw()) };
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut context) {
            return out;
        }
    }
}
