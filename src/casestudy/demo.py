"""The first trade-off explorer, used by "How to use the workbook": how many customers to invite.

The model is deliberately simple and analytic, so every number is easy to check:

* Each month the shop scores its **1,000 active customers**. Customer *i* would lapse (no
  purchase or workshop visit in the next 180 days) with probability ``p_i``, drawn once
  from a Beta(2, 5) distribution (mean 29 %) with a fixed seed.
* The shop invites the ``k`` customers most likely to lapse. This assumes a perfect ranking
  (the model knows ``p_i``): the best case, which later chapters compare real models with.
* An invitation costs ``offer_cost`` (the discount and workshop time), whoever receives it.
* An invited customer who would have lapsed is kept with probability ``success_rate``; a
  kept customer is worth a year's margin, **£120**. An invitation to a loyal customer is
  wasted.

So the expected net value of inviting the top ``k`` is
``sum(p_i * success_rate * 120 for the top k) - k * offer_cost``, which rises while the
next customer's expected gain exceeds the offer cost and falls after: the best ``k`` invites
exactly the customers with ``p_i > offer_cost / (success_rate * 120)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from casestudy.explorable import Explorer, Slider, View, register
from casestudy.plotting import ROLE_COLOURS, new_figure, style_context

__all__ = [
    "MARGIN",
    "N_CUSTOMERS",
    "InvitationPlan",
    "best_invitation_plan",
    "invitation_budget_explorer",
    "invitation_values",
    "invitation_view",
    "lapse_probabilities",
]

#: A kept customer's worth: one year's margin, in pounds.
MARGIN: float = 120.0
#: Active customers scored each month.
N_CUSTOMERS: int = 1_000
_SEED = 20_240_601


@lru_cache(maxsize=4)
def lapse_probabilities(n_customers: int = N_CUSTOMERS, *, seed: int = _SEED) -> np.ndarray:
    """Each active customer's lapse probability, most likely to lapse first.

    Examples
    --------
    >>> p = lapse_probabilities()
    >>> len(p), bool(p[0] >= p[-1]), round(float(p.mean()), 2)
    (1000, True, 0.29)
    """
    rng = np.random.default_rng(seed)
    p = np.sort(rng.beta(2.0, 5.0, size=n_customers))[::-1]
    p.setflags(write=False)
    return p


def _check_inputs(offer_cost: float, success_rate: float) -> None:
    if not offer_cost > 0:
        raise ValueError(f"The 'offer_cost' must be positive. Got {offer_cost} instead.")
    if not 0 < success_rate <= 1:
        raise ValueError(f"The 'success_rate' must be in (0, 1]. Got {success_rate} instead.")


def invitation_values(offer_cost: float, success_rate: float) -> np.ndarray:
    """Expected net value (£ a month) of inviting the top ``k`` customers, for k = 0..1,000.

    Examples
    --------
    >>> v = invitation_values(20, 0.3)
    >>> len(v), float(v[0])
    (1001, 0.0)
    """
    _check_inputs(offer_cost, success_rate)
    gain = lapse_probabilities() * success_rate * MARGIN - offer_cost
    return np.concatenate([[0.0], np.cumsum(gain)])


@dataclass(frozen=True)
class InvitationPlan:
    """The best number of invitations and what it is expected to bring, per month."""

    invited: int
    cost: float
    kept: float
    value: float


def best_invitation_plan(offer_cost: float, success_rate: float) -> InvitationPlan:
    """The number of invitations with the highest expected net value.

    Examples
    --------
    >>> plan = best_invitation_plan(40, 0.1)    # no customer is worth a £40 offer
    >>> plan.invited, plan.value
    (0, 0.0)
    """
    values = invitation_values(offer_cost, success_rate)
    k = int(np.argmax(values))
    kept = float(lapse_probabilities()[:k].sum() * success_rate)
    return InvitationPlan(invited=k, cost=k * offer_cost, kept=kept, value=float(values[k]))


def _summary(offer_cost: float, success_rate: float, plan: InvitationPlan) -> str:
    offer = f"With a £{offer_cost:,.0f} offer that keeps {success_rate:.0%} of would-be lapsers"
    if plan.invited == 0:
        top = lapse_probabilities()[0] * success_rate * MARGIN
        return (
            f"{offer}, no invitation pays: even the customer most likely to lapse is worth "
            f"£{top:,.0f} in expectation, less than the offer. Invite nobody."
        )
    return (
        f"{offer}, invite the {plan.invited:,} customers most likely to lapse: expected value "
        f"£{plan.value:,.0f} a month (offers cost £{plan.cost:,.0f}; about {plan.kept:,.0f} "
        f"kept customers are worth £{plan.kept * MARGIN:,.0f})."
    )


def invitation_view(offer_cost: float, success_rate: float) -> View:
    """The explorer's view: the value curve, the best plan marked, and its summary.

    Examples
    --------
    >>> invitation_view(40, 0.1).summary.endswith("Invite nobody.")
    True
    """
    plan = best_invitation_plan(offer_cost, success_rate)
    with style_context():  # titles and labels are styled when they are set
        fig = _value_figure(invitation_values(offer_cost, success_rate), plan)
    shape = "falls from zero" if plan.invited == 0 else f"peaks at {plan.invited:,} customers"
    alt = (
        "Line chart of expected monthly value against the number of customers invited; "
        f"the curve {shape} (£{plan.value:,.0f}) and falls as more are invited."
    )
    return View(figure=fig, alt=alt, summary=_summary(offer_cost, success_rate, plan))


def _value_figure(values: np.ndarray, plan: InvitationPlan) -> Figure:
    fig, ax = new_figure(width=5.6, height=3.0)
    ax.plot(np.arange(len(values)), values, color=ROLE_COLOURS["model"], lw=2)
    ax.axhline(0, color=ROLE_COLOURS["neutral"], lw=1)
    ax.axvline(plan.invited, color=ROLE_COLOURS["highlight"], ls="--", lw=1.5)
    top = max(plan.value * 1.3, 400.0)  # keep the peak in view, cut the long fall
    ax.set(xlim=(0, N_CUSTOMERS), ylim=(-1.2 * top, top), xticks=range(0, N_CUSTOMERS + 1, 250))
    ax.yaxis.set_major_locator(MaxNLocator(5))  # few ticks: clearer and faster to draw
    ax.yaxis.set_major_formatter("£{x:,.0f}")
    ax.set_xlabel("Customers invited (most likely to lapse first)")
    ax.set_ylabel("Expected value (£ a month)")
    best = "nobody" if plan.invited == 0 else f"{plan.invited:,} for £{plan.value:,.0f} a month"
    ax.set_title(f"Best: invite {best}")
    return fig


@register("invitation-budget")
def invitation_budget_explorer() -> Explorer:
    """How many customers to invite a month, as the offer's cost and success rate change.

    Examples
    --------
    >>> explorer = invitation_budget_explorer()
    >>> explorer.name, explorer.shape
    ('invitation-budget', (8, 5))
    """
    return Explorer(
        invitation_view,
        Slider("offer_cost", "Offer cost per invitation", 5, 40, 5, default=20, fmt="£{:.0f}"),
        Slider(
            "success_rate", "Share of would-be lapsers the offer keeps", 0.1, 0.5, 0.1,
            default=0.3, fmt="{:.0%}", live_step=0.02,
        ),
        title="How many customers should we invite each month?",
    )  # fmt: skip
