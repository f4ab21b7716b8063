"""Unit tests of the loader: one test per kind of bad file, labels and the Bayes limit."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from casestudy import data
from casestudy._world_io import gzip_bytes
from casestudy.world import generate_world, write_world


@pytest.fixture(scope="module")
def good_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bike_shop")
    write_world(generate_world(400, seed=2), out)
    return out


@pytest.fixture
def folder(good_dir: Path, tmp_path: Path) -> Path:
    """A fresh, writable copy of a small good data folder."""
    return Path(shutil.copytree(good_dir, tmp_path / "data"))


def rewrite(folder: Path, name: str, edit) -> None:
    """Replace a table's CSV text by ``edit(text)``, keeping it a valid gzip file."""
    path = folder / name
    text = gzip.decompress(path.read_bytes()).decode()
    path.write_bytes(gzip_bytes(edit(text).encode()))


def load_error(folder: Path) -> data.DataValidationError:
    with pytest.raises(data.DataValidationError) as info:
        data.load_bike_shop(folder)
    return info.value


def test_good_folder_loads_with_types(folder: Path) -> None:
    shop = data.load_bike_shop(folder)
    assert str(shop.customers["customer_id"].dtype) == "int64"
    assert str(shop.transactions["timestamp"].dtype) == "datetime64[s]"
    assert str(shop.transactions["store_code"].dtype) == "category"
    assert shop.customers["marketing_opt_in"].dtype == bool
    assert shop.customers["date_of_birth"].isna().any()  # planted blanks are accepted


def test_missing_file(folder: Path) -> None:
    (folder / "workshop_jobs.csv.gz").unlink()
    err = load_error(folder)
    assert err.file == "workshop_jobs.csv.gz"
    assert "missing" in str(err) and "workshop_jobs.csv.gz" in str(err)


def test_empty_file(folder: Path) -> None:
    (folder / "stores.csv.gz").write_bytes(b"")
    err = load_error(folder)
    assert err.file == "stores.csv.gz" and "empty" in str(err)


def test_gzip_of_empty_text(folder: Path) -> None:
    (folder / "stores.csv.gz").write_bytes(gzip_bytes(b""))
    err = load_error(folder)
    assert err.file == "stores.csv.gz" and "no header" in str(err)


def test_header_only(folder: Path) -> None:
    rewrite(folder, "workshop_jobs.csv.gz", lambda t: t.splitlines()[0] + "\n")
    err = load_error(folder)
    assert err.file == "workshop_jobs.csv.gz" and "no data rows" in str(err)


def test_truncated_gzip(folder: Path) -> None:
    path = folder / "transactions.csv.gz"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    err = load_error(folder)
    assert err.file == "transactions.csv.gz" and "truncated or corrupt" in str(err)


def test_corrupt_gzip(folder: Path) -> None:
    (folder / "customers.csv.gz").write_bytes(b"PK\x03\x04 this is a zip, not a gzip")
    err = load_error(folder)
    assert err.file == "customers.csv.gz" and "gzip" in str(err)


def test_unreadable_encoding(folder: Path) -> None:
    path = folder / "stores.csv.gz"
    text = gzip.decompress(path.read_bytes()).decode().replace("Ashbury", "Åshbury")
    path.write_bytes(gzip_bytes(text.encode("utf-16")))
    err = load_error(folder)
    assert err.file == "stores.csv.gz" and "UTF-8" in str(err)


def test_missing_column(folder: Path) -> None:
    def drop_amount(text: str) -> str:
        return "\n".join(line.rsplit(",", 1)[0] for line in text.splitlines()) + "\n"

    rewrite(folder, "transactions.csv.gz", drop_amount)
    err = load_error(folder)
    assert (err.file, err.column) == ("transactions.csv.gz", "amount_gbp")
    assert "amount_gbp" in str(err) and "columns in the file" in str(err)


def test_renamed_column(folder: Path) -> None:
    rewrite(folder, "customers.csv.gz", lambda t: t.replace("postcode", "post_code", 1))
    err = load_error(folder)
    assert err.column == "postcode"
    assert "renamed to 'post_code'?" in str(err)


def test_unexpected_extra_column(folder: Path) -> None:
    def add(text: str) -> str:
        lines = text.splitlines()
        return "\n".join([lines[0] + ",note", *(x + ",?" for x in lines[1:])]) + "\n"

    rewrite(folder, "stores.csv.gz", add)
    err = load_error(folder)
    assert (err.file, err.column) == ("stores.csv.gz", "note")


def set_field(text: str, line_no: int, field: int, value: str) -> str:
    """Set one field of one line (1-based line number, 0-based field; no quoted commas)."""
    lines = text.splitlines()
    parts = lines[line_no - 1].split(",")
    parts[field] = value
    lines[line_no - 1] = ",".join(parts)
    return "\n".join(lines) + "\n"


def test_wrong_type_names_rows(folder: Path) -> None:
    rewrite(folder, "workshop_jobs.csv.gz", lambda t: set_field(t, 5, 1, "abc"))
    err = load_error(folder)
    assert (err.file, err.column, err.rows) == ("workshop_jobs.csv.gz", "customer_id", (5,))
    assert "not of type int" in str(err) and "5 ('abc')" in str(err)


def test_bad_date(folder: Path) -> None:
    rewrite(folder, "email_events.csv.gz", lambda t: set_field(t, 3, 3, "yesterday"))
    err = load_error(folder)
    assert (err.column, err.rows) == ("timestamp", (3,))


def test_blank_in_required_column(folder: Path) -> None:
    rewrite(folder, "customers.csv.gz", lambda t: set_field(t, 4, 1, ""))
    err = load_error(folder)
    assert (err.column, err.rows) == ("first_name", (4,))
    assert "blank" in str(err)


def test_duplicate_primary_key(folder: Path) -> None:
    def dup(text: str) -> str:
        lines = text.splitlines()
        return "\n".join([*lines, lines[2]]) + "\n"

    rewrite(folder, "transactions.csv.gz", dup)
    err = load_error(folder)
    assert (err.file, err.column) == ("transactions.csv.gz", "transaction_id")
    assert "unique primary key" in str(err) and 3 in err.rows


def test_duplicate_composite_key(folder: Path) -> None:
    def dup(text: str) -> str:
        lines = text.splitlines()
        return "\n".join([*lines, lines[1]]) + "\n"

    rewrite(folder, "email_events.csv.gz", dup)
    err = load_error(folder)
    assert err.file == "email_events.csv.gz" and "unique primary key" in str(err)
    assert err.rows[0] == 2


def test_value_outside_contract(folder: Path) -> None:
    rewrite(folder, "email_events.csv.gz", lambda t: t.replace(",open,", ",opened,", 1))
    err = load_error(folder)
    assert err.column == "event" and "isin" in str(err)


def test_ragged_csv(folder: Path) -> None:
    rewrite(folder, "stores.csv.gz", lambda t: t.replace("Ashbury", 'Ash"bury,x,y,z', 1))
    err = load_error(folder)
    assert err.file == "stores.csv.gz"


def test_truth_loads_and_checks_range(folder: Path) -> None:
    truth = data.load_truth(folder)
    assert list(truth.columns) == ["customer_id", "cutoff", "p_lapse"]
    rewrite(folder, "truth/lapse_truth.csv.gz", lambda t: set_field(t, 2, 2, "1.5"))
    with pytest.raises(data.DataValidationError, match="p_lapse") as info:
        data.load_truth(folder)
    assert info.value.rows == (2,)


def test_labels_and_active_customers_agree(folder: Path) -> None:
    shop = data.load_bike_shop(folder)
    cut = "2024-01-01"
    labels = data.lapse_labels(shop, cut)
    assert np.array_equal(labels.index.to_numpy(), data.active_customers(shop, cut))
    assert set(labels.unique()) <= {0, 1} and labels.dtype == np.int8


def test_label_window_past_history_raises(folder: Path) -> None:
    shop = data.load_bike_shop(folder)
    with pytest.raises(ValueError, match="after the end of the history"):
        data.lapse_labels(shop, "2025-08-01")


def test_bayes_limit_against_truth(folder: Path) -> None:
    shop = data.load_bike_shop(folder)
    cut = "2024-01-01"
    b = data.bayes_limit(
        data.truth_at(data.load_truth(folder), cut),
        data.lapse_labels(shop, cut),
        margin=150.0,
        offer_cost=10.0,
        success_rate=0.3,
    )
    assert 0.6 < b.auc < 0.95 and b.n_invited > 0
    assert b.threshold == pytest.approx(10.0 / 45.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("margin", 0.0),
        ("margin", -5.0),
        ("offer_cost", -1.0),
        ("success_rate", 0.0),
        ("success_rate", 1.5),
        ("margin", "lots"),
    ],
)
def test_bayes_limit_rejects_bad_money(name: str, value: object) -> None:
    kw = {"margin": 100.0, "offer_cost": 5.0, "success_rate": 0.5} | {name: value}
    s = pd.Series([0.5], index=[1])
    with pytest.raises(ValueError, match=f"'{name}' parameter of bayes_limit"):
        data.bayes_limit(s, s, **kw)


def test_bayes_limit_one_class_warns_and_returns_nan() -> None:
    p = pd.Series([0.2, 0.9], index=[1, 2])
    y = pd.Series([1, 1], index=[1, 2])
    with pytest.warns(UserWarning, match="one class"):
        b = data.bayes_limit(p, y, margin=100.0, offer_cost=5.0, success_rate=0.5)
    assert np.isnan(b.auc)


def test_bayes_limit_needs_shared_customers() -> None:
    with pytest.raises(ValueError, match="no customer_id in both"):
        data.bayes_limit(
            pd.Series([0.5], index=[1]),
            pd.Series([1], index=[2]),
            margin=1.0,
            offer_cost=0.0,
            success_rate=1.0,
        )
