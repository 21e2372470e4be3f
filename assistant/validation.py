"""What a value failed to be, in Chinese: one wording for every place untrusted input is checked.

Table cells (``ingest/schema.py``), environment variables (``config.py``) and command-line
option values (``cli.py``) are all checked by pydantic, whose messages are English. The
user should read the same Chinese phrase for the same problem wherever it happens.

Usage example::

    from pydantic import TypeAdapter, ValidationError
    try:
        TypeAdapter(int).validate_python("abc")
    except ValidationError as exc:
        expectation(exc.errors()[0])   # "应为整数"
"""

from __future__ import annotations

from typing import Any

__all__ = ["expectation"]

# pydantic error type → what the value should have been.
EXPECTATIONS = {
    "missing": "必填",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 是 或 否",
    "bool_type": "应为 是 或 否",
    "date_parsing": "应为日期，格式如 2025-03-15",
    "date_from_datetime_parsing": "应为日期，格式如 2025-03-15",
    "datetime_parsing": "应为日期，格式如 2025-03-15",
    "datetime_from_date_parsing": "应为日期，格式如 2025-03-15",
}
# Error types whose limit is in the error's context, with the wording of each.
LIMITS = {
    "greater_than_equal": ("ge", "不应小于 {}"),
    "greater_than": ("gt", "应大于 {}"),
    "less_than_equal": ("le", "不应大于 {}"),
    "less_than": ("lt", "应小于 {}"),
    "string_too_short": ("min_length", "至少 {} 个字"),
    "string_too_long": ("max_length", "最多 {} 个字"),
    "enum": ("expected", "只能是 {}"),
    "literal_error": ("expected", "只能是 {}"),
}


def expectation(error: Any) -> str:
    """What the value should have been, for one entry of ``ValidationError.errors()``.

    :param error: a pydantic error dict (``type``, ``msg``, optional ``ctx``).
    :returns: a short Chinese phrase such as ``应为数字`` or ``不应大于 100``; an error type
        without a Chinese wording keeps pydantic's message in brackets, so nothing is lost.
    """
    kind = str(error.get("type", ""))
    if kind in EXPECTATIONS:
        return EXPECTATIONS[kind]
    context = error.get("ctx") or {}
    if kind in LIMITS and LIMITS[kind][0] in context:
        key, wording = LIMITS[kind]
        limit = context[key]
        return wording.format(f"{limit:g}" if isinstance(limit, float) else str(limit).replace(" or ", " 或 "))
    return f"无效（{error.get('msg', kind)}）"
