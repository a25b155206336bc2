//! # digitus-class: the classroom server
//!
//! One command (`bash scripts/demo.sh`, or `digitus-class --host 0.0.0.0`) serves a class:
//!
//! ```text
//!  student machines (no install)                 this server (axum + tokio)            teacher's projector
//!  ┌──────────────────────────────┐  GET /        ┌──────────────────────────┐  GET /board ┌──────────────┐
//!  │ the labour lab (www/)        │ ◀──────────── │ files: www/, build/pkg/, │ ──────────▶ │ the board    │
//!  │  sensor.js + captcha.js      │               │  sensors, dist/*.zip,    │             │ (www/board)  │
//!  │  → Rust core in wasm judges, │  POST labour  │  SHA256SUMS              │  SSE /live  │ totals, time,│
//!  │    records, values (meter)   │ ────────────▶ │ classes: Registry (RAM)  │ ──────────▶ │ valuations,  │
//!  │  → sends its net counts      │ {student,kind,│  code → Class → students │             │ chart, CSV   │
//!  └──────────────────────────────┘  n, seconds}  └──────────────────────────┘             └──────────────┘
//! ```
//!
//! - `classes`: the in-memory classes, per-student counts, caps, rate limits, expiry (pure, unit-tested).
//! - `api`: routes, JSON bodies (size-limited, strictly parsed), the SSE stream, CSV, security headers.
//! - `files`: static files behind a strict path decoder (`GET /%` is a 400, never a crash) and the
//!   packages' SHA-256 sums.
//! - `value`: the class's valuations from the core's valuation engine.
//!
//! The judgement of what counts as labour stays in the core, in the student's browser; the server only
//! adds up what each anonymous student's lab reports, and can never make a total negative or let one
//! student take back another's work. Nothing is written to disk.

pub mod api;
pub mod classes;
pub mod error;
pub mod files;
pub mod value;

pub use error::{Error, Result};

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub sources: files::Sources,
    pub limits: classes::Limits,
}

/// The CAPTCHA objects of the lab's own challenge set (`www/lab/captcha-set.json`): the only objects a
/// class accepts labels for, so a board projected in class shows nothing a student typed.
pub fn lab_objects(root: &Path) -> HashSet<String> {
    let Ok(text) = std::fs::read_to_string(root.join("www/lab/captcha-set.json")) else {
        return HashSet::new();
    };
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    json["objects"]
        .as_array()
        .map(|objects| objects.iter().filter_map(|o| o["id"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The router for a configuration (tests and the binary use the same).
pub fn app(config: &Config) -> (axum::Router, Arc<classes::Registry>) {
    let registry = Arc::new(classes::Registry::new(config.limits.clone(), lab_objects(&config.sources.root)));
    let app = api::App { registry: registry.clone(), sources: Arc::new(config.sources.clone()) };
    (api::router(app), registry)
}

/// Serves on a bound listener until `shutdown` resolves; drops expired classes every few seconds.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (router, registry) = app(&config);
    let sweeper = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            registry.sweep();
        }
    });
    let result = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await;
    sweeper.abort();
    result
}
