"""Unit tests of casestudy.explorable: controls, views, the precomputed grid and its widget."""

from __future__ import annotations

import contextlib
import html
import json
import re
import sys
import textwrap

import ipywidgets as widgets
import numpy as np
import pytest
from ipywidgets.embed import dependency_state

from casestudy import demo as demo
from casestudy import explorable as ex
from casestudy.explorable import (
    PAGE_BUDGET_BYTES,
    Dropdown,
    Explorer,
    PageWeightError,
    Slider,
    Toggle,
    View,
)
from casestudy.plotting import new_figure

SUMMARY_RE = re.compile(
    r'<div class="cs-summary" data-explorer="([^"]+)" data-params="([^"]+)"[^>]*>(.*?)</div>'
)


def parse_summary(view_html: str) -> tuple[str, dict, str]:
    """(explorer name, params, text) of the one summary in a view's HTML."""
    (match,) = SUMMARY_RE.findall(view_html)
    name, params, text = match
    return name, json.loads(html.unescape(params)), html.unescape(text)


def ratio_view(cost: int, rate: float, fair: bool = False) -> View:
    """A fast view for structure tests; rejects one combination."""
    if cost == 15 and rate == 0.5:
        raise ValueError("A £15 offer at a 50% rate is not on sale.")
    if cost == 5 and rate == 0.1:
        return View(message="Too little to show.")
    fig, ax = new_figure(width=2, height=1.5)
    ax.plot([0, 1], [0, cost * rate])
    return View(figure=fig, alt=f"A line to {cost * rate:g}.", summary=f"Value {cost * rate:g}.")


def make_explorer(**options: object) -> Explorer:
    return Explorer(
        ratio_view,
        Slider("cost", "Offer cost", 5, 15, 5, fmt="£{}"),
        Slider("rate", "Success rate", 0.1, 0.5, 0.2, default=0.3),
        title="Tiny",
        name="tiny",
        **options,
    )


@pytest.fixture(scope="module")
def tiny() -> Explorer:
    return make_explorer()


@pytest.fixture(scope="module")
def tiny_views(tiny: Explorer) -> dict:
    return tiny.precompute()


# Controls ---------------------------------------------------------------------------------


def test_slider_grid_is_exact_decimal_values() -> None:
    s = Slider("threshold", "Decision threshold", 0.1, 0.9, 0.1, default=0.5)
    assert s.values == (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    assert s.default_index == 4
    assert s.labels[2] == "0.3"


def test_slider_with_integer_bounds_has_integer_values_and_middle_default() -> None:
    s = Slider("n", "Customers invited", 0, 1000, 250)
    assert s.values == (0, 250, 500, 750, 1000)
    assert all(type(v) is int for v in s.values)
    assert s.default_index == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"step": -1}, "The 'step' parameter of Slider must be positive. Got -1 instead."),
        ({"max": 0.95}, "must be a whole number of steps of 0.1"),
        ({"max": 0.1}, "must be greater than 'min'"),
        ({"default": 0.55}, "must be one of its grid values"),
        ({"fmt": "{:.0f}"}, "must be unique"),
        ({"name": "2nd"}, "must be a Python identifier"),
        ({"name": "lambda"}, "must be a Python identifier"),
        ({"label": " "}, "must be a non-empty string"),
        ({"min": float("nan")}, "must be a finite number"),
        ({"live_step": 0}, "'live_step' parameter of Slider 'x' must be positive"),
    ],
)
def test_slider_rejects_bad_input_with_clear_message(kwargs: dict, message: str) -> None:
    args = {"name": "x", "label": "X", "min": 0.1, "max": 0.9, "step": 0.1} | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        Slider(**args)


def test_dropdown_and_toggle_values_labels_and_defaults() -> None:
    d = Dropdown("store", "Store", ["city", ("Coastal town", "coast")], default="coast")
    assert (d.values, d.labels, d.default_index) == (
        ("city", "coast"),
        ("city", "Coastal town"),
        1,
    )
    t = Toggle("fair", "Equalise rates", labels=("Off", "On"))
    assert (t.values, t.labels, t.default_index) == ((False, True), ("Off", "On"), 0)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Dropdown("s", "Store", []), "must not be empty"),
        (lambda: Dropdown("s", "Store", [None]), "must be str, int, float or bool"),
        (lambda: Dropdown("s", "Store", ["a", "a"]), "must be unique"),
        (lambda: Dropdown("s", "Store", ["a"], default="b"), "must be one of its grid values"),
        (lambda: Toggle("t", "T", default=1), "must be True or False"),
        (lambda: Toggle("t", "T", labels=("On",)), "must be two non-empty strings"),
    ],
)
def test_dropdown_and_toggle_reject_bad_input(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


# View and Explorer validation -------------------------------------------------------------


def test_view_requires_summary_and_alt_text_for_a_figure() -> None:
    fig, _ = new_figure()
    with pytest.raises(ValueError, match="'summary' of View must be a non-empty string"):
        View(figure=fig, alt="A chart.")
    with pytest.raises(ValueError, match="'alt' of View must describe the figure"):
        View(figure=fig, summary="Value 3.")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda v, s: Explorer(v, title="T"), "one to three controls"),
        (lambda v, s: Explorer(v, s, s, title="T"), "must be unique"),
        (lambda v, s: Explorer(v, s, "cost", title="T"), "must be Slider, Dropdown or Toggle"),
        (lambda v, s: Explorer(v, s, title=""), "'title' parameter of Explorer"),
        (lambda v, s: Explorer(v, s, title="T", name="Bad Name"), "lower-case slug"),
        (lambda v, s: Explorer(v, s, title="T", image_format="gif"), "'png' or 'svg'"),
        (lambda v, s: Explorer(v, s, title="T", dpi=5), "'dpi' parameter of Explorer"),
        (lambda v, s: Explorer(lambda other: None, s, title="T"), "must accept the controls'"),
    ],
)
def test_explorer_rejects_bad_input(build: object, message: str) -> None:
    cost = Slider("cost", "Cost", 1, 3, 1)
    with pytest.raises(ValueError, match=re.escape(message)):
        build(lambda cost: View(summary="x"), cost)


def test_render_rejects_unknown_parameters(tiny: Explorer) -> None:
    with pytest.raises(ValueError, match=r"takes the parameters \['cost', 'rate'\]"):
        tiny.render(cost=5)


def test_view_function_bugs_propagate_instead_of_becoming_messages() -> None:
    def broken(cost: int) -> View:
        return 1 / 0

    explorer = Explorer(broken, Slider("cost", "Cost", 1, 3, 1), title="Broken")
    with pytest.raises(ZeroDivisionError):
        explorer.render(cost=1)


# The precomputed grid ---------------------------------------------------------------------


def test_grid_has_one_view_per_combination(tiny: Explorer, tiny_views: dict) -> None:
    assert tiny.shape == (3, 3)
    assert sorted(tiny_views) == [(i, j) for i in range(3) for j in range(3)]
    assert tiny.params_at((2, 0)) == {"cost": 15, "rate": 0.1}


def test_every_view_has_alt_text_and_a_summary_matching_summary_at(
    tiny: Explorer, tiny_views: dict
) -> None:
    for index, view in tiny_views.items():
        params = tiny.params_at(index)
        name, page_params, text = parse_summary(view.html)
        assert (name, page_params) == ("tiny", params)
        assert text == view.summary == tiny.summary_at(**params)
        if not view.error:
            assert re.search(
                r'<img class="cs-figure" src="data:image/png;base64,[^"]+" alt="A ', view.html
            )


def test_invalid_combinations_show_a_friendly_message_not_a_traceback(tiny_views: dict) -> None:
    rejected = tiny_views[(2, 2)]  # cost 15, rate 0.5 raises ValueError
    assert rejected.error
    assert rejected.summary == "A £15 offer at a 50% rate is not on sale."
    assert "Traceback" not in rejected.html and "<img" not in rejected.html
    assert "No result for these settings." in rejected.html
    assert tiny_views[(0, 0)].summary == "Too little to show."  # View(message=...)


def test_a_grid_of_nothing_but_messages_is_treated_as_a_bug() -> None:
    def view(cost: int) -> View:
        raise ValueError("operands could not be broadcast together")

    explorer = Explorer(view, Slider("cost", "Cost", 1, 3, 1), title="Broken")
    with pytest.raises(ValueError, match="Every view of explorer 'unnamed' is an error message"):
        explorer.precompute()


def test_view_table_must_be_a_dataframe_and_is_rendered() -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="'table' of View must be a pandas DataFrame"):
        View(summary="x", table=[[1, 2]])
    table = pd.DataFrame({"invited": [70], "value": ["£214"]})
    explorer = Explorer(
        lambda cost: View(summary="x", table=table), Slider("cost", "Cost", 1, 3, 1), title="T"
    )
    assert re.search(r'<table[^>]*class="dataframe cs-table"', explorer.render(cost=1).html)


def test_page_weight_budget_is_enforced_with_a_clear_error() -> None:
    explorer = make_explorer(max_bytes=10_000)
    with pytest.raises(
        PageWeightError, match=r"Explorer 'tiny' would add .* over the 0.01 MB"
    ) as info:
        explorer.precompute()
    assert info.value.nbytes > info.value.budget == 10_000
    assert "coarser grid" in str(info.value)


def test_svg_figures_are_supported(tiny: Explorer) -> None:
    explorer = make_explorer(image_format="svg")
    assert "data:image/svg+xml;base64," in explorer.render(cost=10, rate=0.3).html


def test_rendering_is_deterministic(tiny: Explorer) -> None:
    assert tiny.render(cost=10, rate=0.3).html == tiny.render(cost=10, rate=0.3).html


# The widget -------------------------------------------------------------------------------


def test_static_widget_nests_stacks_and_links_each_control_to_its_level(tiny: Explorer) -> None:
    box = tiny.widget()
    _title, cost, rate, root = box.children
    assert isinstance(cost, widgets.SelectionSlider) and isinstance(rate, widgets.SelectionSlider)
    assert {"cs-explorer", "cs-explorer--tiny"} <= set(box._dom_classes)
    assert isinstance(root, widgets.Stack) and len(root.children) == 3
    inner = root.children
    assert all(isinstance(s, widgets.Stack) and len(s.children) == 3 for s in inner)
    links = {
        (link.source[0], link.source[1], link.target[0], link.target[1]) for link in box.cs_links
    }
    expected = {(cost, "index", root, "selected_index")}
    expected |= {(rate, "index", stack, "selected_index") for stack in inner}
    assert links == expected
    assert (cost.index, root.selected_index) == (1, 1)
    assert all(stack.selected_index == 1 for stack in inner)


def test_controls_have_visible_labels_and_readouts_showing_real_values(tiny: Explorer) -> None:
    _, cost, rate, _ = tiny.widget().children
    assert cost.description == "Offer cost" and rate.description == "Success rate"
    assert cost.style.description_width == "initial"
    assert [label for label, _ in cost.options] == ["£5", "£10", "£15"]
    assert {"cs-control", "cs-param--cost"} <= set(cost._dom_classes)


def test_stacked_views_match_the_grid(tiny: Explorer, tiny_views: dict) -> None:
    root = tiny.widget().children[-1]
    for (i, j), view in tiny_views.items():
        assert root.children[i].children[j].value == view.html


def test_dropdown_and_toggle_controls_link_their_index() -> None:
    def view(store: str, fair: bool) -> View:
        return View(summary=f"{store} {fair}")

    explorer = Explorer(
        view, Dropdown("store", "Store", ["city", "coast"]), Toggle("fair", "Fair"), title="T"
    )
    _, store, fair, root = explorer.widget().children
    assert isinstance(store, widgets.Dropdown) and isinstance(fair, widgets.ToggleButtons)
    assert fair.options == (("No", False), ("Yes", True))
    assert parse_summary(root.children[1].children[1].value)[2] == "coast True"


def test_live_widget_recomputes_on_change(tiny: Explorer) -> None:
    box = tiny.widget(live=True)
    _, cost, rate, output = box.children
    assert isinstance(cost, widgets.IntSlider) and isinstance(rate, widgets.FloatSlider)
    assert parse_summary(output.value)[2] == "Value 3."
    cost.value = 15
    rate.value = 0.1
    assert parse_summary(output.value)[1:] == ({"cost": 15, "rate": 0.1}, "Value 1.5.")


def test_embedded_widget_state_stays_within_the_estimate(tiny: Explorer) -> None:
    views = tiny.precompute()
    state = dependency_state(tiny.widget(), drop_defaults=False)
    models = {s["model_name"] for s in state.values()}
    assert {"LinkModel", "StackModel", "SelectionSliderModel", "HTMLModel"} <= models
    estimate, actual = tiny.page_weight(views), len(json.dumps(state))
    assert actual <= estimate <= 1.1 * actual
    styles = {k for k, s in state.items() if s["model_name"] == "HTMLStyleModel"}
    assert len(styles) == 2  # the title's and one shared by every view


# The demo: invitation budget --------------------------------------------------------------


@pytest.fixture(scope="module")
def budget() -> Explorer:
    return ex.get("invitation-budget")


def test_best_plan_invites_exactly_the_customers_worth_the_offer() -> None:
    p = demo.lapse_probabilities()
    for cost, rate in [(5, 0.5), (20, 0.3), (40, 0.3)]:
        plan = demo.best_invitation_plan(cost, rate)
        assert plan.invited == int((p * rate * demo.MARGIN > cost).sum())
        brute = max(sum(p[:k]) * rate * demo.MARGIN - k * cost for k in range(0, 1001, 1))
        assert plan.value == pytest.approx(brute)
        assert plan.value == pytest.approx(plan.kept * demo.MARGIN - plan.cost)


def test_dearer_offers_mean_fewer_invitations() -> None:
    invited = [demo.best_invitation_plan(c, 0.3).invited for c in range(5, 45, 5)]
    assert invited == sorted(invited, reverse=True) and invited[-1] == 0


def test_demo_summary_carries_the_figures_numbers() -> None:
    view = demo.invitation_view(20, 0.3)
    plan = demo.best_invitation_plan(20, 0.3)
    assert f"invite the {plan.invited:,} customers" in view.summary
    assert f"£{plan.value:,.0f} a month" in view.summary
    assert f"peaks at {plan.invited:,} customers" in view.alt


@pytest.mark.parametrize(("cost", "rate"), [(0, 0.3), (20, 0.0), (20, 1.5)])
def test_demo_rejects_impossible_inputs(cost: float, rate: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        demo.invitation_values(cost, rate)


def test_demo_grid_fits_the_page_budget(budget: Explorer) -> None:
    views = budget.precompute()
    assert budget.shape == (8, 5) and len(views) == 40
    assert budget.page_weight(views) < PAGE_BUDGET_BYTES / 2
    assert not any(v.error for v in views.values())


# The registry -----------------------------------------------------------------------------


def test_registry_finds_the_demo_and_names_its_explorer(budget: Explorer) -> None:
    assert "casestudy.demo" in ex.load_all()
    assert ex.registry()["invitation-budget"]().name == "invitation-budget" == budget.name


def test_register_rejects_bad_and_duplicate_names() -> None:
    with pytest.raises(ValueError, match="lower-case slug"):
        ex.register("Invitation Budget")
    with pytest.raises(ValueError, match=r"already registered by casestudy\.demo"):
        ex.register("invitation-budget")(make_explorer)


def test_get_unknown_explorer_lists_the_registered_ones() -> None:
    with pytest.raises(ValueError, match=r"No explorer is registered as 'nope'.*invitation-budget"):
        ex.get("nope")


def test_load_all_skips_missing_modules_but_not_broken_ones(tmp_path, monkeypatch) -> None:
    (tmp_path / "cs_broken_explorers.py").write_text(
        textwrap.dedent("import cs_module_that_does_not_exist\n")
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert ex.load_all(("cs_no_such_explorers",)) == []
    with pytest.raises(ModuleNotFoundError, match="cs_module_that_does_not_exist"):
        ex.load_all(("cs_broken_explorers",))
    sys.modules.pop("cs_broken_explorers", None)


def test_time_views_returns_one_timing_per_view(tiny: Explorer) -> None:
    timings = ex.time_views(tiny, repeat=2)
    assert len(timings) == 18 and all(np.isfinite(timings))


# Every registered explorer ----------------------------------------------------------------


def _registered_names() -> list[str]:
    with contextlib.suppress(ImportError):  # a broken module fails its own tests instead
        ex.load_all()
    return sorted(name for name in ex.registry() if not name.startswith("doctest-"))


@pytest.mark.slow
@pytest.mark.parametrize("name", _registered_names())
def test_every_registered_explorer_meets_the_contract(name: str) -> None:
    explorer = ex.registry()[name]()
    views = explorer.precompute()  # raises PageWeightError over the budget
    assert len(views) == explorer.n_views
    for index, view in views.items():
        params = explorer.params_at(index)
        assert parse_summary(view.html)[:2] == (name, params)
        assert "Traceback" not in view.html
        for alt in re.findall(r'<img [^>]*alt="([^"]*)"', view.html):
            assert alt.strip(), f"view {params} of {name!r} has a figure without alt text"
    again = ex.registry()[name]()  # factories are deterministic
    default = again.params_at(again.default_index())
    assert again.summary_at(**default) == views[explorer.default_index()].summary
