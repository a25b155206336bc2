//! `merge`: reads every package in turn (never more than one in memory), refuses what fails a check
//! with its reason, and streams the accepted rows into the merged CSV and Parquet tables.

use crate::input::{self, Refusal};
use crate::output::{merged_name, CsvTable, ParquetTable};
use crate::validate::{self, Accepted};
use crate::{Error, Result};
use digitus::research::package::{self, Table};
use digitus::research::Study;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The study's standard statistics, also computed by `research/queries/*.sql` and the PySpark job.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Statistics {
    pub participants: u64,
    /// kind → {participants with rows of that kind, count, seconds}
    pub by_kind: BTreeMap<String, KindStats>,
    /// platform → count (all kinds)
    pub by_platform: BTreeMap<String, i64>,
    /// CAPTCHA object → labels
    pub by_object: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KindStats {
    pub participants: u64,
    pub count: i64,
    pub seconds: i64,
}

/// What a merge did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub accepted: u64,
    /// (input, reason), in input order.
    pub refused: Vec<(String, String)>,
    pub rows: BTreeMap<&'static str, u64>,
    pub statistics: Statistics,
    pub parquet_files: usize,
}

/// Expands the command line's inputs: a zip, a package folder, or a folder of zips and package folders.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in inputs {
        if path.is_dir() && !path.join(package::DESCRIPTOR).exists() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(Error::io(path))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) || p.join(package::DESCRIPTOR).exists())
                .collect();
            entries.sort();
            out.extend(entries);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Merges `inputs` (already expanded) for `study` into `out`, which must be empty or absent.
pub fn merge(study: &Study, inputs: &[PathBuf], out: &Path, progress: bool) -> Result<Report> {
    if out.exists() && std::fs::read_dir(out).map_err(Error::io(out))?.next().is_some() {
        return Err(Error::Usage(format!("{} is not empty: give a new or empty folder", out.display())));
    }
    std::fs::create_dir_all(out).map_err(Error::io(out))?;
    let parquet_root = out.join("parquet");
    let mut csv_tables = BTreeMap::new();
    let mut parquet_tables = BTreeMap::new();
    for table in Table::ALL {
        csv_tables.insert(table, CsvTable::new(out, study, table)?);
        parquet_tables.insert(table, ParquetTable::new(&parquet_root, study, table)?);
    }
    let bar = if progress { indicatif::ProgressBar::new(inputs.len() as u64) } else { indicatif::ProgressBar::hidden() };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} packages, {per_sec}, eta {eta} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut report = Report::default();
    // The participant ids seen, to refuse a second package of the same person (16 bytes each).
    let mut seen: HashMap<u128, usize> = HashMap::new();
    let mut per_kind_participants: BTreeMap<String, u64> = BTreeMap::new();
    for (index, path) in inputs.iter().enumerate() {
        let name = path.display().to_string();
        let outcome = input::read(path).and_then(|files| validate::validate(study, &files));
        match outcome {
            Ok(accepted) => {
                let id = u128::from_str_radix(&accepted.participant, 16).expect("validated hex");
                if let Some(first) = seen.get(&id) {
                    report.refused.push((name, format!("duplicate: participant already merged from {}", inputs[*first].display())));
                } else {
                    seen.insert(id, index);
                    write(&accepted, &mut csv_tables, &mut parquet_tables, &mut report, &mut per_kind_participants)?;
                    report.accepted += 1;
                }
            }
            Err(Refusal(why)) => report.refused.push((name, why)),
        }
        bar.set_message(format!("{} refused", report.refused.len()));
        bar.inc(1);
    }
    bar.finish_and_clear();
    for (_, table) in csv_tables {
        table.finish()?;
    }
    for (_, table) in parquet_tables {
        report.parquet_files += table.finish()?.len();
    }
    report.statistics.participants = report.accepted;
    for (kind, n) in per_kind_participants {
        report.statistics.by_kind.entry(kind).or_default().participants = n;
    }
    write_refused(out, &report.refused)?;
    write_descriptor(out, study, &report)?;
    let summary = serde_json::to_string_pretty(&report.statistics)?;
    std::fs::write(out.join("summary.json"), summary + "\n").map_err(Error::io(out.join("summary.json")))?;
    Ok(report)
}

fn write(
    accepted: &Accepted,
    csv_tables: &mut BTreeMap<Table, CsvTable>,
    parquet_tables: &mut BTreeMap<Table, ParquetTable>,
    report: &mut Report,
    per_kind_participants: &mut BTreeMap<String, u64>,
) -> Result<()> {
    let stats = &mut report.statistics;
    let mut kinds_here = std::collections::BTreeSet::new();
    for (table, rows) in &accepted.tables {
        let width = rows.first().map_or(0, Vec::len);
        for cells in rows {
            csv_tables.get_mut(table).expect("every table").push(cells)?;
            parquet_tables.get_mut(table).expect("every table").push(cells)?;
            match table {
                Table::Labour => {
                    // … platform, category, kind, count, seconds are the last five columns.
                    let (platform, kind) = (&cells[width - 5], &cells[width - 3]);
                    let count: i64 = cells[width - 2].parse().unwrap_or(0);
                    let seconds: i64 = cells[width - 1].parse().unwrap_or(0);
                    let k = stats.by_kind.entry(kind.clone()).or_default();
                    k.count += count;
                    k.seconds += seconds;
                    *stats.by_platform.entry(platform.clone()).or_default() += count;
                    kinds_here.insert(kind.clone());
                }
                Table::CaptchaLabels => {
                    *stats.by_object.entry(cells[width - 2].clone()).or_default() += cells[width - 1].parse::<i64>().unwrap_or(0);
                }
                Table::Participant => {}
            }
        }
        *report.rows.entry(merged_name(*table)).or_default() += rows.len() as u64;
    }
    for kind in kinds_here {
        *per_kind_participants.entry(kind).or_default() += 1;
    }
    Ok(())
}

fn write_refused(out: &Path, refused: &[(String, String)]) -> Result<()> {
    let path = out.join("refused.csv");
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_path(&path)?;
    writer.write_record(["file", "reason"])?;
    for (file, reason) in refused {
        writer.write_record([file, reason])?;
    }
    writer.flush().map_err(Error::io(&path))?;
    Ok(())
}

/// The merged package's descriptor: the study's, with the participant table as `participants.csv`, the
/// counts, and where the Parquet dataset is.
fn write_descriptor(out: &Path, study: &Study, report: &Report) -> Result<()> {
    let mut descriptor = package::descriptor(study, None);
    for resource in descriptor["resources"].as_array_mut().expect("resources") {
        if resource["name"] == Table::Participant.name() {
            resource["name"] = json!(merged_name(Table::Participant));
            resource["path"] = json!(format!("{}.csv", merged_name(Table::Participant)));
            resource["title"] = json!("The participants merged");
        }
    }
    descriptor["digitus"]["participants"] = json!(report.accepted);
    descriptor["digitus"]["refused"] = json!(report.refused.len());
    descriptor["digitus"]["parquet"] = json!(Table::ALL
        .iter()
        .map(|t| (merged_name(*t).to_string(), json!(format!("parquet/{}", merged_name(*t)))))
        .collect::<serde_json::Map<_, _>>());
    let path = out.join(package::DESCRIPTOR);
    std::fs::write(&path, serde_json::to_string_pretty(&descriptor)? + "\n").map_err(Error::io(&path))?;
    Ok(())
}

impl Report {
    /// The summary printed at the end of a merge.
    pub fn summary(&self) -> String {
        let mut s = format!("{} participants merged, {} packages refused", self.accepted, self.refused.len());
        if !self.refused.is_empty() {
            s.push_str(" (see refused.csv)");
        }
        s.push('\n');
        s.push_str(&format!(
            "rows: {}; {} Parquet files\n",
            self.rows.iter().map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", "),
            self.parquet_files
        ));
        s.push_str(&format!("{:<10} {:>12} {:>14} {:>14} {:>16}\n", "kind", "participants", "count", "seconds", "count/participant"));
        for (kind, k) in &self.statistics.by_kind {
            let mean = if self.accepted > 0 { k.count as f64 / self.accepted as f64 } else { 0.0 };
            s.push_str(&format!("{kind:<10} {:>12} {:>14} {:>14} {mean:>16.2}\n", k.participants, k.count, k.seconds));
        }
        let mut platforms: Vec<_> = self.statistics.by_platform.iter().collect();
        platforms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        s.push_str(&format!(
            "top platforms: {}\n",
            platforms.iter().take(5).map(|(p, n)| format!("{p} {n}")).collect::<Vec<_>>().join(", ")
        ));
        s
    }
}
