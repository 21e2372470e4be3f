"""Where a Chinese sentence ends: shared by the splitter and the composers."""

from __future__ import annotations

from assistant.text import split_sentences


def test_split_sentences_keeps_punctuation_and_quotes() -> None:
    assert split_sentences("他说：“好。”然后走了！真的吗？是；否") == [
        "他说：“好。”",
        "然后走了！",
        "真的吗？",
        "是；",
        "否",
    ]


def test_split_sentences_line_breaks_end_sentences_and_blank_lines_vanish() -> None:
    assert split_sentences("第一条 总则\n\n  本办法适用于高校\n第二条") == ["第一条 总则", "本办法适用于高校", "第二条"]
