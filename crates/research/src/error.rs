//! The research tool's one error type. A refused package is not an error (it is a [`crate::Refusal`],
//! written to `refused.csv` while the merge goes on); these stop the run.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line or the study file is wrong: exit code 2.
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("writing Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("building Arrow arrays: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing a zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error(transparent)]
    Core(#[from] digitus::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// The process exit code for this error: 2 for usage errors, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
