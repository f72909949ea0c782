"""The same customer-dedupe model on Spark, for lists too large for one machine (optional: needs pyspark).

Identical recipe to ``dedupe.py`` — the column mapping, the cleaning (in Spark SQL), the comparisons,
blocking and unsupervised training — only the Splink backend changes (``SparkAPI`` instead of
``DuckDBAPI``). pyspark is imported lazily so that Kith never depends on it; see docs/identities.md.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kith.identities.columns import DedupeInputError, resolve_columns, select_sql
from kith.identities.dedupe import DEFAULT_THRESHOLD, MatchPair, Stage, ignore_stage, quiet_splink
from kith.identities.splink_model import model_fields, settings, train


def local_session() -> Any:
    """A local Spark session with Splink's similarity UDF jar (Jaro-Winkler etc.) on the class path."""
    from pyspark.sql import SparkSession  # type: ignore[import-not-found, unused-ignore]  # optional
    from splink.internals.spark.jar_location import similarity_jar_location

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    # Splink breaks long query lineages with checkpoints; a cluster sets this to shared storage instead.
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="kith-spark-"))
    return spark


def dedupe_spark(
    frame: Any,
    *,
    id_column: str,
    columns: Mapping[str, str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    on_stage: Stage = ignore_stage,
) -> Any:
    """Score a Spark DataFrame of customers; return a Spark DataFrame ``left_id, right_id, probability``."""
    from splink import Linker, SparkAPI

    spark = frame.sparkSession
    mapping = resolve_columns(list(frame.columns), id_column, columns)
    frame.createOrReplaceTempView("kith_raw")
    cleaned = spark.sql(select_sql(mapping, "kith_raw", dialect="spark"))
    if cleaned.count() != cleaned.select("unique_id").distinct().count():
        raise DedupeInputError(f"id column {id_column!r} has repeated values; ids must be unique")
    fields = model_fields(mapping.present())
    with quiet_splink():
        db_api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]  # Splink leaves it untyped
        linker = Linker(db_api.register(cleaned), settings(fields, dialect="spark"), log_level=None)
        train(linker, fields, on_stage)
        on_stage("scoring candidate pairs")
        scored = linker.inference.predict(threshold_match_probability=threshold).as_spark_dataframe()
    return scored.selectExpr(
        "unique_id_l AS left_id", "unique_id_r AS right_id", "round(match_probability, 6) AS probability"
    )


def dedupe_spark_csv(path: Path, *, id_column: str, threshold: float = DEFAULT_THRESHOLD) -> list[MatchPair]:
    """Convenience for tests and small trials: read a CSV into a local Spark session and collect the pairs."""
    spark = local_session()
    frame = spark.read.csv(str(path), header=True, ignoreLeadingWhiteSpace=True, ignoreTrailingWhiteSpace=True)
    rows = dedupe_spark(frame, id_column=id_column, threshold=threshold).collect()
    return sorted(MatchPair(str(r["left_id"]), str(r["right_id"]), float(r["probability"])) for r in rows)
