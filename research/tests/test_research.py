"""The merged study read by the tools researchers use, as is: DuckDB (research/queries/*.sql) and Spark in
local mode (research/spark/standard_stats.py) give the same standard statistics, which are also the
research tool's own summary; `frictionless validate` passes on a participant's export and on the merge.

Run by scripts/test.sh (step "research-python") with the venv scripts/setup.sh --test builds."""
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "research"))
sys.path.insert(0, str(REPO / "research" / "spark"))
import stats  # noqa: E402
import standard_stats  # noqa: E402

SAMPLE = REPO / "research" / "sample-study.json"


def tool(*args):
    return subprocess.run(["cargo", "run", "-q", "-p", "digitus-research", "--", *map(str, args)],
                          cwd=REPO, capture_output=True, text=True)


def merged_study(tmp: Path, study: Path, participants: int, events: int):
    synth = tool("synth", "--study", study, "--out", tmp / "in", "--participants", participants, "--events", events)
    assert synth.returncode == 0, synth.stderr
    merge = tool("merge", tmp / "in", "--study", study, "--out", tmp / "out")
    assert merge.returncode == 0, merge.stdout + merge.stderr
    return tmp / "out"


@pytest.fixture(scope="module")
def day_study(tmp_path_factory):
    return merged_study(tmp_path_factory.mktemp("day"), SAMPLE, 12, 400)


@pytest.fixture(scope="module")
def hour_study(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hour")
    study = json.loads(SAMPLE.read_text())
    study.update(id="hourly-study", granularity="hour")
    study.pop("noise")
    path = tmp / "study.json"
    path.write_text(json.dumps(study))
    return merged_study(tmp, path, 6, 300)


@pytest.fixture(scope="module")
def spark():
    session = standard_stats.local_session()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_duckdb_reads_the_partitioned_parquet_with_its_types(day_study):
    con = duckdb.connect()
    types = dict(con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{day_study}/parquet/labour/*/*.parquet', hive_partitioning = true)"
    ).fetchall() and [(r[0], r[1]) for r in con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{day_study}/parquet/labour/*/*.parquet', hive_partitioning = true)"
    ).fetchall()])
    assert types["day"] == "DATE"
    assert types["count"] == "BIGINT"
    assert types["kind"] == "VARCHAR"
    parquet_rows = con.execute(
        f"SELECT count(*), sum(count) FROM read_parquet('{day_study}/parquet/labour/*/*.parquet', hive_partitioning = true)"
    ).fetchone()
    csv_rows = con.execute(f"SELECT count(*), sum(count) FROM read_csv('{day_study}/labour.csv')").fetchone()
    assert parquet_rows == csv_rows


def test_duckdb_statistics_are_the_tool_summary(day_study):
    ours = stats.standard_statistics(str(day_study))
    summary = json.loads((day_study / "summary.json").read_text())
    assert summary["participants"] == 12
    assert {r["kind"]: (r["participants"], r["count"], r["seconds"]) for r in ours["by_kind"]} == {
        k: (v["participants"], v["count"], v["seconds"]) for k, v in summary["by_kind"].items()
    }
    assert {r["platform"]: r["count"] for r in ours["by_platform"]} == summary["by_platform"]
    assert {r["object"]: r["labels"] for r in ours["by_object"]} == summary["by_object"]


def test_spark_and_duckdb_give_the_same_statistics(day_study, hour_study, spark):
    for merged in (day_study, hour_study):
        from_duckdb = stats.standard_statistics(str(merged))
        from_spark = standard_stats.standard_statistics(spark, str(merged))
        assert from_spark == from_duckdb, merged
        assert from_duckdb["by_kind"], "the statistics are not empty"


def test_the_hour_study_has_an_hour_column_within_the_day(hour_study):
    con = duckdb.connect()
    low, high = con.execute(
        f"SELECT min(hour), max(hour) FROM read_parquet('{hour_study}/parquet/labour/*/*.parquet', hive_partitioning = true)"
    ).fetchone()
    assert 0 <= low <= high <= 23


def frictionless_validate(descriptor: Path):
    exe = Path(sys.executable).with_name("frictionless")
    return subprocess.run([str(exe), "validate", "--json", str(descriptor)], capture_output=True, text=True)


def test_frictionless_validates_the_merged_output(day_study, hour_study):
    for merged in (day_study, hour_study):
        result = frictionless_validate(merged / "datapackage.json")
        report = json.loads(result.stdout)
        assert report["valid"], json.dumps(report["tasks"], indent=1)[:4000]


def test_frictionless_validates_a_participant_export(day_study, tmp_path):
    zip_path = sorted((day_study.parent / "in").glob("*.zip"))[0]
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(tmp_path)
    report = json.loads(frictionless_validate(tmp_path / "datapackage.json").stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:4000]
    # A tampered export (a count that is not a number) is caught by frictionless too.
    labour = (tmp_path / "labour.csv").read_text().splitlines()
    cells = labour[1].split(",")
    cells[-2] = "many"
    labour[1] = ",".join(cells)
    (tmp_path / "labour.csv").write_text("\n".join(labour) + "\n")
    assert not json.loads(frictionless_validate(tmp_path / "datapackage.json").stdout)["valid"]
