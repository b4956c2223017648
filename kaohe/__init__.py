"""kaohe (考核): templates, validation, scoring and consolidated rankings for comprehensive
assessment."""

from kaohe.errors import KaoheError

__all__ = ["KaoheError", "__version__"]
__version__ = "0.1.0"
