//! The study export as a Frictionless Data Package: the tables, their Table Schemas, the
//! `datapackage.json` descriptor and the CSV text. Shared by the extension (which writes packages) and the
//! research tool (which checks each participant's package against exactly what this module would write).

use super::platforms::Platforms;
use super::study::{Granularity, Study};
use crate::model::Kind;
use serde_json::{json, Value};

/// The package format, inside the descriptor's `digitus` object.
pub const FORMAT: &str = "digitus-study-export";
pub const VERSION: u32 = 1;
pub const DESCRIPTOR: &str = "datapackage.json";

/// The tables of a study export, in the order they appear in the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// Labour counts and seconds per participant × time bucket × platform × kind.
    Labour,
    /// CAPTCHA image labels per participant × time bucket × object.
    CaptchaLabels,
    /// One row: the study id, the participant, the study's granularity and ε.
    Participant,
}

/// A column's Frictionless type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Date,
    Number,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Date => "date",
            FieldType::Number => "number",
        }
    }
}

/// One column: name, type, and its Table Schema constraints (also what the research tool checks).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldType,
    pub description: &'static str,
    /// Allowed values, when the column has a closed set.
    pub values: Option<Vec<String>>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// A regular expression the value matches (Table Schema `pattern`), checked by the research tool by hand.
    pub pattern: Option<&'static str>,
    /// Longest text, in characters.
    pub max_length: Option<usize>,
    pub required: bool,
}

/// Participant ids: 32 lower-case hex digits (a random UUID without dashes).
pub const PARTICIPANT_PATTERN: &str = "^[0-9a-f]{32}$";
/// Longest CAPTCHA object name in an export (see [`super::export_object`]).
pub const OBJECT_MAX: usize = 40;

impl Table {
    pub const ALL: [Table; 3] = [Table::Labour, Table::CaptchaLabels, Table::Participant];

    pub fn name(self) -> &'static str {
        match self {
            Table::Labour => "labour",
            Table::CaptchaLabels => "captcha_labels",
            Table::Participant => "participant",
        }
    }

    pub fn path(self) -> String {
        format!("{}.csv", self.name())
    }

    pub fn title(self) -> &'static str {
        match self {
            Table::Labour => "Unpaid micro-work per time bucket, platform and kind",
            Table::CaptchaLabels => "CAPTCHA images labelled, by the object asked for",
            Table::Participant => "The participant and the study",
        }
    }

    /// The columns, for a study (the hour column exists only in hour studies; counts may be negative
    /// once noise is added).
    pub fn fields(self, study: &Study) -> Vec<Field> {
        let noisy = study.noise.is_some();
        let field = |name, kind, description| Field {
            name,
            kind,
            description,
            values: None,
            minimum: None,
            maximum: None,
            pattern: None,
            max_length: None,
            required: true,
        };
        let study_field = Field { values: Some(vec![study.id.clone()]), ..field("study", FieldType::String, "The study id") };
        let participant = Field {
            pattern: Some(PARTICIPANT_PATTERN),
            ..field("participant", FieldType::String, "Random id of the participant, different in every study")
        };
        let mut time = vec![field("day", FieldType::Date, "Local calendar day")];
        if study.granularity == Granularity::Hour {
            time.push(Field { minimum: Some(0), maximum: Some(23), ..field("hour", FieldType::Integer, "Local hour of the day (0-23)") });
        }
        let count = |name, description| Field { minimum: (!noisy).then_some(0), ..field(name, FieldType::Integer, description) };
        match self {
            Table::Labour => {
                let platforms = Platforms::bundled();
                let kinds = Kind::ALL.into_iter().filter(|k| study.collects(*k)).map(|k| k.as_str().to_string()).collect();
                let mut fields = vec![study_field, participant];
                fields.extend(time);
                fields.extend([
                    Field {
                        values: Some(platforms.platform_values()),
                        ..field("platform", FieldType::String, "Registrable domain of a listed major platform, or \"other\"")
                    },
                    Field { values: Some(platforms.category_values()), ..field("category", FieldType::String, "The site's category, \"other\" if unlisted") },
                    Field { values: Some(kinds), ..field("kind", FieldType::String, "Kind of labour") },
                    count("count", if noisy { "Units of labour, with Laplace noise of scale 1/epsilon" } else { "Units of labour" }),
                    Field { minimum: Some(0), ..field("seconds", FieldType::Integer, "Time the labour took, in seconds (not noised)") },
                ]);
                fields
            }
            Table::CaptchaLabels => {
                let mut fields = vec![study_field, participant];
                fields.extend(time);
                fields.extend([
                    Field { max_length: Some(OBJECT_MAX), ..field("object", FieldType::String, "The object the CAPTCHA asked to find (\"unnamed\" when not shown)") },
                    count("labels", if noisy { "Images labelled, with Laplace noise of scale 1/epsilon" } else { "Images labelled" }),
                ]);
                fields
            }
            Table::Participant => vec![
                study_field,
                participant,
                Field { values: Some(vec![study.granularity.as_str().into()]), ..field("granularity", FieldType::String, "Finest time bucket of the export") },
                Field { required: false, ..field("epsilon", FieldType::Number, "Laplace noise budget on counts; empty: no noise") },
                Field { minimum: Some(0), ..field("days", FieldType::Integer, "Days with at least one row") },
            ],
        }
    }

    /// Columns that identify a row (unique in a package and, with the participant, in a merged study).
    pub fn primary_key(self, study: &Study) -> Vec<&'static str> {
        let hour = study.granularity == Granularity::Hour;
        let mut key = vec!["participant"];
        match self {
            Table::Labour | Table::CaptchaLabels => {
                key.push("day");
                if hour {
                    key.push("hour");
                }
                if self == Table::Labour {
                    key.extend(["platform", "category", "kind"]);
                } else {
                    key.push("object");
                }
            }
            Table::Participant => {}
        }
        key
    }

    /// The resource's Table Schema (Frictionless).
    pub fn schema(self, study: &Study) -> Value {
        let fields: Vec<Value> = self
            .fields(study)
            .iter()
            .map(|f| {
                let mut constraints = serde_json::Map::new();
                if f.required {
                    constraints.insert("required".into(), json!(true));
                }
                if let Some(values) = &f.values {
                    constraints.insert("enum".into(), json!(values));
                }
                if let Some(min) = f.minimum {
                    constraints.insert("minimum".into(), json!(min));
                }
                if let Some(max) = f.maximum {
                    constraints.insert("maximum".into(), json!(max));
                }
                if let Some(max) = f.max_length {
                    constraints.insert("maxLength".into(), json!(max));
                }
                if let Some(pattern) = f.pattern {
                    // Table Schema patterns are implicitly anchored (XML Schema style): drop ^ and $.
                    constraints.insert("pattern".into(), json!(pattern.trim_start_matches('^').trim_end_matches('$')));
                }
                json!({"name": f.name, "type": f.kind.as_str(), "description": f.description, "constraints": constraints})
            })
            .collect();
        json!({ "fields": fields, "primaryKey": self.primary_key(study), "missingValues": [""] })
    }
}

/// The `datapackage.json` of one participant's export (`participant: None` for a merged study).
pub fn descriptor(study: &Study, participant: Option<&str>) -> Value {
    let resources: Vec<Value> = Table::ALL
        .iter()
        .map(|t| {
            json!({
                "name": t.name(),
                "title": t.title(),
                "path": t.path(),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": true},
                "schema": t.schema(study),
            })
        })
        .collect();
    let mut digitus = json!({
        "format": FORMAT,
        "version": VERSION,
        "study": study.id,
        "granularity": study.granularity.as_str(),
        "platforms_version": Platforms::bundled().version,
    });
    if let Some(epsilon) = study.epsilon() {
        digitus["epsilon"] = json!(epsilon);
    }
    if let Some(p) = participant {
        digitus["participant"] = json!(p);
    }
    json!({
        "profile": "tabular-data-package",
        "name": format!("digitus-{}", study.id),
        "title": study.title,
        "description": format!("Digitus study export: unpaid micro-work counted in the browser, by {} bucket. Contact: {}", study.granularity.as_str(), study.contact),
        "licenses": [{"name": "other-closed", "title": "Shared with the study's researchers under the participant's consent"}],
        "digitus": digitus,
        "resources": resources,
    })
}

/// One CSV cell, quoted when it holds a comma, quote or line break (RFC 4180).
pub fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// A CSV table: header, then rows, `\n` line ends.
pub fn csv(fields: &[Field], rows: &[Vec<String>]) -> String {
    let mut out = fields.iter().map(|f| f.name).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}
