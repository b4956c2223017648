"""Messages of the scheme checks (scheme_checks.py): (message, message_en, hint, hint_en)."""

from __future__ import annotations

__all__ = ["SCHEME_MESSAGES"]

_SCHEME_HINT = ("请修改考核方案后重新校验", "fix the scheme and validate it again")

SCHEME_MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # ---------------------------------------------------------- scheme checks (scheme_checks.py)
    "input-not-carried": (
        "指标 {id} 的计分方法 {method} 需要{needs}，但{filler}无法填报{needs}",
        "indicator {id}: method {method} needs {needs_en}, which {filler_en} cannot carry",
        "请把该指标的数据填报方（input）改为 {fix}，或改用其他计分方法",
        "set the indicator's input to {fix_en}, or choose another method"),
    "duplicate-id": (
        "编号 “{id}” 重复：第 {first} 项与第 {row} 项相同", "id {id!r} is used twice: items "
        "{first} and {row}",
        "每个编号只能使用一次，请修改其中一个", "give each item its own id"),
    "unknown-group": (
        "考核组别 “{group}” 未定义（已定义：{known}）", "group {group!r} is not defined "
        "(defined: {known})",
        "请改为已定义的组别编号，或先在 groups 中添加该组别",
        "use a defined group id, or add the group to groups"),
    "empty-group": (
        "考核组别 “{group}” 下没有被考核单位", "group {group!r} has no units",
        "请为该组别添加单位，或删除该组别", "add units to the group or remove it"),
    "unknown-component": (
        "考核构成 “{component}” 未定义（已定义：{known}）", "component {component!r} is not "
        "defined (defined: {known})",
        "请改为已定义的考核构成编号", "use a defined component id"),
    "not-an-indicators-component": (
        "指标所属的考核构成 “{component}” 不是指标类构成（类型为 {component_kind}）",
        "component {component!r} holds no indicators (its kind is {component_kind})",
        "指标只能归入 kind 为 indicators 的考核构成", "put indicators only in a component of "
        "kind indicators"),
    "unknown-lead-department": (
        "牵头考核部门 “{department}” 不在方案的牵头部门名单中（名单：{known}）",
        "lead department {department!r} is not in the scheme's list ({known})",
        "请改为名单中的部门编号，或在 lead_departments 中添加该部门",
        "use a listed department id, or add the department to lead_departments"),
    "unknown-unit": (
        "单位 “{unit}” 不是方案中的被考核单位", "{unit!r} is not a unit of the scheme",
        "请检查单位编号是否写错", "check the unit id for typos"),
    "missing-weights": (
        "考核组别 “{group}” 没有设置各考核构成的权重", "group {group!r} has no component weights",
        "请在 component_weights 中为该组别设置权重", "set the group's weights in "
        "component_weights"),
    "weights-sum": (
        "考核组别 “{group}” 的构成权重合计为 {total}，应为 1",
        "the component weights of group {group!r} sum to {total}, not 1",
        "请调整权重使合计等于 1，如 0.45 + 0.3 + 0.15 + 0.1",
        "adjust the weights to sum to 1, e.g. 0.45 + 0.3 + 0.15 + 0.1"),
    "rater-weights-sum": (
        "各测评主体的权重合计为 {total}，应为 1",
        "the rater-group weights sum to {total}, not 1",
        "请调整测评主体权重使合计等于 1", "adjust the rater weights to sum to 1"),
    "full-scores-sum": (
        "“{group}”组别的 {count} 项“{component}”指标满分合计为 {total}，应等于该构成的满分 {full}",
        "the {count} indicators of {component!r} for group {group!r} have full scores summing "
        "to {total}, not the component's {full}",
        "请调整指标的满分（责任分值），或检查指标的适用组别",
        "adjust the indicators' full scores, or check which groups they apply to"),
    "missing-bands": (
        "考核组别 “{group}” 没有设置等次分数线", "group {group!r} has no grade bands",
        "请在 grading.bands 中为该组别设置分数线", "add the group's bands to grading.bands"),
    "unknown-grade": (
        "等次 “{grade}” 不在方案的等次列表中（{known}）", "grade {grade!r} is not one of the "
        "scheme's grades ({known})",
        "请改为等次列表中的名称", "use one of the listed grades"),
    "bands-order": (
        "“{group}”组别的等次分数线应从高到低排列：{low} 不低于上一档的 {previous}",
        "the bands of group {group!r} must descend: {low} is not below the previous {previous}",
        "请按等次从好到差、分数线从高到低排列", "list the bands best first, minimums descending"),
    "bands-floor": (
        "“{group}”组别最低一档的分数线为 {low}，应为 0（否则低于 {low} 分的单位没有等次）",
        "the lowest band of group {group!r} starts at {low}, not 0 (a unit below it would get "
        "no grade)",
        "请把最后一档的分数线设为 0", "set the last band's minimum to 0"),
    "bad-tie-breaker": (
        "并列排序规则 “{rule_text}” 无效，应为 component:构成编号（可用：{known}）",
        "tie-breaker {rule_text!r} is not valid; use component:<id> ({known})",
        *_SCHEME_HINT),
    "tiers-order": (
        "分档的起点应{order}排列且互不相同：{low} 排在 {previous} 之后",
        "tier thresholds must be {order} and distinct: {low} comes after {previous}",
        "请按从差到好的顺序列出各档", "list the tiers from worst to best"),
    "tiers-points": (
        "更好一档的得分 {points} 低于上一档的 {previous}",
        "a better tier earns {points}, less than the previous tier's {previous}",
        "请检查各档得分，档次越好得分应越高", "better tiers should earn more points"),
    "points-above-full": (
        "得分 {points} 超过该指标的满分 {full}", "{points} points exceed the indicator's full "
        "score {full}",
        "请把得分改为不超过满分，或调整满分", "keep points within the full score"),
    "worst-equals-best": (
        "功效系数法的不允许值与满意值相同（{value_text}），无法计算",
        "efficacy: worst and best are equal ({value_text}); nothing can be scored",
        "请设置不同的不允许值和满意值，或改为 use_group: true",
        "set different worst and best values, or use_group: true"),
    "worst-best-direction": (
        "满意值 {best} 与不允许值 {worst} 的大小关系与指标方向（{direction}）不一致",
        "best {best} and worst {worst} contradict the indicator's direction ({direction})",
        "请检查指标方向（direction）或交换满意值与不允许值",
        "check the direction, or swap best and worst"),
    "floor-above-full": (
        "最低分 {floor} 高于满分（最高分）{full}", "the floor {floor} is above the full "
        "score (maximum) {full}",
        "请把最低分改为不超过满分", "set the floor at or below the full score"),
    "base-out-of-range": (
        "基准分 {base} 不在最低分 {low} 与最高分 {high} 之间", "the base {base} is not between "
        "the minimum {low} and the maximum {high}",
        *_SCHEME_HINT),
    "per-item-above-cap": (
        "每项加分 {per_item} 大于加分上限 {cap}", "per_item {per_item} is above the cap {cap}",
        *_SCHEME_HINT),
    "rating-no-full": (
        "评级得分比例最高只有 {best}，没有任何评级能得满分",
        "the best rating earns only {best} of full marks; no rating earns full marks",
        "如属有意设置可忽略；否则请把最好评级的比例设为 1",
        "ignore if intended; otherwise give the best rating a share of 1"),
    "missing-target": (
        "按 {method} 计分需要目标值，但有 {count} 个单位没有目标值（{units}）",
        "{method} needs a target, but {count} unit(s) have none ({units})",
        "请设置默认目标值 target，或在 targets 中为这些单位设置目标值",
        "set a default target, or the units' targets"),
}
