//! # Digitus core
//!
//! Counts the unpaid micro-work people do for platforms (likes, ratings, tags, reports, recommender
//! feedback, reviews, CAPTCHA solves) and keeps it on the user's machine.
//!
//! The workspace around this crate (see README.md, "How it is built"):
//!
//! ```text
//!  crates/web (wasm32 glue)      crates/research (native CLI)      crates/class (native server)
//!  IndexedDB, background,        validate + merge study exports     the labour lab, a live class
//!  extension-page exports        → Parquet / CSV                    board, the class API
//!            │                             │                                 │
//!            └──────────── each decides *how*; this crate decides *what* ────┘
//!
//!  page (any site)              this crate (pure: no browser crate on any target)      extension pages
//!  ┌──────────────┐  sense    ┌─────────────────────────────────────────────┐ query ┌────────────┐
//!  │ content/     │ ────────▶ │ api::Core::handle   (who may ask: audience) │ ◀──── │ popup,     │
//!  │ common.js +  │ observ-   │  ├─ element → generic ⇢ rules refine → flow │ ────▶ │ options,   │
//!  │ sensor.js    │ ation     │  │   (judgement; data/rules/*.json)         │answer │ dashboard  │
//!  │ captcha*.js  │ ◀──────── │  ├─ captcha   (sessions; data/captcha.json) │       └────────────┘
//!  └──────────────┘   ack     │  ├─ ledger    (exactly once, undo, replace) │
//!                             │  ├─ store::Store ── MemoryStore (tests, lab) │
//!                             │  │                └─ IdbStore (crates/web)   │
//!                             │  ├─ summary   (totals → answer, rankings)   │
//!                             │  ├─ backup    (strict file format)          │
//!                             │  ├─ data      (one loader for data/*.json)  │
//!                             │  └─ site, psl, time (domains, the Public    │
//!                             │      Suffix List as data, days)            │
//!                             └─────────────────────────────────────────────┘
//! ```
//!
//! CAPTCHA frames have their own sensor (`captcha.js` in provider frames, `captcha-field.js` for the host
//! page's response fields) and their own judge: `captcha` keeps a session per tab and provider (in the
//! settings store, so it survives worker stops) and records each solve through `ledger::record_captcha`.
//!
//! Judgement reads a control once (`element`: words, role, state, value, group); every site gets the
//! `generic` judgement, site `rules` (through `classify`) claim or veto it, and `flow` counts an act that
//! spans a menu, a dialog and a submit once (per tab, in the settings store).
//! Trust (docs/threat-model.md): content scripts may only report (`api::Request::audience`) and hear back
//! their own ids; item keys are keyed with a per-install secret (`keys`); one definition of an event's
//! limits (`limits`) is used by the recorder (clamp) and the importer (refuse); `fuzz` holds the harnesses
//! that the cargo-fuzz targets and the bounded native runs share.
//!
//! The sensors only describe elements; every judgement (is it labour, of which kind, does it undo an
//! earlier one) happens here, so rules and heuristics are tested natively, without a browser. Errors are
//! one enum (`Error`) with a machine-readable `code()` that crosses to JavaScript beside the sentence.

pub mod api;
pub mod captcha;
pub mod backup;
pub mod classify;
pub mod data;
pub mod element;
pub mod error;
pub mod flow;
pub mod fnv;
pub mod fuzz;
pub mod generic;
pub mod keys;
pub mod ledger;
pub mod limits;
pub mod model;
pub mod psl;
pub mod research;
pub mod rules;
pub mod selector;
pub mod site;
pub mod store;
pub mod summary;
pub mod text;
pub mod valuation;
pub mod time;

pub use error::{Error, Result};
