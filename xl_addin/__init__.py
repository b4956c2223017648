"""kaohe inside Excel through xlwings: custom functions (UDFs), scripts (macros), the console.

The ONLY package of kaohe that imports xlwings (in `udfs`, `scripts` and `sheets`, each
function a few lines); the helpers `convert`, `tasks`, `findings`, `snapshot`, `console` and
`vba` are plain Python and hold the logic.

- `xl_addin.udfs`: KAOHE_SCORE, KAOHE_SCORES, KAOHE_RANK, KAOHE_GRADE, KAOHE_EXPLAIN;
- `xl_addin.scripts`: validate_workbook, score_workbook, consolidate_folder, make_templates,
  each taking the workbook (`xw.Book`) as its argument;
- `xl_addin.console`: `build_console(dir)` writes the office console kaohe.xlsm and the
  Python module its buttons call (`kaohe addin build DIR`).

See docs/excel.md for installation and the acceptance checklist.
"""
