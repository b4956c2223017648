"""Where every field of a scheme document lives in the scheme workbook (考核方案.xlsx).

One declarative table per sheet: its role, names, the JSON location it maps to and its
columns. `export_scheme_workbook` and `import_scheme_workbook` both walk these tables, so
the two directions cannot drift apart. Blank cells mean "not set"; values that were
explicitly empty (null, "", {}) are remembered in `_meta` so a round trip is lossless.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Col", "Table", "INFO", "TABLES", "METHODS", "PARAM_KEYS", "empties", "restore"]

METHODS = ("completion", "base_step", "tiered", "efficacy", "benchmark", "rank_points",
           "pass_fail", "deduction", "bonus", "rating", "ballot", "satisfaction")


@dataclass(frozen=True)
class Col:
    """One column: the JSON key it holds (dotted for nested), headers, value kind, width."""

    key: str
    zh: str
    en: str
    kind: str = "text"  # id | text | number | integer | bool | list | json | choice
    width: float = 12
    options: tuple[str, ...] = ()
    ref: str = ""  # role of the table whose ids this column picks from
    note: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Table:
    """One sheet of rows; shape: list, map (keys -> value), grouped or targets."""

    # list: objects at `path`; map: nested keys -> value; grouped: group key -> list of
    # objects; targets: indicator × unit -> target, merged into the indicators.

    role: str
    zh: str
    en: str
    path: tuple[str, ...]
    cols: tuple[Col, ...]
    shape: str = "list"
    keys: int = 0  # map/grouped/targets: how many leading columns are keys
    spare: int = 20


_NAMES = (Col("id", "编号", "ID", "id", 14, note="字母开头，只含字母、数字、_ . -，如 county",
                   note_en="starts with a letter; letters, digits, _ . - only, e.g. county"),
          Col("name", "名称", "Name", "text", 24),
          Col("name_en", "英文名称", "English name", "text", 30))

INFO: tuple[Col, ...] = (
    Col("scheme_id", "考核方案编号", "Scheme ID", "id", note="如 altay-2016",
        note_en="e.g. altay-2016"),
    Col("version", "方案版本", "Version", "text", note="同一年度内的版本号，如 1",
        note_en="the version within the year, e.g. 1"),
    Col("year", "考核年度", "Year", "integer"),
    Col("name", "方案名称", "Name", "text"),
    Col("name_en", "方案名称（英文）", "Name (English)", "text"),
    Col("description", "方案说明", "Description", "text"),
    Col("illustrative", "示例方案", "Illustrative", "bool", note="数据仅作演示时选“是”",
        note_en="Yes when the data are for demonstration only"),
    Col("template_password", "模板保护密码", "Template password", "text",
        note="留空表示保护工作表但不设密码",
        note_en="blank: sheets are protected without a password"),
    Col("rounding.digits", "保留小数位", "Decimal places", "integer"),
    Col("rounding.mode", "舍入方式", "Rounding", "choice", options=("half_up", "half_even"),
        note="half_up 四舍五入；half_even 银行家舍入",
        note_en="half_up: round half up; half_even: banker's rounding"),
    Col("routine.periods", "平时考核周期", "Routine periods", "list",
        note="用顿号分隔，如 Q1、Q2、Q3、Q4",
        note_en="separated by commas, e.g. Q1, Q2, Q3, Q4"),
    Col("grading.grades", "等次（由好到差）", "Grades (best first)", "list",
        note="如 好、较好、一般、较差",
        note_en="e.g. 好, 较好, 一般, 较差"),
    Col("tie_breakers", "同分排序依据", "Tie-breakers", "list",
        note="按顺序比较的考核部分，如 component:year_end、component:routine",
        note_en="components compared in order, e.g. component:year_end, component:routine"),
    Col("gates.region_loss_share", "自治区指标失分比例（超过即取消评优）", "Region loss share",
        "number",
        note="如 0.2 表示失分超过该项分值的 20%",
        note_en="e.g. 0.2: losing more than 20% of the indicator's points"),
    Col("gates.notification_disqualifies", "受全疆通报取消评优", "Notification disqualifies",
        "bool"),
    Col("gates.veto_grade", "一票否决后的等次", "Veto grade", "text"),
    Col("adjustments.bonus_cap_total", "加分总上限", "Total bonus cap", "number",
        note="留空表示不设上限", note_en="blank: no cap"),
    Col("adjustments.deduction_cap_total", "扣分总上限", "Total deduction cap", "number",
        note="留空表示不设上限", note_en="blank: no cap"),
    Col("cadres", "领导班子和领导干部考核规则（JSON）", "People rules (JSON)", "json",
        note="班子等次、干部得分、优秀比例、处分限制、测评预警、取消绩效奖励情形、奖励阶梯；"
             "格式见 docs/cadres.md", note_en="team grades, cadre scores, quota, caps, alerts, "
                                           "bonus cancellation, merits; see docs/cadres.md"),
)

PARAM_KEYS = ("cap", "base", "step_size", "step_up", "step_down", "max", "min", "basis",
              "interpolate", "tiers", "worst", "best", "use_group", "base_share", "step",
              "fail_points", "per_incident", "floor", "per_item", "ratings")

_INDICATOR_COLS = (
    Col("id", "指标编号", "ID", "id", 9), Col("name", "指标名称", "Name", "text", 24),
    Col("name_en", "英文名称", "English name", "text", 24),
    Col("category", "指标类别", "Category", "text", 10),
    Col("component", "所属考核部分", "Component", "choice", 11, ref="components"),
    Col("full_score", "满分", "Full score", "number", 7),
    Col("method", "计分方法", "Method", "choice", 12, options=METHODS,
        note="completion 完成率；base_step 基准分加减；tiered 分档；efficacy 功效系数；"
             "benchmark 标杆；"
             "rank_points 排位；pass_fail 达标；deduction 扣分；bonus 加分；rating 定性评价",
        note_en="completion, base_step, tiered, efficacy, benchmark, rank_points, pass_fail, "
                "deduction, bonus or rating"),
    Col("direction", "指标方向", "Direction", "choice", 9, options=("higher", "lower"),
        note="higher 越高越好；lower 越低越好",
        note_en="higher: more is better; lower: less is better"),
    Col("groups", "适用组别", "Groups", "list", 18, note="组别编号，用顿号分隔",
        note_en="group IDs separated by commas"),
    Col("lead_department", "牵头部门", "Lead department", "choice", 11, ref="lead_departments"),
    Col("source", "考核来源", "Source", "choice", 10, options=("year_end", "routine", "special")),
    Col("input", "数据填报方", "Input by", "choice", 14, options=("unit_report", "lead_department"),
        note="unit_report 单位自评表填报；lead_department 牵头部门评分表填报",
        note_en="unit_report: the unit's own report; lead_department: the lead department's sheet"),
    Col("region_assigned", "自治区下达", "Region-assigned", "bool", 8),
    Col("constraint", "约束性指标", "Constraint", "bool", 8),
    Col("measure_unit", "计量单位", "Unit of measure", "text", 7),
    Col("target", "目标值（默认）", "Default target", "number", 9),
    Col("evidence_required_over", "需佐证的完成率", "Evidence above", "number", 9,
        note="完成值 ÷ 目标值超过此数时须附佐证，如 1.2",
        note_en="evidence needed when actual ÷ target exceeds this, e.g. 1.2"),
    Col("may_be_negative", "完成值可为负数", "May be negative", "bool", 8,
        note="如增长率可能下降为负选“是”；留空：人、项、万元等计数不可为负，其余可以",
        note_en="Yes where a growth rate can fall below 0; blank: counts and amounts cannot"),
    Col("params.cap", "完成率上限 cap", "cap", "number", 8),
    Col("params.base", "基准分 base", "base", "number", 8),
    Col("params.step_size", "步长 step_size", "step_size", "number", 8),
    Col("params.step_up", "每步加分 step_up", "step_up", "number", 8),
    Col("params.step_down", "每步扣分 step_down", "step_down", "number", 8),
    Col("params.max", "最高分 max", "max", "number", 8),
    Col("params.min", "最低分 min", "min", "number", 8),
    Col("params.basis", "分档依据 basis", "basis", "choice", 9, options=("value", "ratio")),
    Col("params.interpolate", "档间插值 interpolate", "interpolate", "bool", 9),
    Col("params.tiers", "分档 tiers（JSON）", "tiers (JSON)", "json", 30,
        note='如 [{"min": 0.8, "points": 4}, {"min": 1.0, "points": 6}]',
        note_en='e.g. [{"min": 0.8, "points": 4}, {"min": 1.0, "points": 6}]'),
    Col("params.worst", "不允许值 worst", "worst", "number", 8),
    Col("params.best", "满意值 best", "best", "number", 8),
    Col("params.use_group", "取组内最差最好 use_group", "use_group", "bool", 9),
    Col("params.base_share", "基础分比例 base_share", "base_share", "number", 9),
    Col("params.step", "每名次扣分 step", "step", "number", 8),
    Col("params.fail_points", "未达标得分 fail_points", "fail_points", "number", 9),
    Col("params.per_incident", "每次扣分 per_incident", "per_incident", "number", 9),
    Col("params.floor", "最低分 floor", "floor", "number", 8),
    Col("params.per_item", "每项加分 per_item", "per_item", "number", 8),
    Col("params.ratings", "评级得分比例 ratings（JSON）", "ratings (JSON)", "json", 30,
        note='如 {"好": 1.0, "较好": 0.85}', note_en='e.g. {"好": 1.0, "较好": 0.85}'),
    Col("params.*", "其他参数（JSON）", "Other parameters (JSON)", "json", 16,
        note="上面各列以外的参数，JSON 对象",
        note_en="parameters not in the columns above, as a JSON object"),
)

TABLES: tuple[Table, ...] = (
    Table("groups", "考核组别", "Groups", ("groups",), _NAMES, spare=10),
    Table("units", "被考核单位", "Units", ("units",),
          (*_NAMES, Col("group", "所属组别", "Group", "choice", 12, ref="groups")), spare=30),
    Table("lead_departments", "牵头部门", "Lead departments", ("lead_departments",), _NAMES,
          spare=20),
    Table("components", "考核部分", "Components", ("components",),
          (*_NAMES, Col("kind", "部分类型", "Kind", "choice", 12,
                        options=("indicators", "routine", "satisfaction", "conduct")),
           Col("full_score", "满分", "Full score", "number", 8)), spare=6),
    Table("weights", "部分权重", "Weights", ("component_weights",),
          (Col("group", "组别", "Group", "choice", 14, ref="groups"),
           Col("component", "考核部分", "Component", "choice", 14, ref="components"),
           Col("weight", "权重", "Weight", "number", 10, note="0–1，同一组别各部分权重之和为 1",
               note_en="0–1; a group's weights add up to 1")),
          shape="map", keys=2, spare=20),
    Table("indicators", "考核指标", "Indicators", ("indicators",), _INDICATOR_COLS, spare=30),
    Table("targets", "各单位目标值", "Unit targets", ("indicators",),
          (Col("indicator_id", "指标编号", "Indicator", "choice", 12, ref="indicators"),
           Col("unit_id", "单位编号", "Unit", "choice", 14, ref="units"),
           Col("target", "目标值", "Target", "number", 12)), shape="targets", keys=2, spare=60),
    Table("rater_groups", "测评主体", "Rater groups", ("rater_groups",),
          (*_NAMES, Col("weight", "权重", "Weight", "number", 8)), spare=6),
    Table("ballot_grades", "测评档次", "Ballot grades", ("ballot", "grades"),
          (Col("label", "档次", "Grade", "text", 12), Col("points", "分值", "Points", "number", 8)),
          spare=6),
    Table("satisfaction", "满意度选项", "Satisfaction options", ("satisfaction", "options"),
          (Col("label", "选项", "Option", "text", 12), Col("points", "分值", "Points", "number", 8),
           Col("excluded", "不计入", "Excluded", "bool", 8, note="如“不了解”选“是”",
               note_en="Yes for answers such as \"don't know\"")), spare=6),
    Table("bonus_caps", "加分上限", "Bonus caps", ("adjustments", "bonus_caps"),
          (Col("category", "加分类别", "Category", "text", 16),
           Col("cap", "上限", "Cap", "number", 8)), shape="map", keys=1, spare=10),
    Table("bands", "等次分数线", "Grade bands", ("grading", "bands"),
          (Col("group", "组别", "Group", "choice", 14, ref="groups"),
           Col("grade", "等次", "Grade", "text", 10),
           Col("min", "最低分", "Minimum", "number", 10)),
          shape="grouped", keys=1, spare=20),
    Table("quotas", "等次名额", "Quotas", ("grading", "quotas"),
          (Col("grade", "等次", "Grade", "text", 10),
           Col("max_share", "最高比例", "Largest share", "number", 10),
           Col("rounding", "名额取整", "Rounding", "choice", 14,
               options=("floor", "round_half_up", "ceil"))), spare=6),
)


def _ident(item: Mapping[str, Any]) -> str | None:
    for key in ("id", "label", "grade"):
        if isinstance(item.get(key), str):
            return f"#{item[key]}"
    return None


def empties(node: Mapping[str, Any], path: tuple[str, ...] = ()) -> Iterator[list[Any]]:
    """[path…, value] of every explicitly empty value (null, "", {}, []), lists by row id."""
    for key, value in node.items():
        if value is None or value == "" or (isinstance(value, dict | list) and not value):
            yield [*path, key, value]
        elif isinstance(value, dict):
            yield from empties(value, (*path, key))
        elif isinstance(value, list):
            for item in value:
                ident = _ident(item) if isinstance(item, dict) else None
                if ident:
                    yield from empties(item, (*path, key, ident))


def restore(doc: dict[str, Any], recorded: list[list[Any]]) -> None:
    """Put back remembered empty values whose keys the workbook left out."""
    for entry in recorded:
        *path, key, value = entry
        node: Any = doc
        for i, step in enumerate(path):
            if isinstance(node, list) and str(step).startswith("#"):
                node = next((x for x in node if isinstance(x, dict) and _ident(x) == step), None)
            elif isinstance(node, dict) and not str(step).startswith("#"):
                # create a missing object only where no row of a list is needed below it
                if step not in node and not any(str(s).startswith("#") for s in path[i:]):
                    node[step] = {}
                node = node.get(step)
            else:
                node = None
            if node is None:
                break
        if isinstance(node, dict) and key not in node:
            node[key] = value
