"""The console's whole cycle, every button in both languages, through xlwings' remote engine:
the real kaohe.xlsm (built by `kaohe addin build`, its named cells filled with openpyxl) is
the book, the script runs, its actions are replayed onto a copy (tests.xlharness) and checked,
and so are the files it wrote.

The submissions are the demo's, filled by the synthetic clerks, less one unit's report (not
received) and with one report spoiled ("12,3" typed as an actual value: returned).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from tests.xlharness import ScriptResult, run_script  # sets the key before xl_addin loads
from xl_addin import console, scripts

LANGS = ("zh", "en")
MISSING_UNIT = "jeminay"    # sends nothing
SPOILED_UNIT = "habahe"     # sends a report with a text where a number goes
WORDS = {"zh": {"missing": "未报送", "returned": "已退回", "received": "已报送", "used": "已采用",
                "not_done": "未完成："},
         "en": {"missing": "not received", "returned": "returned", "received": "received",
                "used": "used", "not_done": "Not done: "}}


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory, scheme: Scheme) -> Path:
    from kaohe.pipeline.demo import fill_submissions
    from kaohe.synth import synthesize
    from workbook_templates import build_templates
    from workbook_templates.build import template_names

    names = template_names(scheme, "zh")
    root = tmp_path_factory.mktemp("office")
    build_templates(scheme, root / "templates", "zh")
    folder = root / "in"
    fill_submissions(synthesize(scheme, seed=2016), root / "templates", folder)
    (root / "good").mkdir()
    for unit in (MISSING_UNIT, SPOILED_UNIT):  # as they will be sent after the reminder
        shutil.copy(folder / names[("unit_report", unit)], root / "good")
    (folder / names[("unit_report", MISSING_UNIT)]).unlink()
    spoiled = folder / names[("unit_report", SPOILED_UNIT)]
    wb = openpyxl.load_workbook(spoiled)
    ws = wb["单位自评表"]
    row = next(r for r in range(8, ws.max_row + 1) if isinstance(ws.cell(r, 9).value, int | float))
    ws.cell(row, 9).value = "12,3"
    wb.save(spoiled)
    return folder


@pytest.fixture(scope="module", params=LANGS)
def office(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           submissions: Path) -> dict[str, Any]:
    """A console of the language, its output folder, and a runner for its buttons."""
    lang = request.param
    root = tmp_path_factory.mktemp(f"console-{lang}")
    built = console.build_console(root / "console", lang=lang)[0]
    out, folder = root / "out", root / "in"
    shutil.copytree(submissions, folder)

    def press(script: Callable[[Any], Any], **cells: Any) -> ScriptResult:
        values = {"folder": str(folder), "output": str(out), **cells}
        path = _filled(built, root / f"{script.__name__}.xlsm", values)
        return run_script(script, path, root / f"{script.__name__}-after.xlsm")

    return {"lang": lang, "out": out, "press": press, "root": root, "folder": folder,
            "good": submissions.parent / "good"}


def _filled(console_path: Path, dest: Path, values: dict[str, Any]) -> Path:
    """A copy of the console with its named cells set (as the office types them)."""
    wb = openpyxl.load_workbook(console_path, keep_vba=True)
    for name, value in values.items():
        ((sheet, cell),) = wb.defined_names[f"kaohe_{name}"].destinations
        wb[sheet][cell.replace("$", "")] = value
    wb.save(dest)
    wb.vba_archive.close()  # (a ZipFile over memory: left to the collector, it may complain)
    return dest


def summary(done: ScriptResult) -> list[str]:
    wb = openpyxl.load_workbook(done.output)
    ((sheet, cell),) = wb.defined_names[console.OUTPUT_NAME].destinations
    ws = wb[sheet]
    first = ws[cell.replace("$", "")]
    return [str(ws.cell(r, first.column).value) for r in range(first.row, ws.max_row + 1)
            if ws.cell(r, first.column).value is not None]


def table(done: ScriptResult, name: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(done.output)[name].iter_rows(values_only=True))


def clean(done: ScriptResult) -> list[str]:
    assert done.alerts == [], done.alerts
    lines = summary(done)
    assert lines and not any("Traceback" in line for line in lines)
    return lines


# The cycle, in order (the module-scoped office keeps its output folder between the steps).

def test_1_distribute_one_zip_per_unit_named_by_it(office: dict[str, Any], scheme: Scheme
                                                   ) -> None:
    lang = office["lang"]
    lines = clean(office["press"](scripts.distribute_templates))
    folder = office["out"] / ("to send" if lang == "en" else "分发")
    zips = sorted(folder.glob("*.zip"))
    names = {u.name_en if lang == "en" else u.name for u in scheme.units} | {
        d.name_en if lang == "en" else d.name for d in scheme.lead_departments
        if scheme.indicators_of(d.id)}
    assert {z.stem for z in zips} == names and str(len(names)) in lines[0]
    both = [u for u in scheme.units if any(u.name == d.name for d in scheme.lead_departments
                                           if scheme.indicators_of(d.id))]
    assert both  # a department assessed and scoring: both its forms in its one zip
    with zipfile.ZipFile(folder / f"{both[0].name_en if lang == 'en' else both[0].name}.zip") as z:
        assert len(z.namelist()) == 3
    unit = scheme.unit("altay_city")
    name = unit.name_en if lang == "en" else unit.name
    with zipfile.ZipFile(folder / f"{name}.zip") as parcel:
        inside = parcel.namelist()
    assert inside[0] == (f"unit_report_{name}.xlsx" if lang == "en" else f"单位自评表_{name}.xlsx")
    assert len(inside) == 2 and inside[1].endswith(".xlsx")
    assert f"  {name}.zip" in lines


def test_2_track_before_consolidation(office: dict[str, Any], scheme: Scheme) -> None:
    lang, words = office["lang"], WORDS[office["lang"]]
    done = office["press"](scripts.track_submissions)
    lines = clean(done)
    rows = table(done, "Submissions" if lang == "en" else "收集情况")
    head, body = rows[0], rows[1:]
    from validators.reading.file_names import expected_submissions

    assert head[2] == ("Status" if lang == "en" else "状态")
    assert len(body) == len(expected_submissions(scheme)) == 45
    by_name = {r[1]: r for r in body}
    missing, spoiled = scheme.unit(MISSING_UNIT), scheme.unit(SPOILED_UNIT)
    shown = (lambda u: u.name_en) if lang == "en" else (lambda u: u.name)
    assert by_name[shown(missing)][2] == words["missing"]
    assert by_name[shown(spoiled)][2] == words["returned"]
    altay = by_name[shown(scheme.unit("altay_city"))]
    assert altay[2] == words["received"] and altay[4].startswith("联系人") and altay[5].startswith(
        "0906-")
    assert {r[2] for r in body} == {words["missing"], words["returned"], words["received"]}
    assert f"{words['missing']} 1" in lines[0] and f"{words['returned']} 1" in lines[0]
    chased = "\n".join(lines[2:])
    assert shown(missing) in chased and shown(spoiled) in chased and "0906-" in chased


def test_3_return_notices_locate_the_findings(office: dict[str, Any], scheme: Scheme) -> None:
    lang = office["lang"]
    lines = clean(office["press"](scripts.return_notices))
    folder = office["out"] / ("returned" if lang == "en" else "退回通知")
    notices = sorted(folder.glob("returned_*.xlsx" if lang == "en" else "退回通知_*.xlsx"))
    assert len(notices) == 1 and "1" in lines[0]
    ws = openpyxl.load_workbook(notices[0]).active
    cells = [row for row in ws.iter_rows(values_only=True) if row and row[0] is not None]
    found = [r for r in cells if r[3] and str(r[3])[0] == "I"]  # the spoiled actual, column I
    assert found and "12,3" in " ".join(str(v) for v in found[0] if v)
    annotated = [p for p in folder.iterdir() if p not in notices]
    assert len(annotated) == 1 and annotated[0].name in lines[-1]
    assert "校验结果" in openpyxl.load_workbook(annotated[0]).sheetnames or \
        "Validation" in openpyxl.load_workbook(annotated[0]).sheetnames


def test_4_consolidate_records_a_run(office: dict[str, Any]) -> None:
    clean(office["press"](scripts.consolidate_folder))
    results = json.loads((office["out"] / "results.json").read_text(encoding="utf-8"))
    assert results["run"]["run_id"].endswith("-r1") and results["run"]["published"] is False
    assert (office["out"] / "history.sqlite").is_file()


def test_5_track_after_consolidation_says_used(office: dict[str, Any]) -> None:
    words = WORDS[office["lang"]]
    done = office["press"](scripts.track_submissions)
    body = table(done, "Submissions" if office["lang"] == "en" else "收集情况")[1:]
    assert {r[2] for r in body} == {words["missing"], words["returned"], words["used"]}


def test_6_provisional_results_are_not_published(office: dict[str, Any]) -> None:
    done = office["press"](scripts.publish_results)
    assert len(done.alerts) == 1
    assert ("provisional" if office["lang"] == "en" else "暂定") in done.alerts[0]["prompt"]
    assert summary(done)[0].startswith(WORDS[office["lang"]]["not_done"])


def test_7_after_the_reminder_consolidate_and_publish(office: dict[str, Any]) -> None:
    for path in office["good"].iterdir():  # the two units send (again)
        shutil.copy(path, office["folder"] / path.name)
    clean(office["press"](scripts.consolidate_folder))
    first = clean(office["press"](scripts.publish_results))
    again = clean(office["press"](scripts.publish_results))
    results = json.loads((office["out"] / "results.json").read_text(encoding="utf-8"))
    assert results["run"]["published"] is True and results["run"]["run_id"].endswith("-r2")
    assert results["run"]["run_id"] in first[0] and results["run"]["run_id"] in again[0]
    assert first[0] != again[0]
    words = WORDS[office["lang"]]
    done = office["press"](scripts.track_submissions)
    body = table(done, "Submissions" if office["lang"] == "en" else "收集情况")[1:]
    assert {r[2] for r in body} == {words["used"]}


def test_8_feedback_one_workbook_per_unit(office: dict[str, Any], scheme: Scheme) -> None:
    lines = clean(office["press"](scripts.write_feedback))
    folder = office["out"] / ("feedback" if office["lang"] == "en" else "反馈")
    assert len(list(folder.glob("*.xlsx"))) == len(scheme.units)
    assert str(len(scheme.units)) in lines[0]


def test_9_appeal_forms_and_review_notices(office: dict[str, Any], scheme: Scheme) -> None:
    lang = office["lang"]
    lines = clean(office["press"](scripts.appeals))
    folder = office["out"] / ("appeals" if lang == "en" else "申诉")
    forms = sorted(folder.glob("appeal_*.xlsx" if lang == "en" else "申诉表_*.xlsx"))
    reviews = sorted(folder.glob("review_*.xlsx" if lang == "en" else "复核结果告知书_*.xlsx"))
    results = json.loads((office["out"] / "results.json").read_text(encoding="utf-8"))
    decided = [a for u in results["units"] for a in u["adjustments"] if a.get("decision")]
    assert len(forms) == len(results["units"]) and decided and len(reviews) == len(decided)
    ws = openpyxl.load_workbook(reviews[0]).active
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert decided[0]["decision"]["id"] in text and decided[0]["event_id"] in text
    assert str(len(forms)) in lines[0]


def test_10_history_of_a_unit(office: dict[str, Any], scheme: Scheme) -> None:
    lang = office["lang"]
    unit = scheme.unit("altay_city")
    done = office["press"](scripts.unit_history, unit=unit.name)
    lines = clean(done)
    rows = table(done, "History" if lang == "en" else "历史")
    assert rows[1][0] == scheme.year and len(rows) == 2 and rows[1][4] in ("是", "yes")
    assert (unit.name_en if lang == "en" else unit.name) in lines[0]


@pytest.mark.parametrize("script", [scripts.distribute_templates, scripts.track_submissions,
                                    scripts.return_notices, scripts.consolidate_folder,
                                    scripts.publish_results, scripts.write_feedback,
                                    scripts.appeals, scripts.unit_history])
def test_every_button_reports_a_failure_in_the_consoles_language(
        office: dict[str, Any], script: Callable[[Any], Any], tmp_path: Path) -> None:
    """An output folder that is a file, no submissions folder, no unit: an alert with the plain
    message, 未完成 in the summary."""
    (tmp_path / "a file").write_text("")
    done = office["press"](script, output=str(tmp_path / "a file"),
                           folder=str(tmp_path / "nowhere"))
    assert len(done.alerts) == 1 and done.alerts[0]["mode"] == "critical"
    prompt = done.alerts[0]["prompt"]
    assert "Traceback" not in prompt and "Error:" not in prompt
    english = office["lang"] == "en"
    assert all(ord(ch) < 0x2E80 for ch in prompt) if english else any(
        ord(ch) > 0x2E80 for ch in prompt)
    assert summary(done)[0].startswith(WORDS[office["lang"]]["not_done"])


def test_check_and_score_a_workbook_from_the_console(office: dict[str, Any], scheme: Scheme,
                                                     submissions: Path) -> None:
    """校验工作簿 and 计算暂估得分 act on another workbook, in the console's language."""
    from tests.test_xl_scripts import console_beside
    from tests.xlharness import alerts, apply_actions
    from workbook_templates.build import template_names
    from xl_addin.findings import RESULT_SHEET

    lang = office["lang"]
    spoiled = office["root"] / "spoiled.xlsx"
    shutil.copy(submissions / template_names(scheme, "zh")[("unit_report", SPOILED_UNIT)],
                spoiled)
    path = _filled(console.build_console(office["root"] / "c2", lang=lang)[0],
                   office["root"] / "c2.xlsm", {})
    _, target, excel = console_beside(path, spoiled)
    scripts.for_target(excel, scripts.validate_workbook)
    out = apply_actions(spoiled, target.json()["actions"], office["root"] / "checked.xlsx")
    head = openpyxl.load_workbook(out)[RESULT_SHEET]["A1"].value
    assert ("error" in head) if lang == "en" else ("错误" in head)
    console_book, target, excel = console_beside(path, spoiled)
    scripts.for_target(excel, scripts.score_workbook)
    said = [a["prompt"] for a in alerts(target.json()["actions"])]
    assert len(said) == 1 and (said[0].endswith("provisional points filled") if lang == "en"
                               else said[0].endswith("项暂估得分"))


def test_11_an_upheld_appeal_is_published_again_with_a_reason(office: dict[str, Any],
                                                               scheme: Scheme) -> None:
    """The office records a decision in the register, consolidates (a revision), and 发布
    asks for 发布原因 before the revision replaces the published run."""
    from kaohe.synth import synthesize
    from workbook_templates import fill_workbook, template_name

    lang = office["lang"]
    register = synthesize(scheme, seed=2016)["adjustments"]
    decided = {d.get("event_id") for d in register["decisions"]}
    event = next(e for e in register["events"] if e["type"] == "deduction"
                 and e["id"] not in decided)
    register["decisions"].append({"id": "D0099", "event_id": event["id"], "kind": "appeal",
                                  "outcome": "overturned", "points": None,
                                  "reason": "经复核撤销", "approver": "综考办",
                                  "date": f"{scheme.year + 1}-02-10"})
    name = template_name("adjustments", "zh")
    fill_workbook(office["good"].parent / "templates" / name, register, office["folder"] / name)
    clean(office["press"](scripts.consolidate_folder))
    refused = office["press"](scripts.publish_results)
    assert len(refused.alerts) == 1
    wanted = "reason to publish again" if lang == "en" else "发布原因"
    assert wanted in refused.alerts[0]["prompt"]
    lines = clean(office["press"](scripts.publish_results, reason="申诉复核：撤销扣分"))
    results = json.loads((office["out"] / "results.json").read_text(encoding="utf-8"))
    assert results["run"]["run_id"].endswith("-r3") and results["run"]["published"] is True
    assert "-r2" in lines[1] and "申诉复核" in lines[1]
    clean(office["press"](scripts.appeals))
    folder = office["out"] / ("appeals" if lang == "en" else "申诉")
    pattern = "review_*_D0099.xlsx" if lang == "en" else "复核结果告知书_*_D0099.xlsx"
    reviews = list(folder.glob(pattern))
    assert len(reviews) == 1
