"""Batch validation: missing submissions against the roster, duplicates (the newer named),
foreign files, and the two-worker path giving the same findings."""

from __future__ import annotations

import copy
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize
from validators.batch import PARALLEL_THRESHOLD, validate_batch

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def folder(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two units' reports, a second (later) report of one of them, and a foreign workbook."""
    from workbook_templates import fill_workbook
    from workbook_templates.unit_report import build_unit_report

    root = tmp_path_factory.mktemp("batch")
    templates = tmp_path_factory.mktemp("templates")
    docs = synthesize(scheme)["unit_reports"]
    out = root / "收集"
    out.mkdir()
    for unit in ("altay_city", "burqin"):
        template = build_unit_report(scheme, unit, templates / f"{unit}.xlsx")
        doc = copy.deepcopy(docs[unit])
        doc["date"] = "2017-01-08"
        fill_workbook(template, doc, out / f"单位自评表_{unit}.xlsx")
    later = copy.deepcopy(docs["burqin"])
    later["date"] = "2017-01-15"
    fill_workbook(templates / "burqin.xlsx", later, out / "布尔津县_修改版.xlsx")
    shutil.copy(DATA / "bad" / "not_ours.xlsx", out / "随便一个表.xlsx")
    (out / "~$单位自评表_burqin.xlsx").write_bytes(b"lock file of Excel")
    return out


def test_per_file_findings(folder: Path, scheme: Scheme) -> None:
    batch = validate_batch([folder], scheme)
    names = {Path(f.path).name: [i.rule for i in f.report] for f in batch.files}
    assert names == {"单位自评表_altay_city.xlsx": [], "单位自评表_burqin.xlsx": [],
                     "布尔津县_修改版.xlsx": [], "随便一个表.xlsx": ["not-our-template"]}


def test_duplicates_name_both_files_and_the_newer(folder: Path, scheme: Scheme) -> None:
    batch = validate_batch([folder], scheme)
    duplicates = [i for i in batch.issues if i.rule == "duplicate-submission"]
    assert len(duplicates) == 1
    issue = duplicates[0]
    assert issue.unit_id == "burqin" and issue.severity == "warning"
    assert issue.message.startswith("“布尔津县”有 2 份单位自评表")
    assert "单位自评表_burqin.xlsx" in issue.message and "布尔津县_修改版.xlsx" in issue.message
    assert "按填报日期，较新的是 布尔津县_修改版.xlsx（2017-01-15）" in issue.message
    assert issue.file.endswith("布尔津县_修改版.xlsx")


def test_the_file_time_decides_when_the_dates_agree(folder: Path, scheme: Scheme,
                                                    tmp_path: Path) -> None:
    import os

    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    shutil.copy(folder / "单位自评表_altay_city.xlsx", first)
    shutil.copy(folder / "单位自评表_altay_city.xlsx", second)
    os.utime(first, (2_000_000_000, 2_000_000_000))
    os.utime(second, (1_900_000_000, 1_900_000_000))
    issue = next(i for i in validate_batch([first, second], scheme, roster=False).issues)
    # the time as a clerk's file manager shows it (local, to the minute), not ISO with +00:00
    shown = datetime.fromtimestamp(2_000_000_000).strftime("%Y-%m-%d %H:%M")
    assert f"按文件修改时间，较新的是 a.xlsx（{shown}）" in issue.message
    assert f"the newer is a.xlsx ({shown})" in issue.message_en


def test_files_of_one_name_in_two_folders_are_named_by_their_path(folder: Path, scheme: Scheme,
                                                                  tmp_path: Path) -> None:
    collected = tmp_path / "收集"
    for sub in ("一组", "二组"):
        (collected / sub).mkdir(parents=True)
        shutil.copy(folder / "单位自评表_altay_city.xlsx", collected / sub)
    out = CliRunner().invoke(main, ["validate", "--no-roster", str(collected)]).output
    issue = next(i for i in validate_batch([collected], scheme, roster=False).issues)
    files = "一组/单位自评表_altay_city.xlsx、二组/单位自评表_altay_city.xlsx"
    assert f"2 份单位自评表：{files}" in issue.message
    assert "较新的是 " in issue.message and "/单位自评表_altay_city.xlsx（" in issue.message
    assert files in out, out


def test_missing_submissions_against_the_roster(folder: Path, scheme: Scheme) -> None:
    batch = validate_batch([folder], scheme)
    missing = [i for i in batch.issues if i.rule == "missing-submission"]
    units = {i.unit_id for i in missing if i.unit_id in {u.id for u in scheme.units}}
    assert units == {u.id for u in scheme.units} - {"altay_city", "burqin"}
    assert "未收到“富蕴县”的单位自评表" in [i.message for i in missing]
    depts = {d.id for d in scheme.lead_departments if scheme.indicators_of(d.id)}
    assert {i.unit_id for i in missing if i.unit_id in depts and "评分表" in i.message} == depts
    assert {"未收到加扣分登记表", "未收到平时考核汇总表", "未收到民主测评及满意度统计表"} <= {
        i.message for i in missing}
    assert batch.exit_code == 1


def test_files_without_roster(folder: Path, scheme: Scheme) -> None:
    batch = validate_batch([folder / "单位自评表_altay_city.xlsx"], scheme, roster=False)
    assert batch.issues == [] and batch.exit_code == 0


def test_nothing_usable(scheme: Scheme, tmp_path: Path) -> None:
    batch = validate_batch([DATA / "bad" / "notes.txt", tmp_path / "missing.xlsx"], scheme,
                           roster=False)
    assert batch.exit_code == 2
    assert batch.flatten(["rule"]) == [["not-a-zip"], ["missing-file"]]


def test_two_workers_give_the_same_findings(folder: Path, scheme: Scheme,
                                            tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    sources = sorted(p for p in folder.iterdir() if not p.name.startswith("~$"))
    for n in range(PARALLEL_THRESHOLD + 2):
        source = sources[n % len(sources)]
        shutil.copy(source, many / f"{n:02d}_{source.name}")
    for bad in ("truncated.xlsx", "xxe.xlsx"):
        shutil.copy(DATA / "bad" / bad, many / bad)
    serial = validate_batch([many], scheme, workers=1)
    parallel = validate_batch([many], scheme, workers=2)
    keys = ["file", "sheet", "cell", "rule", "message"]
    assert parallel.flatten(keys) == serial.flatten(keys)
    assert len(parallel.files) == PARALLEL_THRESHOLD + 4
    assert parallel.to_dict()["summary"] == serial.to_dict()["summary"]


def test_a_folder_of_one_units_files_is_not_checked_against_the_roster(
        folder: Path, scheme: Scheme, tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(folder / "单位自评表_altay_city.xlsx", own)
    shutil.copy(folder / "单位自评表_altay_city.xlsx", own / "单位自评表_altay_city - 副本.xlsx")
    batch = validate_batch([own], scheme, roster=None)
    assert [i.rule for i in batch.issues] == ["duplicate-submission"] and batch.exit_code == 0
    note = batch.roster_note
    assert note is not None
    assert note.message == "文件夹里只有阿勒泰市的文件，未按名单核对其他单位是否交齐"
    assert "Altay City" in note.message_en and "--roster" in note.hint
    assert batch.to_dict()["roster_skipped"]["rule"] == "roster-skipped"
    forced = validate_batch([own], scheme, roster=True)
    assert forced.roster_note is None and forced.exit_code == 1
    assert len([i for i in forced.issues if i.rule == "missing-submission"]) == 44
    # two units (and a foreign file) are a collection: checked
    collection = validate_batch([folder], scheme, roster=None)
    assert collection.roster_note is None
    assert any(i.rule == "missing-submission" for i in collection.issues)


def test_a_file_that_arrived_but_cannot_be_used_is_named_for_its_unit(
        folder: Path, scheme: Scheme, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(folder / "单位自评表_altay_city.xlsx", inbox)
    cut = (folder / "单位自评表_burqin.xlsx").read_bytes()  # (habahe's, cut short in transit)
    (inbox / "单位自评表_habahe.xlsx").write_bytes(cut[:len(cut) // 2])
    # burqin's content under fuhai's name; a file whose name says no one's
    shutil.copy(folder / "单位自评表_burqin.xlsx", inbox / "福海县自评表.xlsx")
    (inbox / "新建文件.xlsx").write_bytes(b"not a workbook")
    batch = validate_batch([inbox], scheme, roster=None)
    missing = {i.unit_id: i for i in batch.issues if i.rule == "missing-submission"}
    assert missing["habahe"].message == (
        "收到了 单位自评表_habahe.xlsx（疑似哈巴河县的单位自评表），但无法读取："
        "文件不完整（可能下载、复制或邮件传输中断）")
    assert missing["habahe"].message_en.startswith(
        "单位自评表_habahe.xlsx arrived (apparently the unit report of Habahe County) but "
        "cannot be read: the file is truncated")
    assert missing["habahe"].file.endswith("单位自评表_habahe.xlsx")
    assert missing["fuhai"].message == (
        "收到了 福海县自评表.xlsx（疑似福海县的单位自评表），但不能使用："
        "文件名是福海县的，内容却是布尔津县的单位自评表")
    assert missing["fuyun"].message == "未收到“富蕴县”的单位自评表"
    strays = [i for i in batch.issues if i.rule == "unidentified-file"]
    assert [i.message for i in strays] == ["1 个文件看不出是哪个单位所交：新建文件.xlsx"]
