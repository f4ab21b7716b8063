"""Helpers for the book's prose pages: paste computed numbers into the text.

Every number a page states about the case study is computed when the book builds and
pasted with myst-nb's ``glue``. Numpy scalars print as ``np.float64(...)``, which myst-nb
cannot format, so :func:`glue_numbers` converts them to plain Python numbers first.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

__all__ = ["glue_numbers", "plain"]


def plain(value: Any) -> Any:
    """Turn numpy and pandas scalars into plain ``int``/``float``; leave others alone.

    Examples
    --------
    >>> import numpy as np
    >>> plain(np.float64(0.25)), plain(np.int64(3)), plain("text")
    (0.25, 3, 'text')
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return value


def glue_numbers(values: Mapping[str, Any], *, prefix: str) -> dict[str, Any]:
    """Glue each value under ``prefix + "_" + name`` without displaying it.

    Parameters
    ----------
    values : mapping of str to number or str
        The numbers a page quotes, by short name.
    prefix : str
        The page's prefix, e.g. ``"ch1"``; keys must be unique across the book.

    Returns
    -------
    dict
        The glued keys and their plain values (handy for assertions).
    """
    from myst_nb import glue

    glued = {f"{prefix}_{name}": plain(value) for name, value in values.items()}
    for key, value in glued.items():
        glue(key, value, display=False)
    return glued
