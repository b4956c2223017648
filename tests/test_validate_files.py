"""Untrusted files: each broken or hostile file of the corpus gives one file-level finding."""

from __future__ import annotations

import importlib.util
import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from tests.conftest import as_nobody
from validators.container.files import FILE_RULES, Limits, inspect_file, open_checked
from validators.messages import MESSAGES
from validators.workbook import validate_workbook

DATA = Path(__file__).resolve().parent / "data"


def _load_make_bad():
    spec = importlib.util.spec_from_file_location("make_bad", DATA / "make_bad.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_bad = _load_make_bad()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, str]:
    """The corpus freshly generated (the committed copy under tests/data/bad is checked too)."""
    return make_bad.generate(tmp_path_factory.mktemp("bad"))


def test_committed_corpus_matches_the_generator() -> None:
    committed = {p.name for p in (DATA / "bad").iterdir()}
    assert committed == set(make_bad.CASES)
    total = sum(p.stat().st_size for p in (DATA / "bad").iterdir())
    assert total < 1024 * 1024


@pytest.mark.parametrize("name", sorted(make_bad.CASES))
def test_each_bad_file_gives_one_file_level_finding(name: str, corpus: dict[Path, str]) -> None:
    path = next(p for p in corpus if p.name == name)
    expected = corpus[path]
    tracemalloc.start()
    started = time.perf_counter()
    try:
        issues = inspect_file(path)
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 50 * 1024 * 1024
    scheme = Scheme.from_document(default_scheme_document())
    tracemalloc.start()
    started = time.perf_counter()
    try:
        report = validate_workbook(path, scheme)
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 50 * 1024 * 1024
    # A used range stretched by one far cell is refused at that cell.
    cell = "XFD1048576" if name == "huge_range.xlsx" else ""
    assert report.flatten(["cell", "rule"]) == [[cell, expected]]
    assert report.issues[0].file == str(path) and not report.valid
    if expected in FILE_RULES:
        assert [i.rule for i in issues] == [expected]
        issue = issues[0]
        assert issue.file == str(path)
        assert issue.cell == cell and issue.message and issue.message_en and issue.hint
    else:
        assert issues == []  # sound as a file: the workbook validation refuses it


def test_the_committed_corpus_gives_the_same_findings() -> None:
    for name, (rule, _) in make_bad.CASES.items():
        got = [i.rule for i in inspect_file(DATA / "bad" / name)]
        assert got == ([rule] if rule in FILE_RULES else []), name


def _xlsx(parts: dict[str, bytes]) -> bytes:
    base = make_bad.xlsx_parts()
    base.update(parts)
    return make_bad.zip_bytes(base)


def test_a_sound_workbook_passes(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(make_bad.valid_xlsx())
    assert inspect_file(path) == []


@pytest.mark.parametrize(("limits", "rule", "words"), [
    (Limits(max_file_bytes=100), "file-too-large", "文件过大"),
    (Limits(max_members=3), "zip-bomb", "内部文件"),
    (Limits(max_member_uncompressed=200), "zip-bomb", "解压后"),
    (Limits(max_total_uncompressed=1000), "zip-bomb", "解压后共"),
    (Limits(max_ratio=1.5, ratio_min_bytes=100), "zip-bomb", "压缩比"),
    (Limits(max_cells=3), "too-many-cells", "工作表“单位填报”过大"),
])
def test_each_limit(tmp_path: Path, limits: Limits, rule: str, words: str) -> None:
    path = tmp_path / "small.xlsx"
    path.write_bytes(make_bad.valid_xlsx())
    issues = inspect_file(path, limits)
    assert [i.rule for i in issues] == [rule]
    assert words in issues[0].message


def test_cells_are_counted_even_without_references(tmp_path: Path) -> None:
    cells = "<c><v>1</v></c>" * 50
    sheet = make_bad._SHEET.format(doctype="", dimension="A1", rows=f"<row>{cells}</row>")
    path = tmp_path / "anon.xlsx"
    path.write_bytes(_xlsx({"xl/worksheets/sheet1.xml": sheet.encode()}))
    assert [i.rule for i in inspect_file(path, Limits(max_cells=40))] == ["too-many-cells"]
    assert inspect_file(path, Limits(max_cells=60)) == []


def test_an_entity_split_across_chunks_is_found(tmp_path: Path) -> None:
    # Whatever the chunk size, the declaration straddles some chunk boundary.
    sheet = make_bad._SHEET.format(doctype="<!DOCTYPE x [<!ENTITY a 'b'>]>", dimension="A1",
                                   rows="")
    path = tmp_path / "split.xlsx"
    path.write_bytes(_xlsx({"xl/worksheets/sheet1.xml": sheet.encode()}))
    for size in (16, 40, 64, 71, 200, 1111):
        assert [i.rule for i in inspect_file(path, Limits(chunk_bytes=size))] == ["xml-entities"]


def test_a_declared_but_decodable_encoding_is_read(tmp_path: Path) -> None:
    strings = make_bad._STRINGS.format(doctype="", text="阿勒泰市").replace(
        'encoding="UTF-8"', 'encoding="GB18030"').encode("gb18030")
    path = tmp_path / "gbk.xlsx"
    path.write_bytes(_xlsx({"xl/sharedStrings.xml": strings}))
    assert inspect_file(path) == []


def test_utf16_parts_are_decoded(tmp_path: Path) -> None:
    strings = make_bad._STRINGS.format(doctype="", text="阿勒泰市").replace(
        'encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "utf16.xlsx"
    path.write_bytes(_xlsx({"xl/sharedStrings.xml": strings.encode("utf-16")}))
    assert inspect_file(path) == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "cp500"])
def test_entities_are_found_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    declared = "UTF-16" if encoding.startswith("utf-16") else encoding
    sheet = make_bad._SHEET.format(doctype="<!DOCTYPE x [<!ENTITY a 'b'>]>", dimension="A1",
                                   rows="").replace('encoding="UTF-8"', f'encoding="{declared}"')
    path = tmp_path / "hidden.xlsx"
    if encoding == "cp500":  # EBCDIC: the declaration must be readable, the rest is not ASCII
        data = sheet[:sheet.index("?>") + 2].encode() + sheet[sheet.index("?>") + 2:].encode(
            encoding)
    else:
        data = sheet.encode(encoding)
    path.write_bytes(_xlsx({"xl/worksheets/sheet1.xml": data}))
    assert [i.rule for i in inspect_file(path)] == ["xml-entities"]


def test_truncated_in_the_middle_of_a_member(tmp_path: Path) -> None:
    data = make_bad.zip_bytes(make_bad.xlsx_parts(), zipfile.ZIP_STORED)
    # Keep the directory but lose the sheet's bytes: the member ends before its declared size.
    at = data.index(b"<sheetData>")
    cut = data[:at] + data[at + 40:]
    path = tmp_path / "hole.xlsx"
    path.write_bytes(cut)
    assert [i.rule for i in inspect_file(path)] in (["truncated"], ["corrupt"])


def test_missing_folder_and_unreadable(tmp_path: Path) -> None:
    assert [i.rule for i in inspect_file(tmp_path / "nope.xlsx")] == ["missing-file"]
    issues = inspect_file(tmp_path)
    assert [i.rule for i in issues] == ["unreadable"]
    assert "文件夹" in issues[0].message and "folder" in issues[0].message_en


@pytest.mark.parametrize("rule", FILE_RULES)
def test_every_file_rule_has_texts_in_both_languages(rule: str) -> None:
    zh, en, hint, hint_en = MESSAGES[rule]
    assert zh and en and hint and hint_en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh + hint)
    assert all(ord(ch) < 0x3000 for ch in en.replace("“", "").replace("”", "") if ch != "→")


def test_inspection_is_fast_for_a_normal_workbook(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    for row in range(1, 300):
        for col in range(1, 12):
            wb.active.cell(row, col, row * col)
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / "normal.xlsx"
    path.write_bytes(buffer.getvalue())
    started = time.perf_counter()
    for _ in range(20):
        assert inspect_file(path) == []
    assert (time.perf_counter() - started) / 20 < 0.05


# ---------------------------------------------------------------- the prolog-only entity search

@pytest.mark.parametrize("prolog", [
    "<!-- <worksheet> is not the root: this comment only mentions it -->",
    "<?kaohe note?>\n<!-- a comment -->\n",
    "<!--" + "x" * 70_000 + "-->",  # a prolog longer than the first chunk: the whole part
])
def test_a_doctype_after_a_comment_or_long_prolog_is_found(tmp_path: Path, prolog: str) -> None:
    sheet = make_bad._SHEET.format(doctype=prolog + "<!DOCTYPE x [<!ENTITY a 'b'>]>",
                                   dimension="A1", rows="")
    path = tmp_path / "hidden.xlsx"
    path.write_bytes(_xlsx({"xl/worksheets/sheet1.xml": sheet.encode()}))
    assert [i.rule for i in inspect_file(path)] == ["xml-entities"]
    assert [i.rule for i in open_checked(path)[0]] == ["xml-entities"]


def test_an_entity_declared_in_a_prolog_comment_is_still_refused(tmp_path: Path) -> None:
    sheet = make_bad._SHEET.format(doctype="<!-- <!ENTITY a 'b'> -->", dimension="A1", rows="")
    path = tmp_path / "comment.xlsx"
    path.write_bytes(_xlsx({"xl/worksheets/sheet1.xml": sheet.encode()}))
    assert [i.rule for i in inspect_file(path)] == ["xml-entities"]


def test_the_body_after_the_root_start_is_not_searched_for_entities(tmp_path: Path) -> None:
    # Past the root's start tag a DOCTYPE is not XML any parser acts on: text that only
    # looks like one (here in a comment inside the sheet) is no reason to refuse the file.
    rows = "<!-- <!DOCTYPE x [<!ENTITY a 'b'>]> -->" + make_bad._ROWS
    sheet = make_bad._SHEET.format(doctype="", dimension="A1:B2", rows=rows)
    path = tmp_path / "quoted.xlsx"
    path.write_bytes(_xlsx({"xl/worksheets/sheet1.xml": sheet.encode()}))
    assert inspect_file(path) == []


def test_open_checked_finds_what_inspect_file_finds(corpus: dict[Path, str]) -> None:
    for path in [*corpus, *(DATA / "bad").iterdir()]:
        issues, checked = open_checked(path)
        assert issues == inspect_file(path), path
        assert (checked is None) == bool(issues)


def test_open_checked_keeps_the_bytes_and_sheet_xml(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(make_bad.valid_xlsx())
    issues, checked = open_checked(path)
    assert issues == [] and checked is not None
    assert checked.data == path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert dict(checked.sheet_xml) == {"xl/worksheets/sheet1.xml":
                                           archive.read("xl/worksheets/sheet1.xml")}
    assert dict(checked.sheet_names) == {"xl/worksheets/sheet1.xml": "单位填报"}


def _table(rows: int, columns: str = "ABCDEFGHIJKLM") -> str:
    """A filled table A1:M<rows>, as a template's main sheet is."""
    return "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in columns)
                   + "</row>" for r in range(1, rows + 1))


@pytest.mark.parametrize(("rows", "cell", "row_number", "words"), [
    # one value typed far away: that cell
    (_table(27) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
     "XFD1048576", None, "撑大使用区域的是单元格 XFD1048576"),
    # one far right (harmless alone) and one far down: only the one to delete
    (_table(27).replace('</row>', '<c r="XFD1"><v>1</v></c></row>', 1)
     + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
     "A1048576", None, "撑大使用区域的是单元格 A1048576"),
    # a column far right on a longer sheet: that cell, though the range outgrew the limit
    # only rows later
    (_table(199).replace('<c r="M5"><v>1</v></c>', '<c r="M5"><v>1</v></c>'
                                                  '<c r="XFD5"><v>1</v></c>'),
     "XFD5", None, "撑大使用区域的是单元格 XFD5"),
    # (a formatted row without cells is no content: tests/test_validate_empty_rows.py)
])
def test_a_stray_cell_that_stretches_the_used_range_is_named(
        rows: str, cell: str, row_number: int | None, words: str, tmp_path: Path) -> None:
    sheet = make_bad._SHEET.format(doctype="", dimension="A1", rows=rows)
    path = tmp_path / "stray.xlsx"
    path.write_bytes(_xlsx({"xl/worksheets/sheet1.xml": sheet.encode()}))
    for limits in (Limits(), Limits(chunk_bytes=1024)):  # found whatever the chunks
        issues = inspect_file(path, limits)
        assert [(i.rule, i.cell, i.row_number) for i in issues] == [
            ("too-many-cells", cell, row_number)]
        assert words in issues[0].message
        assert "请删除它（或清除其所在的行/列）" in issues[0].hint
        assert ("stretches it" in issues[0].message_en and "delete it" in issues[0].hint_en)


def test_a_sheet_of_really_too_many_cells_blames_no_one_cell(tmp_path: Path) -> None:
    sheet = make_bad._SHEET.format(doctype="", dimension="A1", rows=_table(300))
    path = tmp_path / "big.xlsx"
    path.write_bytes(_xlsx({"xl/worksheets/sheet1.xml": sheet.encode()}))
    issues = inspect_file(path, Limits(max_cells=2000))
    assert [(i.rule, i.cell) for i in issues] == [("too-many-cells", "")]
    assert issues[0].message.startswith("工作表“单位填报”过大：使用区域 ")
    assert "撑大" not in issues[0].message


@pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")
def test_a_file_the_clerk_may_not_read_is_said_in_plain_words(tmp_path: Path) -> None:
    # "无法读取文件：Permission denied" / "无法打开工作簿：[Errno 13] …": the system's English
    # in a Chinese message. As root (CI) the read runs in a forked child that has become
    # `nobody`, so the kernel really refuses it.
    from workbook_templates.reader import read_workbook

    tmp_path.chmod(0o755)
    path = tmp_path / "单位自评表_福海县.xlsx"
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    path.chmod(0o000)
    def job() -> list[tuple[str, str, str]]:
        return [(i.rule, i.message, i.message_en)
                for i in [*inspect_file(path), *read_workbook(path).issues]]

    said = as_nobody(job)
    path.chmod(0o644)
    assert isinstance(said, list), said
    assert [rule for rule, _, _ in said] == ["unreadable", "unreadable-workbook"]
    for _, message, message_en in said:
        assert "没有读取权限，或文件正被其他程序独占打开" in message, message
        assert "Errno" not in message + message_en and "Permission denied" not in message
        assert "permission denied, or another program holds the file open" in message_en


def test_read_errors_in_plain_words() -> None:
    from validators.container.files import read_error

    assert read_error(FileNotFoundError(2, "No such file"))["reason"].startswith("文件不存在")
    assert read_error(IsADirectoryError(21, "Is a directory"))["reason_en"] == (
        "this is a folder, not a file")
    calamine = read_error(OSError("Permission denied (os error 13)"))  # no errno of its own
    assert calamine["reason"] == "没有读取权限，或文件正被其他程序独占打开"
    other = read_error(OSError(5, "Input/output error"))
    assert other == {"reason": "系统拒绝读取（Input/output error）",
                     "reason_en": "the system refused the read (Input/output error)"}
