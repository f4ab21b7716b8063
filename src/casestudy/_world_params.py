"""Constants of the Bike Shop world: stores, rhythms, prices, hazard coefficients, templates.

Kept apart from the simulation so the numbers a chapter quotes ("e-bikes cost £1,500 to
£4,000") live in one place and the tests can loop over them.
"""

from __future__ import annotations

import numpy as np

#: Store codes in a fixed order; the index of a code is the store number used internally.
STORE_CODES: tuple[str, ...] = ("CTY", "UNI", "RPK", "CST", "WEB")

#: One row per store, in the order of :data:`STORE_CODES`.
STORES: tuple[dict[str, object], ...] = (
    {
        "store_code": "CTY",
        "name": "City Centre",
        "town": "Ashbury",
        "kind": "city centre",
        "opened": "2009-04-01",
        "postcode": "AB1 2CD",
        "has_workshop": True,
    },
    {
        "store_code": "UNI",
        "name": "University Town",
        "town": "Kingsford",
        "kind": "university town",
        "opened": "2014-09-01",
        "postcode": "KF3 4EF",
        "has_workshop": True,
    },
    {
        "store_code": "RPK",
        "name": "Retail Park",
        "town": "Millbridge",
        "kind": "retail park",
        "opened": "2017-03-01",
        "postcode": "MB5 6GH",
        "has_workshop": True,
    },
    {
        "store_code": "CST",
        "name": "Coastal",
        "town": "Saltwick Bay",
        "kind": "coastal tourist town",
        "opened": "2012-05-01",
        "postcode": "SB7 8JK",
        "has_workshop": True,
    },
    {
        "store_code": "WEB",
        "name": "Web Shop",
        "town": "online",
        "kind": "web shop",
        "opened": "2020-06-01",
        "postcode": "AB1 2CD",
        "has_workshop": False,
    },
)

#: Share of customers whose home store is each store.
HOME_SHARE = np.array([0.30, 0.20, 0.22, 0.13, 0.15])

#: Month-of-year effect on the logit of the monthly visit probability, one row per store
#: (Jan..Dec). Spring and summer peak, winter trough; term time at the university town;
#: summer tourists at the coast; Christmas kids' bikes at the retail park; Black Friday online.
_BASE_SEASON = np.array(
    [-0.55, -0.40, 0.00, 0.30, 0.45, 0.50, 0.45, 0.35, 0.15, -0.05, -0.35, -0.30]
)
_UNI_TERM = np.array([0.25, 0.25, 0.25, 0.10, 0.05, -0.20, -0.70, -0.60, 0.45, 0.45, 0.30, -0.10])
_RPK_XMAS = np.array([0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.10, 0.55])
_CST_SUMMER = np.array([-0.2, -0.2, -0.1, 0.0, 0.1, 0.35, 0.70, 0.75, 0.2, -0.1, -0.2, -0.2])
_WEB_PROMO = np.array([0.05, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.05, 0.45, 0.30])
SEASON = np.vstack(
    [
        _BASE_SEASON,
        _BASE_SEASON + _UNI_TERM,
        _BASE_SEASON + _RPK_XMAS,
        _BASE_SEASON * 1.5 + _CST_SUMMER,
        _BASE_SEASON * 0.5 + _WEB_PROMO,
    ]
)

#: Coefficients of the monthly visit hazard (logit scale); see ``_world_sim.hazard``.
HAZARD = {
    "intercept": -1.50,
    "log_recency": -0.35,
    "log1p_visits_12m": 0.40,
    "log1p_jobs_12m": 0.30,
    "log_spend": 0.12,
    "ebike": 0.45,
    "log1p_distance": -0.30,
    "engagement": 0.30,
    "age_per_decade": 0.06,
    "latent_sd": 0.50,
    "competitor": -0.60,
}

#: Bike types and their price ranges in pounds (low, high) for a log-uniform draw.
BIKE_TYPES: tuple[str, ...] = ("road", "mountain", "hybrid", "e-bike", "kids")
BIKE_PRICE = np.array(
    [[600.0, 3200.0], [400.0, 2600.0], [350.0, 1300.0], [1500.0, 4000.0], [140.0, 450.0]]
)
#: Base share of bike types by home store (rows) before age and scenario adjustments.
BIKE_SHARE = np.array(
    [
        [0.22, 0.12, 0.38, 0.18, 0.10],
        [0.26, 0.18, 0.40, 0.10, 0.06],
        [0.14, 0.20, 0.26, 0.16, 0.24],
        [0.12, 0.26, 0.30, 0.22, 0.10],
        [0.30, 0.20, 0.26, 0.16, 0.08],
    ]
)

#: Parts and accessories: (product, category, low price, high price).
ITEMS: tuple[tuple[str, str, float, float], ...] = (
    ("inner tube", "parts", 5.0, 12.0),
    ("tyre", "parts", 18.0, 65.0),
    ("brake pads", "parts", 9.0, 35.0),
    ("chain", "parts", 15.0, 55.0),
    ("cassette", "parts", 30.0, 140.0),
    ("cables", "parts", 6.0, 20.0),
    ("pedals", "parts", 20.0, 110.0),
    ("saddle", "parts", 25.0, 120.0),
    ("helmet", "accessories", 30.0, 160.0),
    ("lights", "accessories", 15.0, 90.0),
    ("lock", "accessories", 20.0, 95.0),
    ("pump", "accessories", 12.0, 60.0),
    ("bottle", "accessories", 5.0, 15.0),
    ("gloves", "accessories", 12.0, 45.0),
    ("jacket", "accessories", 45.0, 180.0),
    ("bag", "accessories", 25.0, 110.0),
)

#: Workshop job types: (job type, low price, high price, e-bike only).
JOBS: tuple[tuple[str, float, float, bool], ...] = (
    ("basic service", 45.0, 65.0, False),
    ("full service", 110.0, 160.0, False),
    ("puncture repair", 12.0, 20.0, False),
    ("brake service", 30.0, 70.0, False),
    ("gear tune", 25.0, 45.0, False),
    ("wheel true", 20.0, 40.0, False),
    ("safety check", 0.0, 15.0, False),
    ("e-bike diagnostic", 50.0, 90.0, True),
)

#: Technician-note templates per job type; ``{x}`` slots are filled from the lists below.
NOTE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "basic service": (
        "Basic service done, {side} brake adjusted. {extra}",
        "Cleaned and lubed drivetrain, indexed gears. {extra}",
        "Service complete, tyres at {psi} psi. {extra}",
    ),
    "full service": (
        "Full strip and rebuild, new {part}. {extra}",
        "Full service: bearings regreased, chain worn {wear} - {advice}",
        "Full service, replaced {part} and cables. {extra}",
    ),
    "puncture repair": (
        "Puncture {side} wheel, new inner tube fitted. {extra}",
        "Fixed flat ({side}), found thorn in tyre. {extra}",
        "Replaced {side} tube, tyre tread low - {advice}",
    ),
    "brake service": (
        "Replaced {side} brake pads, chain worn {wear} - {advice}",
        "Bled {side} hydraulic brake, pads ok. {extra}",
        "New pads ({side}), rotor trued. {extra}",
    ),
    "gear tune": (
        "Indexed gears, {side} mech hanger bent - straightened. {extra}",
        "Gear tune, chain worn {wear} - {advice}",
        "Adjusted limit screws, new gear cable. {extra}",
    ),
    "wheel true": (
        "Trued {side} wheel, {n} spokes retensioned. {extra}",
        "{side} wheel out of true, replaced {n} spokes. {extra}",
    ),
    "safety check": (
        "Safety check ok. {extra}",
        "Free safety check: {side} brake pads low - {advice}",
        "Checked over, tyres at {psi} psi, chain worn {wear}. {extra}",
    ),
    "e-bike diagnostic": (
        "Motor error code E{code}, firmware updated. {extra}",
        "Battery health {batt}%, connector cleaned. {extra}",
        "Diagnostic run, torque sensor recalibrated. {extra}",
    ),
}
NOTE_SLOTS: dict[str, tuple[str, ...]] = {
    "side": ("rear", "front", "Rear", "Front", "rear"),
    "extra": (
        "Customer happy.",
        "No further issues.",
        "Test ridden ok.",
        "Collected same day.",
        "Customer to call back.",
        "",
        "Advised new tyres soon.",
        "Bike very muddy!",
    ),
    "advice": (
        "advised replacement",
        "advised replacement next visit",
        "customer declined",
        "replaced on request",
        "quote given",
    ),
    "wear": ("0.5", "0.75", "1.0", "0.75%", "0.5%"),
    "part": ("chain", "cassette", "chainrings", "bottom bracket", "headset bearings"),
    "psi": ("40", "60", "80", "90", "100"),
    "n": ("2", "3", "4", "5"),
    "code": ("10", "12", "21", "30", "503"),
    "batt": ("71", "78", "84", "90", "95"),
}

#: Spelling variants of store codes that tills and exports wrote (planted problem).
STORE_CODE_VARIANTS: dict[str, tuple[str, ...]] = {
    "CTY": ("cty", "City Centre", "CTY "),
    "UNI": ("uni", "Uni Town", "UNI."),
    "RPK": ("rpk", "Retail Park", "R.PK"),
    "CST": ("cst", "Coastal", "Coast"),
    "WEB": ("web", "Web", "online"),
}

#: Category names written by the upgraded till (the till-upgrade scenario's silent break).
UPGRADE_CATEGORIES: dict[str, str] = {
    "bike": "Bicycles",
    "parts": "Components",
    "accessories": "Clothing & Accessories",
}

#: Every store code a till ever wrote: the canonical codes, then three variants per store
#: (variant ``k`` of store ``s`` has category code ``5 + 3 * s + k``).
STORE_CODE_CATEGORIES: tuple[str, ...] = (
    *STORE_CODES,
    *(v for code in STORE_CODES for v in STORE_CODE_VARIANTS[code]),
)

#: Product categories: the three the tills write, then their names after the till upgrade.
_TILL = ("bike", "parts", "accessories")
CATEGORY_NAMES: tuple[str, ...] = (*_TILL, *(UPGRADE_CATEGORIES[c] for c in _TILL))
