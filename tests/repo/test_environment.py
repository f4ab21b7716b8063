"""The pins learners install agree everywhere they are written down."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_normalise(name)] = version
    return pins


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_mirrors_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = {_normalise(p.split("==")[0]): p.split("==")[1] for p in pip_section}
    assert conda_pins == _lock_pins()


def test_every_declared_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    names = {_normalise(re.split(r"[<>=!~\[ ]", d)[0]) for d in declared}
    missing = sorted(names - set(_lock_pins()))
    assert not missing, f"Declared in pyproject.toml but not in requirements.lock: {missing}"


def test_jupyter_book_is_the_tested_version():
    assert _lock_pins()["jupyter-book"] == "1.0.4.post1"


def test_javascript_is_locked():
    lock = ROOT / "package-lock.json"
    assert lock.exists(), "package-lock.json must be committed so `npm ci` installs exact versions"
    assert '"lockfileVersion"' in lock.read_text()
