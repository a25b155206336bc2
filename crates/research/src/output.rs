//! The merged study on disk: one CSV per table, and the same tables as a Parquet dataset partitioned
//! Hive-style (`parquet/labour/kind=like/part-00000.parquet`), which DuckDB, Spark and pandas read as is.
//! Rows are buffered a batch at a time and files roll over at a row limit, so memory stays bounded
//! whatever the number of participants.

use crate::{Error, Result};
use arrow_array::builder::{Date32Builder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field as ArrowField, Schema, SchemaRef};
use digitus::research::package::{Field, FieldType, Table};
use digitus::research::Study;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows buffered before they become one Arrow batch.
pub const BATCH_ROWS: usize = 8_192;
/// Rows per Parquet file before the next part starts.
pub const FILE_ROWS: usize = 1_000_000;

/// The merged tables' file names (the participant table becomes `participants`).
pub fn merged_name(table: Table) -> &'static str {
    match table {
        Table::Labour => "labour",
        Table::CaptchaLabels => "captcha_labels",
        Table::Participant => "participants",
    }
}

/// The column a table's Parquet dataset is partitioned by, if any.
pub fn partition_column(table: Table) -> Option<&'static str> {
    (table == Table::Labour).then_some("kind")
}

fn arrow_type(kind: FieldType) -> DataType {
    match kind {
        FieldType::String => DataType::Utf8,
        FieldType::Integer => DataType::Int64,
        FieldType::Date => DataType::Date32,
        FieldType::Number => DataType::Float64,
    }
}

enum Column {
    Str(StringBuilder),
    Int(Int64Builder),
    Date(Date32Builder),
    Num(Float64Builder),
}

impl Column {
    fn new(kind: FieldType) -> Column {
        match kind {
            FieldType::String => Column::Str(StringBuilder::new()),
            FieldType::Integer => Column::Int(Int64Builder::new()),
            FieldType::Date => Column::Date(Date32Builder::new()),
            FieldType::Number => Column::Num(Float64Builder::new()),
        }
    }

    /// Appends a validated cell ("" is null).
    fn push(&mut self, cell: &str) {
        match self {
            Column::Str(b) => b.append_value(cell),
            Column::Int(b) => b.append_option(cell.parse().ok()),
            Column::Date(b) => b.append_option(digitus::store::day_start_ms(cell).map(|ms| (ms / 86_400_000.0) as i32)),
            Column::Num(b) => b.append_option(cell.parse().ok()),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Str(b) => Arc::new(b.finish()),
            Column::Int(b) => Arc::new(b.finish()),
            Column::Date(b) => Arc::new(b.finish()),
            Column::Num(b) => Arc::new(b.finish()),
        }
    }
}

/// One open Parquet file of a partition, with its buffered rows.
struct Part {
    writer: ArrowWriter<File>,
    columns: Vec<Column>,
    buffered: usize,
    rows_in_file: usize,
    index: usize,
}

/// A table's Parquet dataset being written.
pub struct ParquetTable {
    dir: PathBuf,
    fields: Vec<Field>,
    /// Indexes of `fields` written into the files (all but the partition column).
    kept: Vec<usize>,
    partition: Option<usize>,
    schema: SchemaRef,
    parts: BTreeMap<String, Part>,
    files: Vec<PathBuf>,
}

impl ParquetTable {
    pub fn new(root: &Path, study: &Study, table: Table) -> Result<ParquetTable> {
        let fields = table.fields(study);
        let partition = partition_column(table).map(|p| fields.iter().position(|f| f.name == p).expect("partition column exists"));
        let kept: Vec<usize> = (0..fields.len()).filter(|i| Some(*i) != partition).collect();
        let schema = Arc::new(Schema::new(
            kept.iter().map(|&i| ArrowField::new(fields[i].name, arrow_type(fields[i].kind), !fields[i].required)).collect::<Vec<_>>(),
        ));
        let dir = root.join(merged_name(table));
        std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        Ok(ParquetTable { dir, fields, kept, partition, schema, parts: BTreeMap::new(), files: Vec::new() })
    }

    fn open(&mut self, partition: &str, index: usize) -> Result<Part> {
        let dir = match self.partition {
            Some(p) => self.dir.join(format!("{}={partition}", self.fields[p].name)),
            None => self.dir.clone(),
        };
        std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        let path = dir.join(format!("part-{index:05}.parquet"));
        let file = File::create(&path).map_err(Error::io(&path))?;
        let props = WriterProperties::builder().set_compression(Compression::SNAPPY).set_max_row_group_row_count(Some(128 * 1024)).build();
        let writer = ArrowWriter::try_new(file, self.schema.clone(), Some(props))?;
        self.files.push(path);
        Ok(Part { writer, columns: self.kept.iter().map(|&i| Column::new(self.fields[i].kind)).collect(), buffered: 0, rows_in_file: 0, index })
    }

    pub fn push(&mut self, cells: &[String]) -> Result<()> {
        let key = self.partition.map(|p| cells[p].clone()).unwrap_or_default();
        if !self.parts.contains_key(&key) {
            let part = self.open(&key, 0)?;
            self.parts.insert(key.clone(), part);
        }
        let part = self.parts.get_mut(&key).expect("inserted above");
        for (column, &i) in part.columns.iter_mut().zip(&self.kept) {
            column.push(&cells[i]);
        }
        part.buffered += 1;
        part.rows_in_file += 1;
        if part.buffered >= BATCH_ROWS {
            flush(part, &self.schema)?;
        }
        if part.rows_in_file >= FILE_ROWS {
            let done = self.parts.remove(&key).expect("present");
            let next = done.index + 1;
            close(done, &self.schema)?;
            let part = self.open(&key, next)?;
            self.parts.insert(key, part);
        }
        Ok(())
    }

    /// Closes every file; returns the files written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>> {
        for (_, part) in std::mem::take(&mut self.parts) {
            close(part, &self.schema)?;
        }
        Ok(self.files)
    }
}

fn flush(part: &mut Part, schema: &SchemaRef) -> Result<()> {
    if part.buffered == 0 {
        return Ok(());
    }
    let arrays: Vec<ArrayRef> = part.columns.iter_mut().map(Column::finish).collect();
    part.writer.write(&RecordBatch::try_new(schema.clone(), arrays)?)?;
    part.buffered = 0;
    Ok(())
}

fn close(mut part: Part, schema: &SchemaRef) -> Result<()> {
    flush(&mut part, schema)?;
    part.writer.close()?;
    Ok(())
}

/// A table's merged CSV being written.
pub struct CsvTable {
    writer: csv::Writer<std::io::BufWriter<File>>,
}

impl CsvTable {
    pub fn new(root: &Path, study: &Study, table: Table) -> Result<CsvTable> {
        let path = root.join(format!("{}.csv", merged_name(table)));
        let file = File::create(&path).map_err(Error::io(&path))?;
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(std::io::BufWriter::new(file));
        writer.write_record(table.fields(study).iter().map(|f| f.name))?;
        Ok(CsvTable { writer })
    }

    pub fn push(&mut self, cells: &[String]) -> Result<()> {
        self.writer.write_record(cells)?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.writer.flush().map_err(Error::io("csv"))?;
        Ok(())
    }
}
