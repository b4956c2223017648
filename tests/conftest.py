"""Shared fixtures: small schemes built in code, the embedded scheme, synthetic documents."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document


def small_scheme_doc(**overrides: Any) -> dict[str, Any]:
    """A two-group scheme small enough to compute by hand."""
    doc: dict[str, Any] = {
        "kind": "scheme", "scheme_id": "test-2020", "version": "1", "year": 2020,
        "name": "测试方案", "rounding": {"digits": 2, "mode": "half_up"},
        "groups": [{"id": "county", "name": "县市"}, {"id": "dept", "name": "部门"}],
        "units": [{"id": f"u{i}", "name": f"单位{i}", "group": "county"} for i in range(1, 6)]
        + [{"id": "d1", "name": "部门1", "group": "dept"}],
        "lead_departments": [{"id": "lead", "name": "牵头部门"}],
        "components": [
            {"id": "year_end", "name": "年终考核", "kind": "indicators", "full_score": 100},
            {"id": "routine", "name": "平时考核", "kind": "routine", "full_score": 100},
            {"id": "satisfaction", "name": "群众满意度", "kind": "satisfaction", "full_score": 100},
            {"id": "conduct", "name": "德和作风测评", "kind": "conduct", "full_score": 100}],
        "component_weights": {
            "county": {"year_end": 0.5, "routine": 0.3, "satisfaction": 0.1, "conduct": 0.1},
            "dept": {"year_end": 0.5, "routine": 0.3, "satisfaction": 0.1, "conduct": 0.1}},
        "indicators": [
            {"id": "I1", "name": "增长", "category": "经济发展", "component": "year_end",
             "full_score": 60, "method": "completion", "params": {"cap": 1.0},
             "groups": ["county", "dept"], "lead_department": "lead", "region_assigned": True,
             "target": 10},
            {"id": "I2", "name": "稳定", "category": "社会稳定", "component": "year_end",
             "full_score": 40, "method": "rating", "input": "lead_department",
             "params": {"ratings": {"好": 1.0, "较好": 0.8, "一般": 0.6, "较差": 0.4}},
             "groups": ["county", "dept"], "lead_department": "lead"}],
        "ballot": {"grades": [{"label": "好", "points": 100}, {"label": "较好", "points": 80},
                              {"label": "一般", "points": 60}, {"label": "差", "points": 0}]},
        "rater_groups": [{"id": "leaders", "name": "领导", "weight": 0.6},
                         {"id": "public", "name": "群众", "weight": 0.4}],
        "satisfaction": {"options": [{"label": "满意", "points": 100},
                                     {"label": "不满意", "points": 0},
                                     {"label": "不了解", "excluded": True}]},
        "routine": {"periods": ["Q1", "Q2", "Q3", "Q4"]},
        "adjustments": {"bonus_caps": {"荣誉表彰": 2}, "bonus_cap_total": 3,
                        "deduction_cap_total": None},
        "gates": {"region_loss_share": 0.2, "notification_disqualifies": True,
                  "veto_grade": "较差"},
        "grading": {"grades": ["好", "较好", "一般", "较差"],
                    "bands": {g: [{"grade": "好", "min": 90}, {"grade": "较好", "min": 80},
                                  {"grade": "一般", "min": 60}, {"grade": "较差", "min": 0}]
                              for g in ("county", "dept")},
                    "quotas": [{"grade": "好", "max_share": 0.4, "rounding": "floor"}]},
        "tie_breakers": ["component:year_end", "component:satisfaction"],
    }
    doc.update(overrides)
    return doc


@pytest.fixture
def small_doc() -> dict[str, Any]:
    return small_scheme_doc()


@pytest.fixture
def small_scheme() -> Scheme:
    return Scheme.from_document(small_scheme_doc())


@pytest.fixture(scope="session")
def default_doc() -> dict[str, Any]:
    return default_scheme_document()


@pytest.fixture
def default_scheme(default_doc: dict[str, Any]) -> Scheme:
    return Scheme.from_document(copy.deepcopy(default_doc))


@pytest.fixture(scope="session")
def pg_server() -> Any:
    """A throwaway PostgreSQL server (tests/pg_server.py), started once, on first use.

    Yields a tests.pg_server.PgServer. If it cannot start, every test that needs it fails
    with the reason (it never skips: CI must have PostgreSQL, `make sysdeps` installs it).
    """
    from tests.pg_server import PgUnavailable, start_server

    try:
        server = start_server()
    except PgUnavailable as exc:
        why = str(exc)
    else:
        yield server
        server.stop()
        return
    pytest.fail(f"no PostgreSQL server for the tests: {why}", pytrace=False)


@pytest.fixture(scope="session")
def clean_folder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Templates for the embedded scheme, filled by the synthetic clerks (seed 11): a clean
    collection folder. Read only — a test that changes files copies it first."""
    from kaohe.pipeline.demo import fill_submissions
    from kaohe.pipeline.documents import load_scheme
    from kaohe.synth import synthesize
    from workbook_templates import build_templates

    root = tmp_path_factory.mktemp("clean-folder")
    scheme = load_scheme()
    build_templates(scheme, root / "templates")
    fill_submissions(synthesize(scheme, seed=11), root / "templates", root / "submissions")
    return root / "submissions"


def as_nobody(job: Any) -> Any:
    """`job()`'s result (or the repr of what it raised), run in a forked child that has
    become `nobody` when the tests run as root: root reads and writes anywhere, so a real
    EACCES from the kernel needs another user. The result travels back pickled."""
    import os
    import pickle

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave at once
        try:
            os.close(read)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            try:
                found = job()
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                found = repr(exc)
            os.write(write, pickle.dumps(found))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        found = pickle.loads(pipe.read())
    os.waitpid(pid, 0)
    return found
