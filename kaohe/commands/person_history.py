"""`kaohe history PERSON`: a cadre's years (unit, score, grade, team grade, merit, alerts) from
the history database, and the multi-year rules' flags (连续优秀 → 记三等功, 连续不称职)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["person_table", "person_changes_table"]


def person_table(years: Sequence[Any], scheme: dict[str, Any], lang: str) -> str:
    """The person's years: a heading, a table, then the multi-year rules' flags."""
    from kaohe.engine.cadres import CadreRules, merit
    from kaohe.labels import grade_label
    from kaohe.textable import table

    en = lang == "en"
    last = years[-1]
    lines: list[str] = []

    def say(zh: str, english: str) -> None:
        lines.append(english if en else zh)

    say(f"{last.name}（{years[-1].unit_name}，{last.post}）历年考核结果",
        f"{last.name} ({last.unit_id}, {last.post}): results by year")
    head = (["year", "unit", "score", "grade", "team", "merit", "alerts", "published", "run"]
            if en else ["年度", "单位", "得分", "等次", "班子等次", "奖励", "测评预警", "已发布",
                        "运行"])
    body = [[y.year, y.unit_id if en else y.unit_name, f"{y.score:.2f}",
             grade_label(y.grade, lang, scheme) or ("no grade" if en else "不确定等次"),
             grade_label(y.team_grade, lang, scheme), y.merit or "—",
             ", ".join(y.alerts) or "—", ("yes" if en else "是") if y.published else
             ("no" if en else "否"), y.run_id] for y in years]
    lines.append(table(head, body))
    rules = CadreRules.from_document(scheme)
    if rules is not None:
        flags = merit({y.year: y.grade for y in years}, last.year, rules)
        if flags["merit"] and flags["top_run"] > 1:
            say(f"{flags['merit_reason']}：{flags['merit']}",
                f"{flags['merit_reason_en']}: {flags['merit_en']}")
        if flags["unsatisfactory_flag"]:
            say(flags["unsatisfactory_reason"], flags["unsatisfactory_reason_en"])
    return "\n".join(lines)


def person_changes_table(changes: Sequence[dict[str, Any]], lang: str) -> str:
    """Cadres whose results changed between two runs (an appeal carried over to people)."""
    from kaohe.textable import table

    en = lang == "en"

    def arrow(old: Any, new: Any) -> str:
        show = ["—" if v is None else str(v) for v in (old, new)]
        return show[0] if old == new else f"{show[0]} → {show[1]}"

    head = (["person", "unit", "score", "grade", "team", "merit"] if en
            else ["干部编号", "单位", "得分", "等次", "班子等次", "奖励"])
    body = [[c["person_id"], arrow(c["old_unit_id"], c["new_unit_id"]),
             arrow(c["old_score"], c["new_score"]), arrow(c["old_grade"], c["new_grade"]),
             arrow(c["old_team_grade"], c["new_team_grade"]),
             arrow(c["old_merit"], c["new_merit"])] for c in changes]
    title = "cadres changed:" if en else "干部结果变化："
    return title + "\n" + table(head, body)
