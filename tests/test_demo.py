"""The demo and `kaohe score` through the real console script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import openpyxl
import pytest

from kaohe.cli import load_commands, main
from validators.rules.json_schema import schema_problems

KAOHE = str(Path(sys.executable).with_name("kaohe"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KAOHE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    proc = run("demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    (out / "stdout.txt").write_text(proc.stdout, encoding="utf-8")
    return out


def test_demo_writes_valid_results(demo_dir: Path) -> None:
    results = json.loads((demo_dir / "results.json").read_text(encoding="utf-8"))
    assert schema_problems(results, "results") == []
    assert results["grades"] == ["好", "较好", "一般", "较差"]
    groups = {g["id"] for g in results["groups"]}
    assert "county" in groups and len(groups) == 5
    assert len(results["units"]) == 34
    county = [u for u in results["units"] if u["group"] == "county"]
    assert sorted(u["rank"] for u in county) == list(range(1, 8))


def test_what_the_demo_publishes_says_it_is_published(demo_dir: Path) -> None:
    # The outputs are written before the year is published: the demo writes them again, so
    # results.xlsx and every feedback workbook do not say 2016-r1，未发布 of a published run.
    import openpyxl

    results = json.loads((demo_dir / "results.json").read_text(encoding="utf-8"))
    assert results["run"]["published"] is True
    assert results["run"]["published_revision"] == results["run"]["run_id"] == "2016-r1"
    about = openpyxl.load_workbook(demo_dir / "results.xlsx")["说明"]
    [status] = [row[1].value for row in about.iter_rows() if row[0].value == "运行/修订"]
    assert status.startswith("2016-r1，已发布（第 1 版），发布时间 ")
    for path in sorted((demo_dir / "feedback").glob("*.xlsx")):
        sheet = openpyxl.load_workbook(path).worksheets[0]
        assert any(str(c.value).startswith("运行/修订：2016-r1，已发布（第 1 版）")
                   for row in sheet.iter_rows(max_row=4) for c in row), path.name


def test_demo_prints_a_ranked_table_per_group(demo_dir: Path) -> None:
    text = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    for title in ("县市", "党群部门", "政府部门", "政法部门", "经济部门"):
        assert f"\n{title}\n名次" in text  # the group's name only, not its id "(county)"
    assert "名次" in text and "等次" in text and "评优限制" in text


def test_the_excel_path_scores_exactly_like_the_json_path(demo_dir: Path, tmp_path: Path) -> None:
    """Workbooks filled by the synthetic clerks and read back give the JSON documents' results."""
    out = tmp_path / "from-json.json"
    proc = run("score", "--scheme", str(demo_dir / "scheme.json"), "--data",
               str(demo_dir / "data"), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    from_json = json.loads(out.read_text(encoding="utf-8"))
    from_excel = json.loads((demo_dir / "results.json").read_text(encoding="utf-8"))

    def essentials(results: dict) -> list:
        return [(u["unit_id"], u["total"], u["rank"], u["grade"],
                 [(i["indicator_id"], i["points"]) for i in u["indicators"]])
                for u in results["units"]]

    assert essentials(from_excel) == essentials(from_json)
    assert from_excel["not_scored"] == []
    assert all(row["used"] for row in from_excel["inputs"])


def test_consolidation_is_byte_identical_on_rerun(demo_dir: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for target in (first, second):
        proc = run("consolidate", str(demo_dir / "submissions"), "--scheme",
                   str(demo_dir / "scheme.json"), "--json", str(target))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert first.read_bytes() == second.read_bytes()


def test_score_with_a_broken_scheme_gives_a_message_not_a_traceback(tmp_path: Path,
                                                                     demo_dir: Path) -> None:
    bad = tmp_path / "scheme.json"
    doc = json.loads((demo_dir / "scheme.json").read_text(encoding="utf-8"))
    doc["indicators"][0]["full_score"] = "十二"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    proc = run("score", "--scheme", str(bad), "--data", str(demo_dir / "data"),
               "--out", str(tmp_path / "r.json"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "$.indicators[0].full_score" in proc.stderr
    assert not (tmp_path / "r.json").exists()


def test_english_messages(tmp_path: Path, demo_dir: Path) -> None:
    bad = tmp_path / "scheme.json"
    bad.write_text('{"kind": "scheme"}', encoding="utf-8")
    proc = run("--lang", "en", "score", "--scheme", str(bad), "--data", str(demo_dir / "data"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "scheme document is invalid" in proc.stderr and "scheme_id" in proc.stderr


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((*prefix, name))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, (*prefix, name))
    return out


load_commands()  # every command, not only those run so far (they are loaded when run)


@pytest.mark.parametrize("path", _commands(main))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


FULL_WIDTH = re.compile("[（）：，；。、]")


@pytest.fixture(scope="module")
def english_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-en")
    proc = run("--lang", "en", "demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    (out / "stdout.txt").write_text(proc.stdout, encoding="utf-8")
    return out


def test_the_demo_speaks_one_language(demo_dir: Path, english_demo: Path) -> None:
    # Each step of the demo in the user's language only ("申诉 appeal: …" mixed both).
    zh = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    en = (english_demo / "stdout.txt").read_text(encoding="utf-8")
    for word in ("方案：", "模板：", "模拟填报：", "发布：", "申诉："):
        assert word in zh and word not in en
    for word in ("scheme:", "templates:", "filled by the synthetic clerks:", "published:",
                 "appeal:", "consolidating again as a revision"):
        assert word in en and word not in zh
    assert "appeal upheld: a deduction of" in en and "申诉复核：" in zh
    appeal = next(line for line in en.splitlines() if line.startswith("appeal:"))
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in appeal), appeal  # the unit's English name
    assert "修订 2016-r2（基于 2016-r1）：" in zh and "revision 2016-r2 (against 2016-r1):" in en
    revision = en[en.index("revision 2016-r2"):]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in revision.split("\n", 2)[2]), revision
    assert "建议记三等功）：" in zh and "Top grade three years running" in en


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _given_texts(out: Path) -> list[str]:
    """What kaohe did not write itself: the scheme's names and texts, what the demo's clerks
    typed (data/), and the appeal the demo registers; longest first."""
    docs = [out / "scheme.json", *sorted((out / "data").rglob("*.json"))]
    given = {s for doc in docs for s in _strings(json.loads(doc.read_text(encoding="utf-8")))}
    revision = json.loads((out / "results-revision.json").read_text(encoding="utf-8"))
    given |= {str(e["decision"].get("reason") or "") for u in revision["units"]
              for e in u.get("adjustments") or [] if e.get("decision")}
    return sorted((s for s in given if FULL_WIDTH.search(s)), key=len, reverse=True)


def test_english_workbooks_use_plain_punctuation(english_demo: Path) -> None:
    # Chinese full-width brackets, colons, commas … only inside names and texts kaohe was
    # given (the demo scheme has no English for some of them); never in what kaohe writes.
    given = _given_texts(english_demo)
    books = sorted(english_demo.rglob("*.xlsx"))
    assert {p.parent.name for p in books} >= {"templates", "submissions", "feedback"}
    found = []
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    text = cell.value
                    if not isinstance(text, str) or not FULL_WIDTH.search(text):
                        continue
                    for part in given:
                        text = text.replace(part, "")
                    if FULL_WIDTH.search(text):
                        found.append(f"{book.name}!{ws.title}!{cell.coordinate}: {cell.value}")
    assert found == []


def test_the_demo_assesses_teams_and_cadres(demo_dir: Path) -> None:
    results = json.loads((demo_dir / "results.json").read_text(encoding="utf-8"))
    section = results["cadres"]
    assert len(section["teams"]) == 34 and section["not_assessed"] == []
    assert 200 <= len(section["cadres"]) <= 300
    for unit in {c["unit_id"] for c in section["cadres"]}:
        team = [c for c in section["cadres"] if c["unit_id"] == unit]
        assert 5 <= len(team) <= 9 and sum(c["role"] == "principal" for c in team) == 1
    kinds = {f["kind"] for f in section["follow_ups"]}
    assert {"merit", "bonus-cancelled"} <= kinds
    text = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    assert "领导班子和领导干部" in text and "班子等次" in text
    book = openpyxl.load_workbook(demo_dir / "results.xlsx", read_only=True)
    assert {"班子等次·县市", "干部考核结果", "预警及后续事项"} <= set(book.sheetnames)


def test_a_units_feedback_holds_only_its_own_people(demo_dir: Path) -> None:
    """Privacy: every feedback workbook of the demo names its own unit's cadres (all of them)
    and no person of another unit, by id or by a name no one of its own unit bears."""
    from python_calamine import CalamineWorkbook

    results = json.loads((demo_dir / "results.json").read_text(encoding="utf-8"))
    cadres = results["cadres"]["cadres"]
    from outputs.feedback_folder import feedback_names

    books = sorted((demo_dir / "feedback").glob("*.xlsx"))
    assert len(books) == len(results["units"])
    owner = {name: unit_id for unit_id, name in feedback_names(results).items()}
    for path in books:
        unit_id = owner[path.name]
        wb = CalamineWorkbook.from_path(str(path))
        text = "\n".join(str(v) for name in wb.sheet_names
                         for row in wb.get_sheet_by_name(name).to_python() for v in row)
        own = [c for c in cadres if c["unit_id"] == unit_id]
        own_names = {c["name"] for c in own}
        assert own and all(c["person_id"] in text for c in own), path.name
        found = set(re.findall(r"P\d{6}", text))
        assert found == {c["person_id"] for c in own}, path.name
        others = {c["name"] for c in cadres if c["unit_id"] != unit_id} - own_names
        assert [n for n in others if len(n) == 3 and n in text] == [], path.name
