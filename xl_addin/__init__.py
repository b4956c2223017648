"""kaohe inside Excel through xlwings: custom functions (UDFs), scripts (macros), the console.

The ONLY package of kaohe that imports xlwings (in `udfs`, `scripts`, `sheets` and `lite`,
each function a few lines); the helpers `convert`, `tasks`, `office`, `findings`, `snapshot`,
`console`, `vba`, `bundle` and `wheelhouse` are plain Python and hold the logic (the office's
cycle itself lives in kaohe.pipeline).

- `xl_addin.udfs`: KAOHE_SCORE, KAOHE_SCORES, KAOHE_RANK, KAOHE_GRADE, KAOHE_EXPLAIN;
- `xl_addin.scripts`: the console's buttons (distribute_templates, track_submissions,
  return_notices, validate_workbook, score_workbook, consolidate_folder, publish_results,
  write_feedback, appeals, unit_history), each taking the workbook (`xw.Book`);
- `xl_addin.console`: `build_console(dir)` writes the office console kaohe.xlsm and the
  Python module its buttons call (`kaohe addin build DIR`);
- `xl_addin.bundle` / `xl_addin.wheelhouse`: the offline install folder for Windows
  (`kaohe addin bundle DIR`);
- `xl_addin.lite`: the xlwings Lite entry module (`from xl_addin.lite import *` in main.py).

See docs/excel.md for installation and the acceptance checklist.
"""
