"""Writing the research dataset: CSV, Parquet, Stata and SPSS, with its dictionary and report.

Three files are written side by side, each first to a hidden temporary file in the
same folder and renamed into place only when all three are complete, so a failure
leaves no partial file. They are created readable by their owner only.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from spcomms.analysis.dataset import DEVELOPMENT_NOT_KNOWN, Column, Dataset
from spcomms.core.csvsafe import safe_cell, safe_row

FORMATS = {".csv": "csv", ".parquet": "parquet", ".dta": "stata", ".sav": "spss"}
FILE_LABEL = "spcomms research dataset (seed 000 cases)"
SYNTHETIC_FILE_LABEL = "SYNTHETIC DATA - spcomms demonstration dataset"


class DatasetFileError(Exception):
    """The files cannot be written where asked; nothing was left behind."""


@dataclass(frozen=True)
class Paths:
    data: Path
    dictionary: Path
    missing: Path

    @classmethod
    def beside(cls, out: Path) -> Paths:
        stem = out.with_suffix("")
        return cls(
            out,
            stem.with_name(f"{stem.name}.dictionary.csv"),
            stem.with_name(f"{stem.name}.missing.csv"),
        )

    def all(self) -> tuple[Path, Path, Path]:
        return (self.data, self.dictionary, self.missing)


def file_format(out: Path) -> str | None:
    return FORMATS.get(out.suffix.lower())


def value_text(values: dict[int, str]) -> str:
    return "; ".join(f"{code}={label}" for code, label in values.items())


@contextmanager
def _staged(paths: Paths) -> Iterator[dict[Path, Path]]:
    """Temporary files for each path, renamed into place together when the block succeeds."""
    staged: dict[Path, Path] = {}
    try:
        for final in paths.all():
            descriptor, name = tempfile.mkstemp(
                prefix=f".{final.name}.", suffix=".part", dir=final.parent
            )
            os.close(descriptor)
            staged[final] = Path(name)
        yield staged
        for final, temporary in staged.items():
            os.replace(temporary, final)
        staged.clear()
    finally:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)


def write(dataset: Dataset, out: Path, *, on_chunk: Callable[[int], object] | None = None) -> Paths:
    """Write the dataset to ``out`` (its format from the extension), the dictionary and the
    report of missing covariates beside it."""
    kind = file_format(out)
    if kind is None:
        raise DatasetFileError(f"unknown extension {out.suffix!r}")
    paths = Paths.beside(out)
    with _staged(paths) as staged:
        writer = {
            "csv": _write_csv,
            "parquet": _write_parquet,
            "stata": _write_stata,
            "spss": _write_spss,
        }[kind]
        writer(dataset, staged[paths.data], on_chunk or (lambda rows: None))
        _write_dictionary(dataset.columns, staged[paths.dictionary])
        _write_missing(dataset, staged[paths.missing])
    return paths


def _open_text(path: Path) -> IO[str]:
    return path.open("w", encoding="utf-8", newline="")


def _write_csv(dataset: Dataset, path: Path, on_chunk: Callable[[int], object]) -> None:
    names = [column.name for column in dataset.columns]
    with _open_text(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for chunk in dataset.chunks:
            cells = [chunk[name] for name in names]
            for row in zip(*cells, strict=True):
                writer.writerow(_csv_cell(value) for value in row)
            on_chunk(len(cells[0]) if cells else 0)


def _csv_cell(value: object) -> object:
    """A value as the CSV holds it: numbers as numbers, text that could run as a formula in a
    spreadsheet neutralised (spcomms.core.csvsafe)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(value)


def _arrow_schema(columns: list[Column]) -> Any:
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int32(), "float": pa.float64(), "date": pa.date32()}
    fields = []
    for column in columns:
        metadata = {"label": column.label, "definition": column.definition}
        if column.values:
            metadata["values"] = json.dumps({str(k): v for k, v in column.values.items()})
        fields.append(pa.field(column.name, types[column.kind], metadata=metadata))
    return pa.schema(fields, metadata={"title": FILE_LABEL})


def _write_parquet(dataset: Dataset, path: Path, on_chunk: Callable[[int], object]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(dataset.columns)
    if dataset.synthetic:
        schema = schema.with_metadata({"title": SYNTHETIC_FILE_LABEL})
    with pq.ParquetWriter(path, schema) as writer:
        for chunk in dataset.chunks:
            table = pa.Table.from_pydict(chunk, schema=schema)
            writer.write_table(table)
            on_chunk(table.num_rows)


def _frame(dataset: Dataset, on_chunk: Callable[[int], object]) -> Any:
    """The whole dataset as a compact pandas frame (Stata and SPSS files are written whole)."""
    import pandas as pd

    dtypes = {"str": "str", "int": "Int32", "float": "float64", "date": "object"}
    parts = []
    for chunk in dataset.chunks:
        frame = pd.DataFrame(
            {
                column.name: pd.Series(chunk[column.name], dtype=dtypes[column.kind])
                for column in dataset.columns
            }
        )
        parts.append(frame)
        on_chunk(len(frame))
    if not parts:
        return pd.DataFrame(
            {column.name: pd.Series([], dtype=dtypes[column.kind]) for column in dataset.columns}
        )
    return pd.concat(parts, ignore_index=True)


def _labels(dataset: Dataset) -> tuple[dict[str, str | None], dict[str, dict[int | float, str]]]:
    labels: dict[str, str | None] = {column.name: column.label for column in dataset.columns}
    values: dict[str, dict[int | float, str]] = {
        column.name: dict(column.values.items()) for column in dataset.columns if column.values
    }
    return labels, values


def _write_stata(dataset: Dataset, path: Path, on_chunk: Callable[[int], object]) -> None:
    import pyreadstat

    frame = _frame(dataset, on_chunk)
    labels, values = _labels(dataset)
    pyreadstat.write_dta(
        frame,
        str(path),
        file_label=SYNTHETIC_FILE_LABEL if dataset.synthetic else FILE_LABEL,
        column_labels=labels,
        variable_value_labels=values,
        version=14,  # format 118: Stata 14 and later read it (119 needs Stata 15 MP)
    )


def _write_spss(dataset: Dataset, path: Path, on_chunk: Callable[[int], object]) -> None:
    import pyreadstat

    frame = _frame(dataset, on_chunk)
    labels, values = _labels(dataset)
    measure = {
        column.name: "nominal" if column.values or column.kind == "str" else "scale"
        for column in dataset.columns
    }
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label=SYNTHETIC_FILE_LABEL if dataset.synthetic else FILE_LABEL,
        column_labels=labels,
        variable_value_labels=values,
        missing_ranges={"development": [DEVELOPMENT_NOT_KNOWN]},
        variable_measure=measure,
    )


def _write_dictionary(columns: list[Column], path: Path) -> None:
    with _open_text(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "type", "label", "values", "definition", "source"])
        for column in columns:
            writer.writerow(
                safe_row(
                    [
                        column.name,
                        column.kind,
                        column.label,
                        value_text(column.values),
                        column.definition,
                        column.source,
                    ]
                )
            )


def _write_missing(dataset: Dataset, path: Path) -> None:
    report = dataset.report
    with _open_text(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(["variable", "country", "year", "rows"])
        for name in sorted(report.by_column):
            for (country, year), rows in sorted(report.by_column[name].items()):
                writer.writerow(safe_row([name, country, year, rows]))
