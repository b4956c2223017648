"""Analyses of a scheme and of a year's results: rank stability, AHP weights, indicator quality.

Pure computations (no files): numpy and pandas are imported inside the functions that need
them, so importing this package costs nothing on the validate/consolidate path.
"""

from __future__ import annotations

__all__: list[str] = []
