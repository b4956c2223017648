"""Analyses of a scheme and of a year's results: rank stability, AHP weights, indicator quality.

Pure computations (no files): numpy and pandas are imported inside the functions that need
them, so importing this package costs nothing on the validate/consolidate path. The expert
workbook and its reading are in workbook_templates (ahp_book, ahp_read), the report
workbooks in outputs (analysis_books), reading a folder of judgements in
kaohe.pipeline.weights.
"""

from __future__ import annotations

__all__: list[str] = []
