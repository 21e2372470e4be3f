"""File names made from what a user typed: one rule for every document the product writes.

A slug keeps letters, digits (any script, so Chinese titles stay readable), ``_`` and
``-``; every other run of characters — ``/``, ``.``, spaces, line breaks, ``:`` — becomes
one ``-``, and leading or trailing ``-``/``_`` go. A slug therefore never names a folder, a
parent (``..``), a hidden file or one that ingest skips (names starting with ``_``).

Usage example::

    slug("压电贴片: 一种低功耗/测温方法")  # "压电贴片-一种低功耗-测温方法"
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_SLUG_CHARS", "slug"]

DEFAULT_SLUG_CHARS = 40  # long enough to recognise a title, short enough for every file system
UNSAFE = re.compile(r"[^\w-]+")


def slug(text: str, *, fallback: str = "文档", max_chars: int = DEFAULT_SLUG_CHARS) -> str:
    """``text`` as a safe file-name part of at most ``max_chars`` characters (``fallback`` if nothing is left)."""
    return UNSAFE.sub("-", text)[:max_chars].strip("-_") or fallback
