"""Deterministic files: gzip with no name and mtime 0, fixed CSV formats, SHA-256 sums."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from pathlib import Path

import pandas as pd

#: Where each table goes under the output folder, and how its floats are written.
FILES: dict[str, tuple[str, str]] = {
    "stores": ("stores.csv.gz", "%.2f"),
    "customers": ("customers.csv.gz", "%.1f"),
    "transactions": ("transactions.csv.gz", "%.2f"),
    "workshop_jobs": ("workshop_jobs.csv.gz", "%.2f"),
    "email_events": ("email_events.csv.gz", "%.2f"),
    "truth": ("truth/lapse_truth.csv.gz", "%.6f"),
    "duplicates": ("truth/duplicates.csv.gz", "%.2f"),
}
#: Columns written as plain dates; every other datetime column is written to the second.
DATE_COLUMNS = frozenset({"opened", "date_of_birth", "created_at", "booked_in", "cutoff"})
PLANTED_FILE = "truth/planted_problems.json"
SUMS_FILE = "SHA256SUMS"


def gzip_bytes(data: bytes) -> bytes:
    """Gzip ``data`` with no file name and a zero timestamp, so equal input gives equal bytes.

    Examples
    --------
    >>> gzip_bytes(b"abc") == gzip_bytes(b"abc")
    True
    """
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def csv_bytes(df: pd.DataFrame, float_format: str) -> bytes:
    """The table as UTF-8 CSV with ISO dates and Unix line ends."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            fmt = "%Y-%m-%d" if col in DATE_COLUMNS else "%Y-%m-%d %H:%M:%S"
            out[col] = out[col].dt.strftime(fmt)
    return out.to_csv(index=False, float_format=float_format, lineterminator="\n").encode()


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_tables(tables: dict[str, object], out: Path) -> list[str]:
    """Write every table and the planted-problem counts; return the relative file names."""
    names = []
    for key, (name, fmt) in FILES.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip_bytes(csv_bytes(tables[key], fmt)))
        names.append(name)
    planted = json.dumps(tables["planted"], indent=2, sort_keys=True) + "\n"
    (out / PLANTED_FILE).write_text(planted, encoding="utf-8")
    return [*names, PLANTED_FILE]


def write_sums(out: Path, names: list[str]) -> Path:
    """Write ``SHA256SUMS`` (``sha256sum -c`` format) for the given files."""
    lines = [f"{sha256(out / name)}  {name}\n" for name in sorted(names)]
    path = out / SUMS_FILE
    path.write_text("".join(lines), encoding="utf-8")
    return path
