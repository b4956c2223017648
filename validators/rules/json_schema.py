"""JSON Schema validation of the seven documents, with located, readable problems.

Each problem says where (`json_path` and `path`), which rule (a stable kebab-case slug
taken from the jsonschema keyword), the offending value, and a message in Chinese a
clerk can act on (English in `message_en`).

>>> entry = {"unit_id": "altay_city", "period": "Q1", "score": "abc"}
>>> doc = {"kind": "routine", "scheme_id": "altay-2016", "year": 2016, "entries": [entry]}
>>> schema_problems(doc)[0].message
'得分：应为数字，实际为 “abc”'
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from kaohe.errors import DocumentError, KaoheError
from validators.reading.locate import format_json_path
from validators.rules.quick_check import Check, compile_check

if TYPE_CHECKING:  # jsonschema is imported when a document is not surely valid (rarely)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = [
    "KINDS",
    "SchemaProblem",
    "UnknownKind",
    "format_json_path",
    "load_schema",
    "schema_problems",
    "validate_document",
]

KINDS: tuple[str, ...] = (
    "scheme", "unit_report", "lead_scores", "adjustments", "routine", "ballots", "results",
    "roster", "cadre_ballots", "sanctions",
)
IDENTIFIER_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

_TYPE_ZH = {
    "number": "数字", "integer": "整数", "string": "文字", "boolean": "是/否（true 或 false）",
    "object": "一组“名称: 值”（对象）", "array": "列表", "null": "空",
}
_TYPE_EN = {"object": "an object", "array": "a list", "null": "null", "integer": "an integer"}
# When several rules fail at one place, report only the most telling one.
_PRIORITY = ("required", "additional-properties", "type", "const", "enum", "format", "pattern")


class UnknownKind(KaoheError, ValueError):
    """The document kind is not one of KINDS."""

    def __init__(self, kind: object) -> None:
        names = "、".join(KINDS)
        super().__init__(f"未知的文档类型 “{kind}”，应为以下之一：{names}",
                         f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}")
        self.kind = kind


@dataclass(frozen=True)
class SchemaProblem:
    """One place where a document breaks its schema."""

    json_path: str
    path: tuple[str | int, ...]
    field: str
    rule: str
    value: Any
    message: str
    message_en: str
    expected: str


@cache
def _schema(kind: str) -> dict[str, Any]:
    if kind not in KINDS:
        raise UnknownKind(kind)
    source = resources.files("validators").joinpath("schemas", f"{kind}.schema.json")
    loaded: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _valid_check(kind: str) -> Check | None:
    return compile_check(_schema(kind))


def _surely_valid(document: Any, kind: str) -> bool:
    """The compiled check's word that there is nothing for jsonschema to find."""
    check = _valid_check(kind)
    try:
        return check is not None and check(document)
    except Exception:  # noqa: BLE001 - jsonschema will meet (and raise) the same
        return False


def load_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a document kind (a copy; the parsed file is cached).

    Example: ``load_schema("scheme")["$id"]`` is
    ``"https://kaohe.example/schemas/scheme.schema.json"``.
    """
    return copy.deepcopy(_schema(kind))


def schema_problems(document: Any, kind: str | None = None) -> list[SchemaProblem]:
    """Every schema problem of a document, sorted by path; kind defaults to document["kind"].

    Example: ``schema_problems({"kind": "routine"})`` lists the missing scheme_id, year, entries.
    """
    if kind is None:
        if not isinstance(document, Mapping):
            return [SchemaProblem("$", (), "", "type", document,
                                  f"文档应为一组“名称: 值”（JSON 对象），实际为 {_show(document)}",
                                  f"a document must be a JSON object, got {_show_en(document)}",
                                  "object")]
        given = document.get("kind")
        if given not in KINDS:
            return [_kind_problem(given, "kind" in document)]
        kind = str(given)
    if _surely_valid(document, kind):  # nearly every document: skip jsonschema's walk
        return []
    errors = sorted(_validator(kind).iter_errors(document),
                    key=lambda e: _sort_key(e.absolute_path))
    best: dict[str, SchemaProblem] = {}
    for error in errors:
        for problem in _problems(error, _schema(kind)):
            kept = best.get(problem.json_path)
            if kept is None or _rank(problem.rule) < _rank(kept.rule):
                best[problem.json_path] = problem
    return sorted(best.values(), key=lambda p: (_sort_key(p.path), _rank(p.rule)))


def validate_document(document: Any, kind: str | None = None) -> None:
    """Raise DocumentError listing (json_path, message) when the document breaks its schema.

    Example: ``validate_document(json.load(open("scheme.json")))`` returns None when valid.
    """
    problems = schema_problems(document, kind)
    if problems:
        name = kind or (document.get("kind") if isinstance(document, Mapping) else None)
        raise DocumentError(str(name or "document"),
                            [(p.json_path, p.message) for p in problems])


# ---------------------------------------------------------------- building problems

def _sort_key(path: Iterable[str | int]) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, key, "") if isinstance(key, int) else (1, 0, str(key)) for key in path)


def _rank(rule: str) -> int:
    return _PRIORITY.index(rule) if rule in _PRIORITY else len(_PRIORITY)


def _slug(keyword: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", keyword).lower()


def _kind_problem(given: object, present: bool) -> SchemaProblem:
    names = "、".join(KINDS)
    if not present:
        return SchemaProblem("$.kind", ("kind",), "kind", "required", None,
                             f"缺少必填项 “kind”（文档类型），应为以下之一：{names}",
                             f'missing required field "kind" (one of {", ".join(KINDS)})',
                             'field "kind"')
    return SchemaProblem("$.kind", ("kind",), "kind", "enum", given,
                         f"文档类型应为以下之一：{names}，实际为 {_show(given)}",
                         f"kind must be one of {', '.join(KINDS)}, got {given!r}",
                         " | ".join(KINDS))


def _problems(error: ValidationError, root: Mapping[str, Any]) -> list[SchemaProblem]:
    keyword = str(error.validator)
    if keyword in ("anyOf", "oneOf") and error.context and "x-message" not in error.schema:
        from jsonschema.exceptions import best_match

        return _problems(best_match(error.context), root)
    path = tuple(error.absolute_path)
    if keyword == "required":
        return [_required(error, path, root)]
    if keyword == "additionalProperties" and error.validator_value is False:
        return [_extra(error, path, name) for name in _extras(error)]
    title = error.schema.get("title") if isinstance(error.schema, Mapping) else None
    if "propertyNames" in error.relative_schema_path:
        # The offending instance is a key of the object at `path`: name the object, point at
        # the key.
        title = _title_at(root, path)
        path = (*path, str(error.instance))
    zh, en, expected = _describe(error)
    title = title or _title_at(root, path)
    field = _field(path)
    label_zh = f"{title}：" if title else (f"“{field}”：" if field else "")
    label_en = f"{field}: " if field else ""
    return [SchemaProblem(format_json_path(path), path, field, _slug(keyword), error.instance,
                          label_zh + zh, label_en + en, expected)]


def _field(path: Sequence[str | int]) -> str:
    for key in reversed(path):
        if isinstance(key, str):
            return key
    return ""


def _title_at(root: Mapping[str, Any], path: Sequence[str | int]) -> str | None:
    """Title of the property schema at a document path, following properties/items/$ref.

    Fallback for errors raised by a bare sub-schema (e.g. `then: {required: [...]}`).
    """
    node: Any = root
    for key in path:
        node = _deref(root, node)
        if not isinstance(node, Mapping):
            return None
        if isinstance(key, int):
            node = node.get("items")
        elif key in node.get("properties", {}):
            node = node["properties"][key]
        else:
            node = node.get("additionalProperties")
    node = _deref(root, node)
    title = node.get("title") if isinstance(node, Mapping) else None
    return str(title) if title else None


def _deref(root: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and str(node.get("$ref", "")).startswith("#/$defs/"):
        node = root.get("$defs", {}).get(node["$ref"].removeprefix("#/$defs/"))
    return node


def _required(error: ValidationError, path: tuple[str | int, ...],
              root: Mapping[str, Any]) -> SchemaProblem:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    missing = [name for name in error.validator_value if name not in instance]
    # jsonschema yields one error per missing property; its message starts with that name.
    name = next((m for m in missing if error.message.startswith(repr(m))), missing[0])
    full = (*path, name)
    props = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
    title = props.get(name, {}).get("title") if isinstance(props.get(name), Mapping) else None
    title = title or _title_at(root, full)
    hint = f"（{title}）" if title else ""
    return SchemaProblem(format_json_path(full), full, name, "required", None,
                         f"缺少必填项 “{name}”{hint}", f'missing required field "{name}"',
                         f'field "{name}"')


def _extras(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    known = error.schema.get("properties", {})
    patterns = error.schema.get("patternProperties", {})
    return sorted(str(k) for k in instance
                  if k not in known and not any(re.search(p, str(k)) for p in patterns))


def _extra(error: ValidationError, path: tuple[str | int, ...], name: str) -> SchemaProblem:
    allowed = list(error.schema.get("properties", {}))
    full = (*path, name)
    return SchemaProblem(
        format_json_path(full), full, name, "additional-properties", error.instance.get(name),
        f"不认识的字段 “{name}”（可能拼写有误；允许的字段：{'、'.join(allowed)}）",
        f'unknown field "{name}" (allowed: {", ".join(allowed)})',
        "only: " + ", ".join(allowed))


def _describe(error: ValidationError) -> tuple[str, str, str]:
    """(message in Chinese, message in English, expected) for one failed keyword."""
    keyword, rule, value = str(error.validator), error.validator_value, error.instance
    got_zh, got_en = f"，实际为 {_show(value)}", f", got {_show_en(value)}"
    if keyword == "type":
        types = [rule] if isinstance(rule, str) else list(rule)
        wanted = [t for t in types if t != "null"]
        zh = "或".join(_TYPE_ZH.get(t, t) for t in wanted)
        blank = "（也可留空）" if "null" in types and wanted else ""
        en = " or ".join(_TYPE_EN.get(t, f"a {t}") for t in types)
        return f"应为{zh}{got_zh}{blank}", f"expected {en}{got_en}", " or ".join(types)
    if keyword == "enum":
        choices = "、".join(str(c) for c in rule)
        return (f"取值应为以下之一：{choices}{got_zh}",
                f"must be one of {', '.join(map(str, rule))}{got_en}", " | ".join(map(str, rule)))
    if keyword == "const":
        return f"应为 {_show(rule)}{got_zh}", f"must be {_show_en(rule)}{got_en}", json.dumps(rule)
    bounds = {"minimum": ("不小于", ">="), "exclusiveMinimum": ("大于", ">"),
              "maximum": ("不大于", "<="), "exclusiveMaximum": ("小于", "<")}
    if keyword in bounds:
        zh, sign = bounds[keyword]
        return f"应{zh} {rule}{got_zh}", f"must be {sign} {rule}{got_en}", f"{sign} {rule}"
    if keyword == "format" and rule == "date" or keyword == "pattern" and rule == DATE_PATTERN:
        return (f"{_show(value)} 不是有效日期，应写成 年-月-日，如 2017-01-10",
                f"{_show_en(value)} is not a valid date; write YYYY-MM-DD, e.g. 2017-01-10",
                "date (YYYY-MM-DD)")
    if keyword == "pattern" and rule == IDENTIFIER_PATTERN:
        return (f"{_show(value)} 不是有效编号：应以英文字母开头，只含英文字母、数字和 _ . -",
                f"{_show_en(value)} is not a valid identifier: start with a letter, then "
                "letters, digits, _ . -", rule)
    if keyword == "pattern" and "x-message" in error.schema:
        return (f"{_show(value)} {error.schema['x-message']}",
                f"{_show_en(value)} {error.schema.get('x-message-en', 'does not match ' + rule)}",
                rule)
    if keyword == "pattern":
        return (f"{_show(value)} 的写法不符合要求（{rule}）",
                f"{_show_en(value)} does not match {rule}", rule)
    if keyword == "format":
        return f"{_show(value)} 不是有效的 {rule}", f"{_show_en(value)} is not a valid {rule}", rule
    if keyword == "minItems":
        return f"至少需要 {rule} 项{got_zh}", f"needs at least {rule} item(s)", f">= {rule} items"
    if keyword == "maxItems":
        return f"最多 {rule} 项", f"at most {rule} item(s)", f"<= {rule} items"
    if keyword == "minProperties":
        return f"至少需要 {rule} 项", f"needs at least {rule} entr(ies)", f">= {rule} entries"
    if keyword == "uniqueItems":
        return f"列表中有重复项{got_zh}", f"items must be unique{got_en}", "unique items"
    if keyword == "minLength":
        zh = "不能为空" if rule == 1 else f"至少 {rule} 个字符"
        return zh, f"must have at least {rule} character(s)", f">= {rule} characters"
    if keyword == "maxLength":
        return f"最多 {rule} 个字符", f"at most {rule} character(s)", f"<= {rule} characters"
    if keyword in ("anyOf", "oneOf") and isinstance(error.schema, Mapping):
        zh = error.schema.get("x-message", "不符合任何一种允许的写法")
        en = error.schema.get("x-message-en", "matches none of the allowed shapes")
        return zh, en, en
    return f"不符合要求（{keyword}）", error.message, keyword


def _show(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, (int, float)):
        return str(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _show_en(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return "null" if value is None else _show(value)
