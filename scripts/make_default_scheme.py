"""Writes kaohe/data/altay-2016.scheme.json, the embedded illustrative scheme.

The scheme is data: edit the JSON (or the scheme workbook) for a real year. This script only
exists so the illustrative default can be regenerated and reviewed as code.
Run: python scripts/make_default_scheme.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kaohe" / "data" / "altay-2016.scheme.json"

COUNTIES = [
    ("altay_city", "阿勒泰市", "Altay City"), ("burqin", "布尔津县", "Burqin County"),
    ("fuyun", "富蕴县", "Fuyun County"), ("fuhai", "福海县", "Fuhai County"),
    ("habahe", "哈巴河县", "Habahe County"), ("qinggil", "青河县", "Qinggil County"),
    ("jeminay", "吉木乃县", "Jeminay County"),
]
DEPARTMENTS = {
    "party": ("党群部门", "Party and mass organisations", [
        ("d_dwb", "地委办公室", "Prefecture Party Committee Office"),
        ("d_zzb", "地委组织部", "Organization Department"),
        ("d_xcb", "地委宣传部", "Publicity Department"),
        ("d_tzb", "地委统战部", "United Front Department"),
        ("d_gh", "地区总工会", "Federation of Trade Unions"),
        ("d_tw", "共青团地委", "Communist Youth League"),
        ("d_fl", "地区妇联", "Women's Federation")]),
    "government": ("政府部门", "Government departments", [
        ("d_xsb", "行署办公室", "Administrative Office"),
        ("d_jyj", "地区教育局", "Education Bureau"),
        ("d_wjw", "地区卫生和计划生育委员会", "Health and Family Planning Commission"),
        ("d_mzj", "地区民政局", "Civil Affairs Bureau"),
        ("d_rsj", "地区人力资源和社会保障局", "Human Resources and Social Security Bureau"),
        ("d_zjj", "地区住房和城乡建设局", "Housing and Construction Bureau"),
        ("d_wtj", "地区文体广电局", "Culture, Sports and Broadcasting Bureau"),
        ("d_hbj", "地区环境保护局", "Environmental Protection Bureau")]),
    "law": ("政法部门", "Politics and law departments", [
        ("d_zfw", "地委政法委", "Political and Legal Affairs Commission"),
        ("d_gaj", "地区公安局", "Public Security Bureau"),
        ("d_fy", "地区中级人民法院", "Intermediate People's Court"),
        ("d_jcy", "地区检察分院", "Procuratorate Branch"),
        ("d_sfj", "地区司法局", "Justice Bureau")]),
    "economy": ("经济部门", "Economic departments", [
        ("d_fgw", "地区发展和改革委员会", "Development and Reform Commission"),
        ("d_czj", "地区财政局", "Finance Bureau"),
        ("d_tjj", "地区统计局", "Statistics Bureau"),
        ("d_swj", "地区商务局", "Commerce Bureau"),
        ("d_nyj", "地区农业局", "Agriculture Bureau"),
        ("d_lyj", "地区旅游局", "Tourism Bureau"),
        ("d_jtj", "地区交通运输局", "Transport Bureau")]),
}
LEADS = [
    ("zfw", "地委政法委", "Political and Legal Affairs Commission"),
    ("zzb", "地委组织部", "Organization Department"),
    ("jw", "地区纪委", "Discipline Inspection Commission"),
    ("tjj", "地区统计局", "Statistics Bureau"),
    ("czj", "地区财政局", "Finance Bureau"),
    ("fgw", "地区发改委", "Development and Reform Commission"),
    ("rsj", "地区人社局", "Human Resources and Social Security Bureau"),
    ("fpb", "地区扶贫办", "Poverty Alleviation Office"),
    ("hbj", "地区环保局", "Environmental Protection Bureau"),
    ("ajj", "地区安监局", "Work Safety Bureau"),
    ("sfj", "地区司法局", "Justice Bureau"),
    ("dcs", "两办督查室", "Supervision Office"),
    ("swj", "地区商务局", "Commerce Bureau"),
    ("zkb", "地区综考办", "Comprehensive Assessment Office"),
]
RATINGS = {"好": 1.0, "较好": 0.85, "一般": 0.7, "较差": 0.5}
DEPT_GROUPS = list(DEPARTMENTS)


def ind(id_, name, name_en, category, full, method, lead, *, groups, params=None,
        direction="higher", input_="unit_report", region=False, constraint=False,
        measure_unit="", target=None, targets=None, evidence_over=None, negative=None):
    """One indicator document; keyword names mirror the schema."""
    doc = {
        "id": id_, "name": name, "name_en": name_en, "category": category,
        "component": "year_end", "full_score": full, "method": method, "params": params or {},
        "direction": direction, "groups": groups, "lead_department": lead, "source": "year_end",
        "input": input_, "region_assigned": region, "constraint": constraint,
        "measure_unit": measure_unit,
    }
    if target is not None:
        doc["target"] = target
    if targets:
        doc["targets"] = targets
    if evidence_over is not None:
        doc["evidence_required_over"] = evidence_over
    if negative is not None:  # a rate that can fall below 0 (or a share that cannot)
        doc["may_be_negative"] = negative
    return doc


def per_county(base, spread):
    """Per-unit targets: an illustrative spread around a base value."""
    return {cid: round(base * (1 + spread * ((i % 4) - 1.5) / 1.5), 1)
            for i, (cid, _, _) in enumerate(COUNTIES)}


def county_indicators():
    g = ["county"]
    return [
        ind("C01", "维护社会稳定和长治久安", "Social stability", "社会稳定", 12, "rating", "zfw",
            groups=g, params={"ratings": RATINGS}, input_="lead_department"),
        ind("C02", "党的建设", "Party building", "党的建设", 10, "rating", "zzb", groups=g,
            params={"ratings": RATINGS}, input_="lead_department"),
        ind("C03", "党风廉政建设", "Clean government", "党的建设", 6, "deduction", "jw", groups=g,
            params={"per_incident": 1.0, "floor": 0}, input_="lead_department",
            direction="lower", measure_unit="起"),
        ind("C04", "地区生产总值增长", "GDP growth", "经济发展", 8, "completion", "tjj", groups=g,
            params={"cap": 1.0}, region=True, measure_unit="%", target=7.0,
            targets=per_county(7.0, 0.1), evidence_over=1.2, negative=True),
        ind("C05", "一般公共预算收入", "General budget revenue", "经济发展", 6, "completion", "czj",
            groups=g, params={"cap": 1.0}, region=True, measure_unit="万元", target=60000,
            targets=per_county(60000, 0.5), evidence_over=1.2),
        ind("C06", "固定资产投资增长", "Fixed-asset investment growth", "经济发展", 5, "efficacy",
            "fgw", groups=g, params={"use_group": True, "base_share": 0.6}, measure_unit="%",
            negative=True),
        ind("C07", "城乡居民人均可支配收入增长", "Per-capita disposable income growth", "民生改善",
            6, "benchmark", "tjj", groups=g, measure_unit="%", negative=True),
        ind("C08", "重点民生项目完成率", "Key livelihood projects completed", "民生改善", 6,
            "tiered", "fgw", groups=g, measure_unit="项", target=20,
            params={"basis": "ratio", "interpolate": True,
                    "tiers": [{"min": 0.6, "points": 2}, {"min": 0.8, "points": 4},
                              {"min": 1.0, "points": 6}]}),
        ind("C09", "城镇新增就业", "New urban jobs", "民生改善", 5, "base_step", "rsj", groups=g,
            params={"base": 4, "step_size": 100, "step_up": 0.2, "step_down": 0.4,
                    "max": 5, "min": 0},
            region=True, measure_unit="人", target=3000, targets=per_county(3000, 0.4)),
        ind("C10", "脱贫攻坚（减贫人数）", "Poverty alleviation (people lifted)", "脱贫攻坚", 8,
            "completion", "fpb", groups=g, params={"cap": 1.0}, region=True, measure_unit="人",
            target=2500, targets=per_county(2500, 0.5), evidence_over=1.2),
        ind("C11", "单位GDP能耗降低", "Energy use per unit of GDP reduced", "生态环保", 4,
            "pass_fail", "fgw", groups=g, params={"fail_points": 0}, region=True,
            constraint=True, measure_unit="%", target=3.0, negative=True),
        ind("C12", "空气质量优良天数比例", "Days of good air quality", "生态环保", 5, "tiered",
            "hbj", groups=g, constraint=True, measure_unit="%", negative=False,
            params={"basis": "value", "interpolate": False,
                    "tiers": [{"min": 80, "points": 2}, {"min": 90, "points": 4},
                              {"min": 95, "points": 5}]}),
        ind("C13", "安全生产（较大以上事故）", "Work safety (serious accidents)", "安全生产", 6,
            "deduction", "ajj", groups=g, params={"per_incident": 2.0, "floor": 0},
            input_="lead_department", direction="lower", region=True, constraint=True,
            measure_unit="起"),
        ind("C14", "政府债务率", "Government debt ratio", "债务风险", 4, "efficacy", "czj",
            groups=g, params={"worst": 120, "best": 60, "base_share": 0.6}, direction="lower",
            constraint=True, measure_unit="%", negative=False),
        ind("C15", "法治建设", "Rule of law", "法治建设", 4, "rating", "sfj", groups=g,
            params={"ratings": RATINGS}, input_="lead_department"),
        ind("C16", "作风效能建设", "Work style and efficiency", "作风效能", 3, "deduction", "dcs",
            groups=g, params={"per_incident": 0.5, "floor": 0}, input_="lead_department",
            direction="lower", measure_unit="次"),
        ind("C17", "招商引资到位资金", "Investment attracted", "经济发展", 2, "rank_points", "swj",
            groups=g, params={"step": 0.25, "min": 0.5}, measure_unit="万元"),
    ]


def department_indicators():
    return [
        ind("D01", "党的建设", "Party building", "党的建设", 20, "rating", "zzb",
            groups=DEPT_GROUPS, params={"ratings": RATINGS}, input_="lead_department"),
        ind("D02", "党风廉政建设", "Clean government", "党的建设", 15, "deduction", "jw",
            groups=DEPT_GROUPS, params={"per_incident": 3.0, "floor": 0},
            input_="lead_department", direction="lower", measure_unit="起"),
        ind("D03", "主要职能目标完成率", "Core targets completed", "职能目标", 30, "completion",
            "dcs", groups=DEPT_GROUPS, params={"cap": 1.0}, measure_unit="项", target=10,
            evidence_over=1.0),
        ind("D04", "重点工作任务推进", "Key tasks progressed", "重点工作", 15, "tiered", "dcs",
            groups=DEPT_GROUPS, measure_unit="项", target=8,
            params={"basis": "ratio", "interpolate": True,
                    "tiers": [{"min": 0.5, "points": 6}, {"min": 0.75, "points": 10},
                              {"min": 1.0, "points": 15}]}),
        ind("D05", "作风效能建设", "Work style and efficiency", "作风效能", 10, "deduction", "dcs",
            groups=DEPT_GROUPS, params={"per_incident": 1.0, "floor": 0},
            input_="lead_department", direction="lower", measure_unit="次"),
        ind("D06", "服务经济发展", "Service to economic development", "经济发展", 10, "rating",
            "fgw", groups=["economy"], params={"ratings": RATINGS}, input_="lead_department"),
        ind("D07", "维护稳定和平安建设", "Stability and public safety", "社会稳定", 10, "rating",
            "zfw", groups=["law"], params={"ratings": RATINGS}, input_="lead_department"),
        ind("D08", "服务基层和群众", "Service to grassroots and the public", "民生改善", 10,
            "rating", "zkb", groups=["party", "government"], params={"ratings": RATINGS},
            input_="lead_department"),
    ]


def bands(top, good, fair):
    return [{"grade": "好", "min": top}, {"grade": "较好", "min": good},
            {"grade": "一般", "min": fair}, {"grade": "较差", "min": 0}]


def cadres():
    """People rules (领导班子和领导干部): illustrative defaults from practice, all editable."""
    return {
        "grades": ["优秀", "称职", "基本称职", "不称职"],
        "ballot_points": {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0},
        "team_ballot_points": {"好": 100, "较好": 80, "一般": 60, "差": 0},
        "rater_groups": [
            {"id": "superiors", "name": "地委行署领导", "name_en": "Prefecture leaders",
             "weight": 0.3},
            {"id": "team", "name": "班子成员", "name_en": "Team members", "weight": 0.2},
            {"id": "midlevel", "name": "中层干部", "name_en": "Middle-level cadres",
             "weight": 0.3},
            {"id": "staff", "name": "干部职工代表", "name_en": "Staff representatives",
             "weight": 0.2},
        ],
        "score_weights": {"ballot": 0.5, "routine": 0.2, "unit": 0.3},
        "grade_bands": [{"grade": "优秀", "min": 90}, {"grade": "称职", "min": 70},
                        {"grade": "基本称职", "min": 60}, {"grade": "不称职", "min": 0}],
        "team": {"unit_weight": 0.6, "ballot_weight": 0.4,
                 "bands": [{"grade": "好", "min": 90}, {"grade": "较好", "min": 80},
                           {"grade": "一般", "min": 65}, {"grade": "较差", "min": 0}],
                 "not_above_unit_grade": True, "gated_best": "较好", "vetoed_grade": "较差"},
        "excellent_quota": {"grade": "优秀", "share": 0.2,
                            "by_unit_grade": {"好": 0.3, "较好": 0.2, "一般": 0.15, "较差": 0},
                            "gated_share": 0.1, "vetoed_share": 0,
                            "rounding": "round_half_up"},
        "unit_gates_apply_to": ["team", "principal"],
        "sanctions": [
            {"id": "warning", "name": "警告", "name_en": "Warning", "severity": 1,
             "best_grade": "称职", "years": 1},
            {"id": "demerit", "name": "记过", "name_en": "Demerit", "severity": 2,
             "best_grade": None, "years": 1},
            {"id": "major_demerit", "name": "记大过", "name_en": "Major demerit", "severity": 3,
             "best_grade": None, "years": 2},
            {"id": "demotion", "name": "降级", "name_en": "Demotion", "severity": 4,
             "best_grade": None, "years": 2},
            {"id": "dismissal", "name": "撤职", "name_en": "Removal from post", "severity": 5,
             "best_grade": None, "years": 2},
        ],
        "alerts": {"approval_min": "2/3", "approval_action": "诫勉谈话或组织调整",
                   "approval_action_en": "admonishing talk or reassignment",
                   "disapproval_max": "1/3", "disapproval_action": "免职或降职审查",
                   "disapproval_action_en": "review for removal or demotion"},
        "bonus_cancellation": [
            {"id": "B01", "name": "年度考核确定为不称职等次", "when_grade": ["不称职"]},
            {"id": "B02", "name": "受到记过以上处分", "when_sanction": [
                "demerit", "major_demerit", "demotion", "dismissal"]},
            {"id": "B03", "name": "被诫勉谈话或组织处理"},
            {"id": "B04", "name": "违反中央八项规定精神受到通报"},
            {"id": "B05", "name": "分管领域发生重大安全责任事故"},
            {"id": "B06", "name": "无正当理由拒不执行上级决定"},
            {"id": "B07", "name": "旷工或者因公外出、请假期满无正当理由逾期不归累计超过5天"},
            {"id": "B08", "name": "在考核中弄虚作假"},
            {"id": "B09", "name": "被区级以上通报批评"},
            {"id": "B10", "name": "推诿扯皮、慢作为、不作为造成不良影响"},
        ],
        "merit_ladder": [{"run": 1, "merit": "嘉奖", "merit_en": "commendation"},
                         {"run": 3, "merit": "记三等功", "merit_en": "third-class merit"}],
        "unsatisfactory_run": 2,
    }


def scheme():
    groups = [{"id": "county", "name": "县市", "name_en": "Counties and city"}]
    units = [{"id": i, "name": n, "name_en": e, "group": "county"} for i, n, e in COUNTIES]
    for gid, (gname, gname_en, members) in DEPARTMENTS.items():
        groups.append({"id": gid, "name": gname, "name_en": gname_en})
        units += [{"id": i, "name": n, "name_en": e, "group": gid} for i, n, e in members]
    county_w = {"year_end": 0.45, "routine": 0.30, "satisfaction": 0.15, "conduct": 0.10}
    dept_w = {"year_end": 0.40, "routine": 0.35, "satisfaction": 0.15, "conduct": 0.10}
    return {
        "kind": "scheme",
        "scheme_id": "altay-2016",
        "version": "1",
        "year": 2016,
        "name": "阿勒泰地区2016年度县市和地直部门综合考核方案（示例）",
        "name_en": "Altay Prefecture 2016 comprehensive assessment of counties and departments "
                   "(illustrative)",
        "illustrative": True,
        "description": "示例方案：依据《阿勒泰地区综合考核工作调研报告》的指标类别与规则编制，"
                       "分值、目标和权重均为演示用途，不代表真实考核结果。",
        "template_password": None,
        "rounding": {"digits": 2, "mode": "half_up"},
        "groups": groups,
        "units": units,
        "lead_departments": [{"id": i, "name": n, "name_en": e} for i, n, e in LEADS],
        "components": [
            {"id": "year_end", "name": "年终考核", "name_en": "Year-end performance",
             "kind": "indicators", "full_score": 100},
            {"id": "routine", "name": "平时考核", "name_en": "Routine assessment",
             "kind": "routine", "full_score": 100},
            {"id": "satisfaction", "name": "群众满意度", "name_en": "Public satisfaction",
             "kind": "satisfaction", "full_score": 100},
            {"id": "conduct", "name": "德和作风测评", "name_en": "Virtue and work-style ballot",
             "kind": "conduct", "full_score": 100},
        ],
        "component_weights": {"county": county_w, **{g: dept_w for g in DEPARTMENTS}},
        "indicators": county_indicators() + department_indicators(),
        "ballot": {"grades": [{"label": "好", "points": 100}, {"label": "较好", "points": 80},
                              {"label": "一般", "points": 60}, {"label": "差", "points": 0}]},
        "rater_groups": [
            {"id": "superiors", "name": "地委行署领导", "name_en": "Prefecture leaders",
             "weight": 0.35},
            {"id": "peers", "name": "县级领导干部", "name_en": "County-level cadres",
             "weight": 0.25},
            {"id": "staff", "name": "本单位干部职工", "name_en": "Own staff", "weight": 0.2},
            {"id": "public", "name": "服务对象和群众代表", "name_en": "Public representatives",
             "weight": 0.2},
        ],
        "satisfaction": {"options": [{"label": "满意", "points": 100},
                                     {"label": "基本满意", "points": 70},
                                     {"label": "不满意", "points": 0},
                                     {"label": "不了解", "excluded": True}]},
        "routine": {"periods": ["Q1", "Q2", "Q3", "Q4"]},
        "adjustments": {"bonus_caps": {"荣誉表彰": 2, "创新工作": 1, "察访核验": 1},
                        "bonus_cap_total": 3, "deduction_cap_total": None},
        "gates": {"region_loss_share": 0.2, "notification_disqualifies": True,
                  "veto_grade": "较差"},
        "grading": {
            "grades": ["好", "较好", "一般", "较差"],
            "bands": {"county": bands(90, 80, 65), **{g: bands(90, 80, 65) for g in DEPARTMENTS}},
            "quotas": [{"grade": "好", "max_share": 0.3, "rounding": "floor"}],
        },
        "tie_breakers": ["component:year_end", "component:routine", "component:satisfaction"],
        "cadres": cadres(),
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(scheme(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(OUT)
