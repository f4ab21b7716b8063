"""The raw-data contract of the Bike Shop tables: columns, types, keys and loose checks.

The contract describes the data *as shipped*: it accepts the planted problems (messy store
codes, refunds, 2031 timestamps, default birth dates) because finding them is the data
survey's job. It rejects only what makes a file unusable: missing columns, wrong types,
duplicate primary keys, impossible values.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

STORE_CODES = ("CTY", "UNI", "RPK", "CST", "WEB")


@dataclass(frozen=True)
class Col:
    """One column of a table: name, kind, whether blanks are allowed, extra checks."""

    name: str
    kind: str  # one of KINDS
    nullable: bool = False
    checks: tuple[pa.Check, ...] = ()


@dataclass(frozen=True)
class Table:
    """One table: its file (relative to the data folder), columns and primary key."""

    file: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        """Column names in file order."""
        return [c.name for c in self.columns]


#: pandas dtype of each column kind.
KINDS: dict[str, str] = {
    "int": "int64",
    "float": "float64",
    "str": "str",
    "category": "category",
    "datetime": "datetime64[s]",
    "bool": "bool",
}

_POSITIVE = (pa.Check.gt(0),)
_TIME = (pa.Check.ge(pd.Timestamp("2000-01-01")),)

TABLES: dict[str, Table] = {
    "stores": Table(
        "stores.csv.gz",
        (
            Col("store_code", "str", checks=(pa.Check.isin(STORE_CODES),)),
            Col("name", "str"),
            Col("town", "str"),
            Col("kind", "str"),
            Col("opened", "datetime"),
            Col("postcode", "str"),
            Col("has_workshop", "bool"),
        ),
        ("store_code",),
    ),
    "customers": Table(
        "customers.csv.gz",
        (
            Col("customer_id", "int", checks=_POSITIVE),
            Col("first_name", "str"),
            Col("last_name", "str"),
            Col("email", "str", checks=(pa.Check.str_contains("@"),)),
            Col("phone", "str", nullable=True),
            Col("postcode", "str"),
            Col("date_of_birth", "datetime", nullable=True),
            Col(
                "gender",
                "category",
                nullable=True,
                checks=(pa.Check.isin(["male", "female", "non-binary", "prefer not to say"]),),
            ),
            Col("home_store", "category", checks=(pa.Check.isin(STORE_CODES),)),
            Col("distance_km", "float", checks=(pa.Check.ge(0),)),
            Col("created_at", "datetime"),
            Col("marketing_opt_in", "bool"),
            Col(
                "account_status",
                "category",
                checks=(pa.Check.isin(["active", "dormant", "closed"]),),
            ),
        ),
        ("customer_id",),
    ),
    "transactions": Table(
        "transactions.csv.gz",
        (
            Col("transaction_id", "int", checks=_POSITIVE),
            Col("customer_id", "int", checks=_POSITIVE),
            Col("store_code", "category"),
            Col("timestamp", "datetime", checks=_TIME),
            Col("category", "category"),
            Col("product", "category"),
            Col("amount_gbp", "float", checks=(pa.Check.between(-100_000, 100_000),)),
        ),
        ("transaction_id",),
    ),
    "workshop_jobs": Table(
        "workshop_jobs.csv.gz",
        (
            Col("job_id", "int", checks=_POSITIVE),
            Col("customer_id", "int", checks=_POSITIVE),
            Col("store_code", "category"),
            Col("booked_in", "datetime", checks=_TIME),
            Col("job_type", "category"),
            Col("price_gbp", "float", checks=(pa.Check.ge(0),)),
            Col("technician_notes", "str"),
        ),
        ("job_id",),
    ),
    "email_events": Table(
        "email_events.csv.gz",
        (
            Col("campaign_id", "category"),
            Col("customer_id", "int", checks=_POSITIVE),
            Col("event", "category", checks=(pa.Check.isin(["send", "open", "click"]),)),
            Col("timestamp", "datetime", checks=_TIME),
        ),
        ("campaign_id", "customer_id", "event"),
    ),
}

#: The teaching-only truth file.
TRUTH = Table(
    "truth/lapse_truth.csv.gz",
    (
        Col("customer_id", "int", checks=_POSITIVE),
        Col("cutoff", "datetime"),
        Col("p_lapse", "float", checks=(pa.Check.between(0.0, 1.0),)),
    ),
    ("customer_id", "cutoff"),
)


def schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema of a table (strict columns, unique primary key)."""
    columns = {
        c.name: pa.Column(KINDS[c.kind], checks=list(c.checks), nullable=c.nullable)
        for c in table.columns
    }
    return pa.DataFrameSchema(
        columns, strict=True, ordered=True, unique=list(table.key), name=table.file
    )
