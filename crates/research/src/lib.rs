//! # digitus-research: merging participants' study exports
//!
//! ```text
//!  study.json ─▶ digitus::research::Study (the same strict parser the extension uses)
//!  zips / folders ─▶ input (hostile-input limits) ─▶ validate (against the descriptor Digitus would write
//!        │                                             for this study; every CSV cell against its schema)
//!        ├─ refused ─▶ refused.csv (file, reason), and the merge goes on
//!        └─ accepted ─▶ output: labour.csv, captcha_labels.csv, participants.csv,
//!                       parquet/<table>/[kind=…/]part-NNNNN.parquet, datapackage.json, summary.json
//! ```
//! One package is in memory at a time; Parquet writers buffer one batch per partition: memory stays
//! bounded whatever the number of participants. `synth` writes synthetic packages through the extension's
//! own export code (for benchmarks and tests).

pub mod error;
pub mod input;
pub mod merge;
pub mod output;
pub mod synth;
pub mod validate;

pub use error::{Error, Result};
pub use input::Refusal;

/// Reads and checks a study file for the command line (a bad file is a usage error).
pub fn read_study(path: &std::path::Path) -> Result<digitus::research::Study> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    digitus::research::Study::parse(&text).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}
