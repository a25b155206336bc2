"""The study's standard statistics as a PySpark job, for studies that outgrow one machine.

    spark-submit research/spark/standard_stats.py OUT_DIR [--json result.json]
    python research/spark/standard_stats.py OUT_DIR        (local mode, with pip's pyspark)

Reads the merged Parquet dataset as is (Hive-style partitions: the kind column comes from the folder
names) and computes what research/queries/*.sql compute in DuckDB; tests check both agree.
"""
import json
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def standard_statistics(spark: SparkSession, merged: str) -> dict:
    labour = spark.read.parquet(f"{merged}/parquet/labour")
    labels = spark.read.parquet(f"{merged}/parquet/captcha_labels")
    participants = spark.read.parquet(f"{merged}/parquet/participants").count()
    total = labour.agg(F.sum("count")).first()[0] or 0

    by_kind = (
        labour.groupBy("kind")
        .agg(
            F.countDistinct("participant").alias("participants"),
            F.sum("count").alias("count"),
            F.sum("seconds").alias("seconds"),
        )
        .withColumn("count_per_participant", F.round(F.col("count") / F.lit(participants), 4))
        .orderBy("kind")
    )
    by_platform = (
        labour.groupBy("platform")
        .agg(F.sum("count").alias("count"))
        .withColumn("share", F.round(F.col("count") / F.lit(total), 4))
        .orderBy("platform")
    )
    by_object = (
        labels.groupBy("object")
        .agg(F.sum("labels").alias("labels"), F.countDistinct("participant").alias("participants"))
        .orderBy("object")
    )
    by_day = (
        labour.groupBy("day")
        .agg(F.sum("count").alias("count"), F.sum("seconds").alias("seconds"), F.countDistinct("participant").alias("participants"))
        .orderBy("day")
    )
    return {name: [rows(r) for r in frame.collect()] for name, frame in
            [("by_kind", by_kind), ("by_platform", by_platform), ("by_object", by_object), ("by_day", by_day)]}


def rows(row) -> dict:
    out = {}
    for key, value in row.asDict().items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, float):
            value = round(value, 4)
        out[key] = value
    return out


def local_session() -> SparkSession:
    """A small local session: one JVM, two threads, few shuffle partitions (the data is small)."""
    return (
        SparkSession.builder.master("local[2]")
        .appName("digitus-standard-statistics")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: standard_stats.py MERGED_DIR [--json OUT]")
    spark = local_session()
    spark.sparkContext.setLogLevel("ERROR")
    result = standard_statistics(spark, args[0])
    text = json.dumps(result, indent=2)
    if "--json" in args:
        with open(args[args.index("--json") + 1], "w") as f:
            f.write(text)
    else:
        print(text)
    spark.stop()
