"""Checks on what users type, shared by search, ask and matching."""

from __future__ import annotations

from assistant.errors import EmptyQueryError, QueryTooLongError

__all__ = ["MAX_QUERY_CHARS", "checked_query", "clean_query"]

# Longer than any real question; beyond it a "query" is a pasted document, and the
# embedder would only average it into mush. 2,000 characters keep a full paragraph.
MAX_QUERY_CHARS = 2000


def clean_query(text: str) -> tuple[str, str | None]:
    """Strip ``text`` and cut it to :data:`MAX_QUERY_CHARS`.

    :returns: the query, and a warning to show when it was truncated (else ``None``).
    :raises EmptyQueryError: nothing but whitespace was given.
    """
    query = " ".join(text.split())
    if not query:
        raise EmptyQueryError()
    if len(query) > MAX_QUERY_CHARS:
        warning = f"查询过长（{len(query)} 字），已截取前 {MAX_QUERY_CHARS} 字"
        return query[:MAX_QUERY_CHARS], warning
    return query, None


def checked_query(text: str) -> str:
    """``text`` stripped, refused when over :data:`MAX_QUERY_CHARS` (a person asking in the app).

    The CLI cuts long input with a warning on stderr (a script's pasted document); a question
    typed into the app is refused instead, so its last part is never silently lost.

    :raises EmptyQueryError: nothing but whitespace was given.
    :raises QueryTooLongError: the question is over the limit (the message says how long it is).
    """
    query = " ".join(text.split())
    if not query:
        raise EmptyQueryError()
    if len(query) > MAX_QUERY_CHARS:
        raise QueryTooLongError(len(query), MAX_QUERY_CHARS)
    return query
