"""Building the ipywidgets of an explorer (private; use :meth:`Explorer.widget`).

Static mode: nested ``Stack`` containers, one level per control, with each control's
``index`` ``jslink``ed to the ``selected_index`` of every stack on its level. The links run
in the browser's widget manager, so the published page responds with no kernel.

Live mode: ordinary value widgets whose ``observe`` callback re-renders the view in Python.

DOM hooks for tests and styling: the explorer's box has classes ``cs-explorer`` and
``cs-explorer--NAME``; each control has ``cs-control`` and ``cs-param--PARAM``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle  # not exported at the top level

from casestudy._explorable_controls import Control, Dropdown, Slider
from casestudy._explorable_render import RenderedView

if TYPE_CHECKING:
    from casestudy.explorable import Explorer

__all__ = ["live_widget", "static_widget"]

_LABEL_STYLE = {"description_width": "initial"}
_CONTROL_WIDTH = "min(100%, 36em)"


def _box(explorer: Explorer, controls: list[widgets.Widget], body: widgets.Widget) -> widgets.VBox:
    title = widgets.HTML(
        f'<p class="cs-explorer-title"><strong>{html.escape(explorer.title)}</strong></p>'
    )
    box = widgets.VBox([title, *controls, body])
    box.add_class("cs-explorer")
    box.add_class(f"cs-explorer--{explorer.slug}")
    return box


def _tag(widget: widgets.Widget, control: Control) -> widgets.Widget:
    widget.add_class("cs-control")
    widget.add_class(f"cs-param--{control.name}")
    return widget


def _static_control(control: Control) -> widgets.Widget:
    options = list(zip(control.labels, control.values, strict=True))
    common = {
        "options": options,
        "index": control.default_index,
        "description": control.label,
        "tooltip": control.label,  # otherwise the label's title reads "null"
        "style": _LABEL_STYLE,
    }
    if isinstance(control, Slider):
        layout = widgets.Layout(width=_CONTROL_WIDTH)
        widget = widgets.SelectionSlider(**common, continuous_update=True, layout=layout)
    elif isinstance(control, Dropdown):
        widget = widgets.Dropdown(**common)
    else:
        widget = widgets.ToggleButtons(**common)
    return _tag(widget, control)


def _stack(
    explorer: Explorer,
    views: Mapping[tuple[int, ...], RenderedView],
    prefix: tuple[int, ...],
    levels: list[list[widgets.Stack]],
    shared: dict[str, widgets.Widget],
) -> widgets.Stack:
    level = len(prefix)
    size = explorer.shape[level]
    if level == len(explorer.shape) - 1:
        children = [widgets.HTML(views[(*prefix, i)].html, **shared) for i in range(size)]
    else:
        children = [_stack(explorer, views, (*prefix, i), levels, shared) for i in range(size)]
    stack = widgets.Stack(children, selected_index=explorer.controls[level].default_index)
    levels[level].append(stack)
    return stack


def static_widget(
    explorer: Explorer, views: Mapping[tuple[int, ...], RenderedView]
) -> widgets.VBox:
    """Precomputed views in nested stacks, switched by ``jslink`` (works without a kernel)."""
    controls = [_static_control(c) for c in explorer.controls]
    levels: list[list[widgets.Stack]] = [[] for _ in controls]
    shared = {"layout": widgets.Layout(), "style": HTMLStyle()}  # one each, not per view
    root = _stack(explorer, views, (), levels, shared)
    links = [
        widgets.jslink((control, "index"), (stack, "selected_index"))
        for control, stacks in zip(controls, levels, strict=True)
        for stack in stacks
    ]
    box = _box(explorer, controls, root)
    box.cs_links = links  # keep a reference; the links are widgets of their own
    return box


def _live_control(control: Control) -> widgets.Widget:
    if not isinstance(control, Slider):
        return _static_control(control)
    step = control.live_step or control.step
    common = {
        "min": control.min,
        "max": control.max,
        "step": step,
        "value": control.values[control.default_index],
        "description": control.label,
        "tooltip": control.label,
        "style": _LABEL_STYLE,
        "continuous_update": False,
        "layout": widgets.Layout(width=_CONTROL_WIDTH),
    }
    if all(isinstance(v, int) for v in (control.min, control.max, step)):
        return _tag(widgets.IntSlider(**common), control)
    decimals = max(0, -math.floor(math.log10(step)))
    return _tag(widgets.FloatSlider(**common, readout_format=f".{decimals}f"), control)


def _value(widget: widgets.Widget) -> Any:
    value = widget.value
    return round(value, 12) if isinstance(value, float) else value


def live_widget(explorer: Explorer) -> widgets.VBox:
    """Value widgets whose callback recomputes the view in the kernel."""
    controls = [_live_control(c) for c in explorer.controls]

    def current() -> dict[str, Any]:
        return {c.name: _value(w) for c, w in zip(explorer.controls, controls, strict=True)}

    output = widgets.HTML(explorer.live_render(**current()).html)

    def update(_change: object = None) -> None:
        output.value = explorer.live_render(**current()).html

    for control in controls:
        control.observe(update, names="value")
    box = _box(explorer, controls, output)
    box.add_class("cs-explorer--live")
    return box
