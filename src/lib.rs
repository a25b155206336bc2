//! # Digitus core
//!
//! Counts the unpaid micro-work people do for platforms (likes, ratings, tags, reports, recommender
//! feedback, reviews, CAPTCHA solves) and keeps it on the user's machine.
//!
//! ```text
//!  page (any site)             background (wasm, this crate)                 extension pages
//!  ┌──────────────┐  sense   ┌──────────────────────────────────────┐  query ┌────────────┐
//!  │ sensor.js    │ ───────▶ │ web::background  (glue, wasm32 only) │ ◀───── │ popup,     │
//!  │ (plain JS,   │  {path,  │   │ api::Core::handle                 │ ─────▶ │ options,   │
//!  │  trusted     │  after}  │   ├─ classify  (data/rules/*.json,        │summary │ dashboard  │
//!  │  events only)│ ◀─────── │   │   selector, generic heuristic)   │        └────────────┘
//!  └──────────────┘   ack    │   ├─ ledger    (exactly once, undo,  │
//!                            │   │   replace, rollups)              │
//!                            │   └─ store::Store ── web::idb (rexie) │
//!                            │                  └─ MemoryStore (tests)│
//!                            └──────────────────────────────────────┘
//! ```
//!
//! CAPTCHA frames have their own sensor (`captcha.js` in provider frames, `captcha-field.js` for the host
//! page's response fields) and their own judge: `captcha` keeps a session per tab and provider (in the
//! settings store, so it survives worker stops) and records each solve through `ledger::record_captcha`.
//!
//! Everything outside `web` is pure Rust that knows nothing of the browser and is tested natively.
//! The sensor only describes elements; every judgement (is it labour, of which kind, does it undo an
//! earlier one) happens here, so rules and heuristics are tested without a browser.

pub mod api;
pub mod captcha;
pub mod backup;
pub mod classify;
pub mod data;
pub mod error;
pub mod generic;
pub mod ledger;
pub mod model;
pub mod rules;
pub mod selector;
pub mod site;
pub mod store;
pub mod summary;
pub mod text;
pub mod valuation;

pub use error::{Error, Result};
