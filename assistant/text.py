"""Sentences of Chinese text: the unit that is split into chunks, quoted and cited.

Ingest packs sentences into chunks; the composers quote and cite them. Both must agree on
where a sentence ends, so the rule lives here, below every layer that needs it.

Usage example::

    from assistant.text import split_sentences
    split_sentences("第一句。第二句！")   # ["第一句。", "第二句！"]
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

# A sentence ends after 。！？； (or their ASCII forms), after a closing quote or bracket
# that follows one, or at a line break.
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])(?![”’」』）)\]])|(?<=[。！？；!?;][”’」』）)\]])|\n+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, each keeping its closing punctuation; line breaks also end one."""
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]
