"""One Chinese wording for what a checked value should have been (cells, variables, options)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import pytest
from pydantic import Field, TypeAdapter, ValidationError

from assistant.config import load_settings
from assistant.errors import ConfigError
from assistant.validation import expectation


def first_error(kind: Any, value: object) -> Any:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(kind).validate_python(value)
    return info.value.errors()[0]


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (int, "十", "应为整数"),
        (float, "很高", "应为数字"),
        (Annotated[int, Field(ge=1, le=100)], 0, "不应小于 1"),
        (Annotated[float, Field(ge=0, le=100)], 120, "不应大于 100"),
        (date, "2025/3/15", "应为日期，格式如 2025-03-15"),
        (Literal["md", "docx"], "pdf", "只能是 'md' 或 'docx'"),
        (bool, "也许", "应为 是 或 否"),
    ],
)
def test_expectation_in_chinese(kind: Any, value: object, expected: str) -> None:
    assert expectation(first_error(kind, value)) == expected


def test_expectation_without_a_wording_keeps_the_original_message() -> None:
    error = first_error(Annotated[str, Field(pattern=r"^\d+$")], "abc")
    assert expectation(error).startswith("无效（") and "pattern" in expectation(error)


def test_load_settings_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEZHUAN_EMBED_BATCH_SIZE", "0")
    with pytest.raises(ConfigError, match="KEZHUAN_EMBED_BATCH_SIZE 的值“0”不应小于 1"):
        load_settings()
