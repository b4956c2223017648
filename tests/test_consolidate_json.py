"""`kaohe consolidate` on JSON documents: a folder of them alone is refused with a message that
points at `kaohe score` (it used to check them and drop them silently); beside workbooks they
are named as not consolidated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kaohe.pipeline.consolidate import run_consolidation

KAOHE = str(Path(sys.executable).with_name("kaohe"))
EXAMPLES = Path(__file__).resolve().parent.parent / "validators" / "examples"


def test_a_folder_of_json_documents_is_refused_pointing_at_kaohe_score(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("unit_report.json", "lead_scores.json", "routine.json"):
        (data / name).write_text((EXAMPLES / name).read_text("utf-8"), "utf-8")
    proc = subprocess.run([KAOHE, "consolidate", str(data), "--json", str(tmp_path / "r.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "只有 JSON 文档（3 个）" in proc.stderr
    assert f"kaohe score --data {data}" in proc.stderr
    assert not (tmp_path / "r.json").exists()
    proc = subprocess.run([KAOHE, "--lang", "en", "consolidate", str(data)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "JSON documents only (3)" in proc.stderr and "kaohe score" in proc.stderr


def test_json_beside_workbooks_is_named(clean_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "subs"
    folder.mkdir()
    for path in clean_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "routine.json").write_text(json.dumps({"kind": "routine"}), "utf-8")
    said: list[str] = []
    code, results = run_consolidation(folder, json_out=tmp_path / "r.json", echo=said.append)
    assert any("1 个 JSON 文档未汇总" in s for s in said)
    assert results["units"]


def test_the_sanctions_register_kept_as_json_is_not_said_to_be_left_out(
        clean_folder: Path, tmp_path: Path) -> None:
    # the people's sanctions register is a JSON document that consolidation does read
    folder = tmp_path / "subs"
    folder.mkdir()
    for path in clean_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "干部处分登记表.json").write_text(
        json.dumps({"kind": "sanctions", "entries": []}), "utf-8")
    (folder / "routine.json").write_text(json.dumps({"kind": "routine"}), "utf-8")
    said: list[str] = []
    run_consolidation(folder, json_out=tmp_path / "r.json", echo=said.append)
    assert [s for s in said if "JSON 文档未汇总" in s] == [
        "注意：1 个 JSON 文档未汇总（只汇总工作簿；JSON 文档请用 kaohe score）"]
