"""The one exception base of kaohe; subclasses carry the facts their message is built from."""

from __future__ import annotations

__all__ = ["KaoheError", "SchemeError", "MissingInput", "DocumentError"]


class KaoheError(Exception):
    """Base of every error kaohe raises on purpose."""

    def __init__(self, message: str, message_en: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled whole (both languages and the facts), whatever the subclass's __init__
        # takes: an error raised in another process reads the same here.
        return _rebuild, (type(self), self.args, dict(self.__dict__))


def _rebuild(cls: type[KaoheError], args: tuple[object, ...],
             state: dict[str, object]) -> KaoheError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class SchemeError(KaoheError):
    """The scheme is inconsistent in a way the schema cannot express."""


class MissingInput(KaoheError):
    """A scoring method lacks a value it needs (actual, target, rating, counts …)."""

    def __init__(self, what: str, what_en: str) -> None:
        super().__init__(f"缺少{what}", f"missing {what_en}")
        self.what = what
        self.what_en = what_en


class DocumentError(KaoheError):
    """A document failed its JSON Schema; `problems` lists (json_path, message) pairs."""

    def __init__(self, kind: str, problems: list[tuple[str, str]]) -> None:
        lines = "; ".join(f"{path}: {msg}" for path, msg in problems[:10])
        more = f" (+{len(problems) - 10})" if len(problems) > 10 else ""
        super().__init__(f"{kind} 文档不符合格式: {lines}{more}",
                         f"{kind} document is invalid: {lines}{more}")
        self.kind = kind
        self.problems = problems
