"""Reading evaluation sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import InputError

__all__ = ["read_jsonl"]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON Lines file, blank lines skipped.

    :raises InputError: the file is missing.
    """
    if not path.exists():
        raise InputError(f"找不到评测数据：{path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
