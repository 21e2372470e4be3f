"""Citation markers: one pattern, used by both composers and by the checker.

An answer cites its sources as [1], [2] … numbered by the context it was given. The
checks here are what make an answer trustworthy: a marker must point at a context that
exists, and a quote must occur verbatim in the chunk it cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.text import split_sentences

__all__ = ["CITATION_PATTERN", "cited_numbers", "claims", "quote_is_verbatim", "remove_invalid_markers"]

CITATION_PATTERN = re.compile(r"\[(\d+)\]")
LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+\])+")


def cited_numbers(text: str) -> list[int]:
    """The numbers cited in ``text``, in order of first appearance."""
    seen: list[int] = []
    for match in CITATION_PATTERN.finditer(text):
        number = int(match.group(1))
        if number not in seen:
            seen.append(number)
    return seen


def remove_invalid_markers(text: str, valid: Iterable[int]) -> str:
    """Drop every [n] whose n is not in ``valid`` (a citation to nothing is worse than none)."""
    allowed = set(valid)
    return CITATION_PATTERN.sub(lambda m: m.group(0) if int(m.group(1)) in allowed else "", text)


def quote_is_verbatim(quote: str, chunk_text: str) -> bool:
    """True when ``quote`` occurs in ``chunk_text`` exactly (whitespace runs aside)."""
    return bool(quote) and " ".join(quote.split()) in " ".join(chunk_text.split())


def claims(text: str) -> list[tuple[str, list[int]]]:
    """The sentences of an answer, each with the numbers it cites.

    Markers written after the full stop ("…70%。[1]") belong to the sentence they follow,
    not to the next one.
    """
    result: list[tuple[str, list[int]]] = []
    for sentence in split_sentences(text):
        leading = LEADING_MARKERS.match(sentence)
        if leading and result:
            previous, numbers = result[-1]
            result[-1] = (
                previous + leading.group(0),
                numbers + [n for n in cited_numbers(leading.group(0)) if n not in numbers],
            )
            sentence = sentence[leading.end() :].strip()
        if sentence:
            result.append((sentence, cited_numbers(sentence)))
    return result
