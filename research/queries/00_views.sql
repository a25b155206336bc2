-- The merged study as DuckDB views. Run from the merged folder (the tool's --out), e.g.
--   cd out && duckdb -c ".read ../research/queries/00_views.sql" -c ".read ../research/queries/by_kind.sql"
-- The Parquet dataset is partitioned Hive-style (labour/kind=…/part-NNNNN.parquet): the kind column comes
-- back from the folder names.
CREATE OR REPLACE VIEW labour AS
  SELECT * FROM read_parquet('parquet/labour/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW captcha_labels AS
  SELECT * FROM read_parquet('parquet/captcha_labels/*.parquet');
CREATE OR REPLACE VIEW participants AS
  SELECT * FROM read_parquet('parquet/participants/*.parquet');
