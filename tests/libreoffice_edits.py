"""Run tests/lo_edit.py (Debian's python3 with the UNO bridge) on a batch of jobs."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"


def edit_in_libreoffice(jobs: list[dict[str, Any]], timeout: float = 600) -> None:
    """Each job's edits made in headless LibreOffice, saved as .xlsx at its dst."""
    with tempfile.TemporaryDirectory(prefix="kaohe-lo-jobs-") as folder:
        jobs_file = Path(folder) / "jobs.json"
        jobs_file.write_text(json.dumps(jobs, ensure_ascii=False, default=str),
                             encoding="utf-8")
        python = SYSTEM_PYTHON if Path(SYSTEM_PYTHON).exists() else shutil.which("python3")
        done = subprocess.run([str(python), str(HERE / "lo_edit.py"), str(jobs_file)],
                              capture_output=True, text=True, timeout=timeout, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    missing = [job["dst"] for job in jobs if not Path(job["dst"]).exists()]
    assert not missing, missing
