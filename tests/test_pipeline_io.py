"""dump_json writes exactly what json.dumps(ensure_ascii=False, indent=1, allow_nan=False)
writes, and refuses (or converts) exactly what it refuses (or converts)."""

from __future__ import annotations

import enum
import errno
import json
import math
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.errors import KaoheError
from kaohe.pipeline.io import OutputError, dump_json, write_atomic, write_json
from tests.conftest import as_nobody


def _reference(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


class Level(enum.IntEnum):
    HIGH = 2


class Text(str):
    pass


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([0.0, -0.0, 1e300, 5e-324, 0.1 + 0.2, "\u2028\"\\\n\x00",
                                     "阿勒泰市", Level.HIGH, Text("t")]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.tuples(inner, inner),
    st.dictionaries(st.one_of(st.text(max_size=5), st.sampled_from([Text("k")])), inner,
                    max_size=5)), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_same_text_as_json_dumps(document: Any) -> None:
    assert dump_json(document) == _reference(document)


@settings(max_examples=200, deadline=None)
@given(st.one_of(VALUES, st.dictionaries(st.text(max_size=4), st.lists(VALUES, max_size=4),
                                         max_size=4)))
def test_written_as_made_and_still_the_same_text(document: Any) -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = write_json(Path(folder) / "d.json", document)
        assert path.read_text(encoding="utf-8") == _reference(document)


@pytest.mark.parametrize("document", [
    {3: "a", 2.5: "b", True: "c", None: "d"},          # keys json.dumps turns into text
    [{"a": [OrderedDict(b=1)]}, {}, [], ""],
])
def test_converted_like_json_dumps(document: Any) -> None:
    assert dump_json(document) == _reference(document)


@pytest.mark.parametrize("document", [
    {"x": math.nan}, [math.inf], {"d": {1, 2}}, {("a", "b"): 1}, object(),
])
def test_refused_like_json_dumps(document: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as want:
        _reference(document)
    with pytest.raises(want.type) as got:
        dump_json(document)
    assert str(got.value) == str(want.value)


def test_a_refused_document_leaves_no_file(tmp_path: Any) -> None:
    document = {"units": [{"a": 1}, {"b": math.nan}], "inputs": []}
    with pytest.raises(ValueError, match="Out of range float"):
        write_json(tmp_path / "r.json", document)
    assert list(tmp_path.iterdir()) == []
    odd = {"units": [{"a": 1}], 3: "converted"}  # json.dumps turns the key into text
    assert (write_json(tmp_path / "r.json", odd).read_text(encoding="utf-8")
            == _reference(odd))


def test_a_cycle_is_refused_like_json_dumps() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dump_json({"loop": loop})


# -- write failures -----------------------------------------------------------------------

def _leftovers(folder: Any) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_folder_in_the_way_is_a_plain_message(tmp_path: Any) -> None:
    target = tmp_path / "results.json"
    target.mkdir()
    with pytest.raises(OutputError) as info:
        write_json(target, {"a": 1})
    error = info.value
    assert error.path == target and isinstance(error, KaoheError)
    assert f"无法写入 {target}：同名的文件夹已存在" in error.message
    assert f"cannot write {target}: a folder of that name is in the way" in error.message_en
    assert ".tmp" not in error.message + error.message_en  # no temp-file path shown
    assert _leftovers(tmp_path) == []


def test_a_file_where_the_folder_should_be(tmp_path: Any) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        write_json(tmp_path / "out" / "results.json", {"a": 1})
    assert "路径中有一部分是文件" in info.value.message
    assert "check the output path" in info.value.message_en


def test_an_error_a_library_wraps_is_recognised(tmp_path: Any) -> None:
    """xlsxwriter turns the OSError of a full disk into its own FileCreateError."""
    from xlsxwriter.exceptions import FileCreateError

    def full_disk(tmp: Any) -> None:
        tmp.write_bytes(b"half")
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:
            raise FileCreateError(exc) from exc

    with pytest.raises(OutputError) as info:
        write_atomic(tmp_path / "results.xlsx", full_disk)
    assert "磁盘空间不足" in info.value.message and "the disk is full" in info.value.message_en
    assert _leftovers(tmp_path) == [] and not (tmp_path / "results.xlsx").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX folder permissions")
def test_a_read_only_folder() -> None:
    # Root writes anywhere: as root (CI), the write runs in a forked child that has become
    # `nobody`, in a folder it may enter but not write (a real EACCES from the kernel).
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="kaohe-ro-"))
    base.chmod(0o755)
    folder = base / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    def job() -> Any:
        try:
            write_json(folder / "results.json", {"a": 1})
        except OutputError as exc:
            return (exc.message, exc.message_en)
        return None

    found = as_nobody(job)
    folder.chmod(0o755)
    shutil.rmtree(base)
    assert isinstance(found, tuple), found
    message, message_en = found
    assert "Excel" in message and "close it" in message_en
    assert not (folder / "results.json").exists()


def test_other_errors_of_the_writer_pass_through(tmp_path: Any) -> None:
    def broken(tmp: Any) -> None:
        raise ValueError("a bug, not the disk")

    with pytest.raises(ValueError):
        write_atomic(tmp_path / "x.json", broken)
    assert _leftovers(tmp_path) == []


def test_an_unwritable_output_is_a_clean_cli_error(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from kaohe.cli import main
    from kaohe.pipeline.demo import write_documents
    from kaohe.pipeline.documents import load_scheme
    from kaohe.synth import synthesize

    write_documents(synthesize(load_scheme(), seed=3), tmp_path / "data")
    (tmp_path / "out").write_text("a file, not a folder", encoding="utf-8")
    out = tmp_path / "out" / "results.json"
    for lang, text in (("zh", "路径中有一部分是文件"), ("en", "part of the path is a file")):
        result = CliRunner().invoke(main, ["--lang", lang, "score", "--data",
                                           str(tmp_path / "data"), "--out", str(out)])
        assert result.exit_code == 2 and text in result.output, result.output
        assert str(out) in result.output and ".tmp" not in result.output
        assert "Traceback" not in result.output
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o777, 0o600)])
def test_an_output_is_never_written_unreadable_to_its_owner(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int, mode: int) -> None:
    """Pyodide 0.27 reads its umask back as 0o777: the output must still be 0o600, not 000."""
    import stat

    from kaohe.pipeline import io

    monkeypatch.setattr(io, "_umask", lambda: umask)
    out = io.write_atomic(tmp_path / "out.json", lambda tmp: tmp.write_text("{}"))
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert out.read_text() == "{}"
