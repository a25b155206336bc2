//! Checks one participant's package against exactly what Digitus writes for this study: the descriptor
//! (format, study id, schemas), then every CSV row against its Table Schema (names, types, enums, ranges,
//! the participant of the descriptor, unique keys) and the participant table against the rows.

use crate::input::{refuse, Files, Refusal};
use digitus::research::package::{self, Field, FieldType, Table, DESCRIPTOR, PARTICIPANT_PATTERN};
use digitus::research::Study;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A package that passed every check: its participant and its rows (cells in schema order).
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub participant: String,
    pub tables: BTreeMap<Table, Vec<Vec<String>>>,
}

/// Validates `files` for `study`.
pub fn validate(study: &Study, files: &Files) -> Result<Accepted, Refusal> {
    let text = |name: &str| -> Result<&str, Refusal> {
        let bytes = files.get(name).ok_or_else(|| Refusal(format!("{name} is missing")))?;
        std::str::from_utf8(bytes).map_err(|_| Refusal(format!("{name} is not UTF-8 text")))
    };
    let descriptor: Value = serde_json::from_str(text(DESCRIPTOR)?).map_err(|e| Refusal(format!("{DESCRIPTOR} is not JSON ({e})")))?;
    let digitus = descriptor.get("digitus").ok_or_else(|| Refusal(format!("{DESCRIPTOR} is not a Digitus study export (no \"digitus\")")))?;
    if digitus.get("format").and_then(Value::as_str) != Some(package::FORMAT) {
        return refuse(format!("{DESCRIPTOR}: format is not {}", package::FORMAT));
    }
    if digitus.get("version").and_then(Value::as_u64) != Some(u64::from(package::VERSION)) {
        return refuse(format!("{DESCRIPTOR}: version {} is not supported (this tool reads {})", digitus.get("version").unwrap_or(&Value::Null), package::VERSION));
    }
    match digitus.get("study").and_then(Value::as_str) {
        Some(id) if id == study.id => {}
        Some(id) => return refuse(format!("foreign: from study \"{}\", not \"{}\"", id.chars().take(64).collect::<String>(), study.id)),
        None => return refuse(format!("{DESCRIPTOR}: no study id")),
    }
    let participant = match digitus.get("participant").and_then(Value::as_str) {
        Some(p) if is_participant(p) => p.to_string(),
        _ => return refuse(format!("{DESCRIPTOR}: the participant id is not {PARTICIPANT_PATTERN}")),
    };
    // Everything else must be exactly what this study's export looks like (same schemas, same ε, same
    // platform list): a package edited by hand, or written for other study settings, differs here.
    let expected = package::descriptor(study, Some(&participant));
    if descriptor != expected {
        return refuse(format!("tampered: {DESCRIPTOR} differs from what Digitus writes for this study ({})", first_difference(&expected, &descriptor, "")));
    }
    let mut tables = BTreeMap::new();
    for table in Table::ALL {
        let rows = read_table(study, table, text(&table.path())?, &participant).map_err(|Refusal(why)| Refusal(format!("{}: {why}", table.path())))?;
        tables.insert(table, rows);
    }
    // The participant table: one row, consistent with the others.
    let summary = &tables[&Table::Participant];
    if summary.len() != 1 {
        return refuse(format!("participant.csv: {} rows, not 1", summary.len()));
    }
    let days: BTreeSet<&str> = tables[&Table::Labour].iter().chain(&tables[&Table::CaptchaLabels]).map(|r| r[2].as_str()).collect();
    let epsilon = study.epsilon().map(|e| e.to_string()).unwrap_or_default();
    let row = &summary[0];
    if row[3] != epsilon {
        return refuse(format!("tampered: participant.csv says epsilon \"{}\", the study {:?}", row[3], study.epsilon()));
    }
    if row[4] != days.len().to_string() {
        return refuse(format!("tampered: participant.csv counts {} days, the rows hold {}", row[4], days.len()));
    }
    Ok(Accepted { participant, tables })
}

pub fn is_participant(p: &str) -> bool {
    p.len() == 32 && p.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Where two JSON values first differ, as a path ("resources/0/schema/fields/3/constraints").
fn first_difference(expected: &Value, got: &Value, at: &str) -> String {
    match (expected, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) if w == v => {}
                    Some(w) => return first_difference(v, w, &format!("{at}/{k}")),
                    None => return format!("{at}/{k} is missing"),
                }
            }
            match b.keys().find(|k| !a.contains_key(*k)) {
                Some(k) => format!("{at}/{} is unexpected", k.chars().take(40).collect::<String>()),
                None => format!("{at} differs"),
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            match a.iter().zip(b).position(|(x, y)| x != y) {
                Some(i) => first_difference(&a[i], &b[i], &format!("{at}/{i}")),
                None => format!("{at} differs"),
            }
        }
        _ => format!("{} differs", if at.is_empty() { "/" } else { at }),
    }
}

/// Parses and checks one CSV table; the rows' cells come back in schema order.
pub fn read_table(study: &Study, table: Table, text: &str, participant: &str) -> Result<Vec<Vec<String>>, Refusal> {
    let fields = table.fields(study);
    let key_columns: Vec<usize> =
        table.primary_key(study).iter().map(|k| fields.iter().position(|f| f.name == *k).expect("key columns are fields")).collect();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| Refusal(format!("unreadable header ({e})")))?.clone();
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    if header.iter().collect::<Vec<_>>() != names {
        return refuse(format!("header is not {}", names.join(",")));
    }
    let mut rows = Vec::new();
    let mut keys = BTreeSet::new();
    for (line, record) in reader.records().enumerate() {
        let row = line + 2;
        let record = record.map_err(|e| Refusal(format!("row {row}: {e}")))?;
        let cells: Vec<String> = record.iter().map(String::from).collect();
        for (field, cell) in fields.iter().zip(&cells) {
            check_cell(field, cell).map_err(|why| Refusal(format!("row {row}, {}: {why}", field.name)))?;
        }
        if cells[1] != participant {
            return refuse(format!("row {row}: participant {} is not the package's", cells[1].chars().take(40).collect::<String>()));
        }
        let key: Vec<&str> = key_columns.iter().map(|&i| cells[i].as_str()).collect();
        if !keys.insert(key.join("\u{1f}")) {
            return refuse(format!("row {row}: the key ({}) appears twice", key.join(", ")));
        }
        rows.push(cells);
    }
    Ok(rows)
}

/// One cell against its field's type and constraints.
pub fn check_cell(field: &Field, cell: &str) -> Result<(), String> {
    if cell.is_empty() {
        return if field.required { Err("empty".into()) } else { Ok(()) };
    }
    match field.kind {
        FieldType::String => {}
        FieldType::Integer => {
            let n: i64 = cell.parse().map_err(|_| format!("{:?} is not an integer", short(cell)))?;
            if field.minimum.is_some_and(|m| n < m) || field.maximum.is_some_and(|m| n > m) {
                return Err(format!("{n} is out of range"));
            }
        }
        FieldType::Number => {
            let x: f64 = cell.parse().map_err(|_| format!("{:?} is not a number", short(cell)))?;
            if !x.is_finite() {
                return Err("not a finite number".into());
            }
        }
        FieldType::Date => {
            if cell.len() != 10 || digitus::store::day_start_ms(cell).map(|t| digitus::model::day_of(t, 0)).as_deref() != Some(cell) {
                return Err(format!("{:?} is not a date (YYYY-MM-DD)", short(cell)));
            }
        }
    }
    if let Some(values) = &field.values {
        if !values.iter().any(|v| v == cell) {
            return Err(format!("{:?} is not an allowed value", short(cell)));
        }
    }
    if field.pattern == Some(PARTICIPANT_PATTERN) && !is_participant(cell) {
        return Err("not a participant id".into());
    }
    if let Some(max) = field.max_length {
        if cell.chars().count() > max || digitus::research::export_object(cell) != cell {
            return Err(format!("{:?} is not an object name Digitus writes", short(cell)));
        }
    }
    Ok(())
}

fn short(cell: &str) -> String {
    cell.chars().take(40).collect()
}
