"""The Bike Shop workbook's case-study package.

The course's notebooks are thin: they tell the story and call this package. Each module
owns one concern of the project lifecycle (see the README's layout table). Importing the
package has no side effects: no folders are created and no tracking store is touched.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATA_DIR", "PROJECT_ROOT", "__version__"]

__version__ = "0.1.0"

#: The repository root when the package is installed in editable mode from a clone.
PROJECT_ROOT: Path = Path(__file__).resolve().parents[2]

#: Where the shipped Bike Shop data lives in a clone of the repository.
DATA_DIR: Path = PROJECT_ROOT / "data" / "bike_shop"
