"""The study's standard statistics (research/queries/*.sql) run by DuckDB on a merged study.

    python research/stats.py OUT_DIR            # prints JSON: {by_kind: [...], by_platform: [...], ...}

The PySpark job (research/spark/standard_stats.py) computes the same statistics; tests check they agree.
"""
import json
import os
import sys
from pathlib import Path

import duckdb

QUERIES = Path(__file__).resolve().parent / "queries"
STATISTICS = ["by_kind", "by_platform", "by_object", "by_day"]


def standard_statistics(merged: str) -> dict:
    """Runs every standard query on the merged folder; rows as lists of JSON-ready values."""
    here = os.getcwd()
    os.chdir(merged)  # the views name the dataset relative to the merged folder
    try:
        con = duckdb.connect()
        con.execute((QUERIES / "00_views.sql").read_text())
        out = {}
        for name in STATISTICS:
            cursor = con.execute((QUERIES / f"{name}.sql").read_text())
            columns = [d[0] for d in cursor.description]
            out[name] = [dict(zip(columns, [normalise(v) for v in row])) for row in cursor.fetchall()]
        return out
    finally:
        os.chdir(here)


def normalise(value):
    """Dates as ISO text, decimals as floats rounded to 4 places: the same shape Spark's rows give."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) or type(value).__name__ == "Decimal":
        return round(float(value), 4)
    return value


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: stats.py MERGED_DIR")
    print(json.dumps(standard_statistics(sys.argv[1]), indent=2))
