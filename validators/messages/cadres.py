"""Messages of the people's forms: rosters, cadre ballot tallies, the sanctions register.

Each entry: message key -> (message, message_en, hint, hint_en), `str.format` templates.
"""

from __future__ import annotations

__all__ = ["CADRE_MESSAGES"]

CADRE_MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "duplicate-person": (
        "干部编号 {person} 在本表中重复出现（第一次在 {first}）",
        "person ID {person} appears twice in this file (first at {first})",
        "一人一行（一组）；请删除重复的一行或改正编号",
        "one row (block) per person: remove the repeated one or correct the ID"),
    "roster-principal": (
        "名册中主要负责人有 {count} 人，应为 1 人", "the roster has {count} principal leaders, "
        "not 1", "请在“班子角色”中选定一位主要负责人", "mark exactly one principal leader"),
    "roster-empty": (
        "名册中没有填写任何班子成员", "the roster lists no one",
        "请按行填写班子成员的干部编号、姓名、职务和角色",
        "fill in one row per team member: person ID, name, post and role"),
    "person-in-two-units": (
        "干部编号 {person}（{name}）同时出现在 {other} 的名册中（{other_cell}）",
        "person ID {person} ({name}) is also on {other_en}'s roster ({other_cell})",
        "一名干部只能在一个单位考核；请与组织部门核对后改正其中一份名册",
        "a cadre is assessed in one unit only: check with the organisation department and "
        "correct one of the rosters"),
    "roster-ballots-mismatch": (
        "测评统计表中的干部编号 {person} 不在本单位名册中",
        "person ID {person} of the ballot tally is not on the unit's roster",
        "请核对干部编号，与本单位领导班子成员名册一致",
        "check the person ID against the unit's leadership roster"),
    "cadre-without-ballots": (
        "名册中的 {person}（{name}）在测评统计表中没有票数", "{person} ({name}) of the roster "
        "has no votes in the ballot tally", "请在干部民主测评统计表中补填其票数，或核对名册",
        "add their votes to the cadre ballot tally, or check the roster"),
    "unknown-sanction": (
        "处分种类 {shown} 不在方案的处分列表中（{allowed}）", "sanction {shown} is not one of the "
        "scheme's ({allowed_en})", "请从方案列出的处分种类中选择", "use a sanction kind of the "
        "scheme"),
    "unknown-situation": (
        "情形编号 {shown} 不在方案的取消绩效奖励情形清单中", "situation {shown} is not on the "
        "scheme's bonus-cancellation checklist", "请使用清单中的情形编号，如 B01",
        "use a checklist id such as B01"),
    "unknown-person": (
        "干部编号 {person} 不在任何单位的名册中", "person ID {person} is on no unit's roster",
        "请核对干部编号", "check the person ID"),
    "missing-person-id": (
        "本组填写了票数，但未填写干部编号", "the block has votes but no person ID",
        "请在该组第一行填写干部编号（与名册一致）",
        "type the person ID on the block's first row, as in the roster"),
}
