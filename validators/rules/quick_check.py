"""A compiled yes/no check of a document against its JSON Schema, for the common case.

jsonschema's `iter_errors` builds a validator for every node it visits, so a valid document
(nearly every submission) pays for the whole walk only to hear "no problems". `compile_check`
turns a schema once into nested closures that answer valid or not, with jsonschema's own
semantics: its draft 2020-12 types (1.0 is an integer, True is not a number), its `equal`
and `uniq` for enum, const and uniqueItems, its format checker, `re.search` for patterns.
A keyword it does not know makes it give up (None): jsonschema then does all the work, as
before. A document it finds invalid is walked by jsonschema, which finds and locates the
problems, so no finding depends on this module.

>>> check = compile_check({"type": "object", "required": ["year"],
...                        "properties": {"year": {"type": "integer", "minimum": 2000}}})
>>> check({"year": 2016}), check({"year": 1999}), check({"year": 2016.0}), check({})
(True, False, True, False)
"""

from __future__ import annotations

import itertools
import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

__all__ = ["Check", "compile_check"]

Check = Callable[[Any], bool]

# Nothing here imports jsonschema (0.03–0.1 s): a document the compiled check passes is
# valid without it. Its few pieces the check needs are below, each as jsonschema 4 has it;
# tests hold them to the installed jsonschema's (the keywords, equal, uniq, "date").

# Keywords jsonschema's Draft 2020-12 validator acts on (Draft202012Validator.VALIDATORS);
# any other key (title, x-message, then without if …) it ignores, and so does the check.
_KEYWORDS = frozenset({
    "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains",
    "dependentRequired", "dependentSchemas", "enum", "exclusiveMaximum", "exclusiveMinimum",
    "format", "if", "items", "maxItems", "maxLength", "maxProperties", "maximum", "minItems",
    "minLength", "minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern",
    "patternProperties", "prefixItems", "properties", "propertyNames", "required", "type",
    "unevaluatedItems", "unevaluatedProperties", "uniqueItems"})
_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(instance: object) -> bool:
    """jsonschema's "date" format: not a string, or YYYY-MM-DD that is a real date."""
    if not isinstance(instance, str):
        return True
    try:
        return bool(_RE_DATE.fullmatch(instance) and date.fromisoformat(instance))
    except ValueError:
        return False


#: The formats the check knows (jsonschema's FORMAT_CHECKER); any other: the full walk.
_FORMATS: dict[str, Check] = {"date": _is_date}


_TRUE, _FALSE = object(), object()


def _unbool(element: Any) -> Any:
    """jsonschema._utils.unbool: True and 1, False and 0 told apart."""
    if element is True:
        return _TRUE
    if element is False:
        return _FALSE
    return element


def equal(one: Any, two: Any) -> bool:
    """jsonschema._utils.equal: == without bool being an int, into sequences and mappings."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(i, j) for i, j in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(key in two and equal(value, two[key])
                                            for key, value in one.items())
    return bool(_unbool(one) == _unbool(two))


def uniq(container: Any) -> bool:
    """jsonschema._utils.uniq: whether all of a container's elements are unique."""
    try:
        ordered = sorted(_unbool(i) for i in container)
        for i, j in zip(ordered, itertools.islice(ordered, 1, None), strict=False):
            if equal(i, j):
                return False
    except (NotImplementedError, TypeError):
        seen: list[Any] = []
        for e in container:
            e = _unbool(e)
            if any(equal(i, e) for i in seen):
                return False
            seen.append(e)
    return True


def _is_number(x: Any) -> bool:
    kind = type(x)
    if kind is float or kind is int:
        return True
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    kind = type(x)
    if kind is int:
        return True
    if kind is bool:
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPES: dict[str, Check] = {
    "array": lambda x: isinstance(x, list), "boolean": lambda x: isinstance(x, bool),
    "integer": _is_integer, "null": lambda x: x is None, "number": _is_number,
    "object": lambda x: isinstance(x, dict), "string": lambda x: isinstance(x, str),
}


class _Unsupported(Exception):
    """A keyword (or a form of one) this module does not compile."""


def compile_check(schema: Mapping[str, Any] | bool) -> Check | None:
    """A function telling whether an instance is valid under `schema`, or None when the
    schema uses anything this module does not compile."""
    try:
        return _Compiler(schema).compile(schema, root=True)
    except _Unsupported:
        return None


def _always(x: Any) -> bool:
    return True


def _never(x: Any) -> bool:
    return False


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def check(x: Any) -> bool:
        for one in checks:
            if not one(x):
                return False
        return True
    return check


class _Compiler:
    def __init__(self, root: Mapping[str, Any] | bool) -> None:
        self.root = root
        self.refs: dict[str, list[Check]] = {}

    def compile(self, schema: Any, root: bool = False) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise _Unsupported(repr(schema)[:40])
        checks = []
        for key, value in schema.items():
            if key in ("$id", "$schema", "$anchor", "$dynamicAnchor") and not root:
                raise _Unsupported(key)  # they change what a reference points to
            if key not in _KEYWORDS:
                continue
            build = getattr(self, "k_" + ("ref" if key == "$ref" else key), None)
            if build is None:
                raise _Unsupported(key)
            checks.append(build(value, schema))
        return _all(checks)

    # -- any instance
    def k_type(self, value: Any, schema: Any) -> Check:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or any(n not in _TYPES for n in names):
            raise _Unsupported("type")
        tests = [_TYPES[n] for n in names]
        return tests[0] if len(tests) == 1 else (lambda x: any(t(x) for t in tests))

    def k_enum(self, value: Any, schema: Any) -> Check:
        return lambda x: any(equal(each, x) for each in value)

    def k_const(self, value: Any, schema: Any) -> Check:
        return lambda x: bool(equal(x, value))

    def k_format(self, value: Any, schema: Any) -> Check:
        if value not in _FORMATS:
            raise _Unsupported(f"format {value!r}")
        return _FORMATS[value]

    def k_allOf(self, value: Any, schema: Any) -> Check:
        return _all([self.compile(s) for s in value])

    def k_anyOf(self, value: Any, schema: Any) -> Check:
        subs = [self.compile(s) for s in value]
        return lambda x: any(s(x) for s in subs)

    def k_if(self, value: Any, schema: Any) -> Check:
        test = self.compile(value)
        then = self.compile(schema["then"]) if "then" in schema else _always
        else_ = self.compile(schema["else"]) if "else" in schema else _always
        return lambda x: then(x) if test(x) else else_(x)

    def k_ref(self, value: Any, schema: Any) -> Check:
        if value not in self.refs:
            holder: list[Check] = []
            self.refs[value] = holder
            holder.append(self.compile(self._resolve(value)))
        holder = self.refs[value]
        return lambda x: holder[0](x)

    def _resolve(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")) or "%" in ref:
            raise _Unsupported("$ref")
        target: Any = self.root
        for token in ref[1:].split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and token in target:
                target = target[token]
            elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
                target = target[int(token)]
            else:
                raise _Unsupported("$ref")
        if isinstance(target, dict) and "$id" in target:
            raise _Unsupported("$id")
        return target

    # -- numbers and strings
    def k_minimum(self, value: Any, schema: Any) -> Check:
        return lambda x: not _is_number(x) or not x < value

    def k_maximum(self, value: Any, schema: Any) -> Check:
        return lambda x: not _is_number(x) or not x > value

    def k_exclusiveMinimum(self, value: Any, schema: Any) -> Check:
        return lambda x: not _is_number(x) or not x <= value

    def k_exclusiveMaximum(self, value: Any, schema: Any) -> Check:
        return lambda x: not _is_number(x) or not x >= value

    def k_minLength(self, value: Any, schema: Any) -> Check:
        return lambda x: not isinstance(x, str) or len(x) >= value

    def k_maxLength(self, value: Any, schema: Any) -> Check:
        return lambda x: not isinstance(x, str) or len(x) <= value

    def k_pattern(self, value: Any, schema: Any) -> Check:
        search = re.compile(value).search
        return lambda x: not isinstance(x, str) or search(x) is not None

    # -- arrays
    def k_items(self, value: Any, schema: Any) -> Check:
        if "prefixItems" in schema:
            raise _Unsupported("prefixItems")
        item = self.compile(value)
        return lambda x: not isinstance(x, list) or all(item(e) for e in x)

    def k_contains(self, value: Any, schema: Any) -> Check:
        if "minContains" in schema or "maxContains" in schema:
            raise _Unsupported("minContains")
        item = self.compile(value)
        return lambda x: not isinstance(x, list) or any(item(e) for e in x)

    def k_minItems(self, value: Any, schema: Any) -> Check:
        return lambda x: not isinstance(x, list) or len(x) >= value

    def k_maxItems(self, value: Any, schema: Any) -> Check:
        return lambda x: not isinstance(x, list) or len(x) <= value

    def k_uniqueItems(self, value: Any, schema: Any) -> Check:
        if not value:
            return _always
        return lambda x: not isinstance(x, list) or bool(uniq(x))

    # -- objects
    def k_properties(self, value: Any, schema: Any) -> Check:
        subs = [(name, self.compile(sub)) for name, sub in value.items()]

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for name, sub in subs:
                if name in x and not sub(x[name]):
                    return False
            return True
        return check

    def k_required(self, value: Any, schema: Any) -> Check:
        names = list(value)
        return lambda x: not isinstance(x, dict) or all(n in x for n in names)

    def k_additionalProperties(self, value: Any, schema: Any) -> Check:
        if "patternProperties" in schema:
            raise _Unsupported("patternProperties")
        known = schema.get("properties", {})
        if isinstance(value, dict):
            extra = self.compile(value)
            return lambda x: not isinstance(x, dict) or all(
                extra(v) for k, v in x.items() if k not in known)
        if value:
            return _always
        return lambda x: not isinstance(x, dict) or all(k in known for k in x)

    def k_propertyNames(self, value: Any, schema: Any) -> Check:
        name = self.compile(value)
        return lambda x: not isinstance(x, dict) or all(name(k) for k in x)

    def k_minProperties(self, value: Any, schema: Any) -> Check:
        return lambda x: not isinstance(x, dict) or len(x) >= value

    def k_maxProperties(self, value: Any, schema: Any) -> Check:
        return lambda x: not isinstance(x, dict) or len(x) <= value
