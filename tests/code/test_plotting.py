"""The course style: fast fixed layouts and repeatable notebook output."""

from __future__ import annotations

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from casestudy import plotting


def test_fixed_layout_has_no_layout_engine_and_rejects_unknown_layouts():
    fig, _ = plotting.new_figure(layout="fixed")
    assert fig.get_layout_engine() is None
    with pytest.raises(ValueError, match="'layout' parameter of new_figure"):
        plotting.new_figure(layout="tight")


def test_styled_tables_are_numbered_in_display_order_with_a_stable_text_form():
    shell = InteractiveShell.instance()
    plotting._number_styled_tables(shell)
    table = pd.DataFrame({"a": [1, 2]})
    first, _ = shell.display_formatter.format(table.style)
    second, _ = shell.display_formatter.format(table.style)
    assert 'id="T_cs1"' in first["text/html"] and 'id="T_cs2"' in second["text/html"]
    assert "0x" not in first["text/plain"] and first["text/plain"] == table.to_string()
