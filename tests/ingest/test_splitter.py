"""Laws by article, Markdown by heading, prose by sentence within a token budget."""

from __future__ import annotations

import pytest

from assistant.ingest.splitter import ChineseSplitter, count_tokens
from assistant.records import DocType, SourceDocument
from assistant.text import split_sentences
from tests.corpus import REGULATION


def doc(text: str, *, markdown: bool = False, record: bool = False) -> SourceDocument:
    return SourceDocument("d", DocType.POLICY, "示例市科技成果转化办法", text, "s", markdown=markdown, is_record=record)


class TestChineseSplitter:
    def test_split_law_one_article_per_chunk(self) -> None:
        chunks = ChineseSplitter().split(doc(REGULATION.split("---", 2)[2], markdown=True))
        articles = [c for c in chunks if c.locator.startswith("第")]
        assert [c.locator for c in articles] == ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]
        third = articles[2]
        assert third.text.startswith("第三条") and "百分之七十" in third.text
        assert "第二章 奖励" in third.context and "示例市科技成果转化办法" in third.context

    def test_split_long_article_keeps_its_locator(self) -> None:
        long_article = (
            "第一条 " + "。".join(f"第{i}项规定的内容较长需要说明" for i in range(200)) + "。\n第二条 短。\n第三条 短。"
        )
        chunks = ChineseSplitter(max_tokens=100, overlap_tokens=20).split(doc(long_article))
        first = [c for c in chunks if c.locator == "第一条"]
        assert len(first) > 1 and all(count_tokens(c.text) <= 100 for c in first)

    def test_split_markdown_by_heading_path(self) -> None:
        text = "# 示例市科技成果转化办法\n\n## 奖励\n\n### 上海\n\n不低于70%。\n\n## 报告\n\n3月30日前。"
        chunks = ChineseSplitter().split(doc(text, markdown=True))
        assert [(c.locator, c.text) for c in chunks] == [("奖励 > 上海", "不低于70%。"), ("报告", "3月30日前。")]

    def test_split_prose_on_sentence_ends_with_overlap(self) -> None:
        sentences = [f"这是第{i}句关于科技成果转化的说明文字。" for i in range(60)]
        chunks = ChineseSplitter(max_tokens=120, overlap_tokens=30).split(doc("".join(sentences)))
        assert len(chunks) > 1
        assert all(count_tokens(c.text) <= 120 for c in chunks)
        assert all(c.text.endswith("。") for c in chunks)
        last_of_first = split_sentences(chunks[0].text)[-1]
        assert chunks[1].text.startswith(last_of_first)  # overlap carries the last sentence

    def test_split_record_stays_whole(self) -> None:
        text = "一种隔膜\n" + "本发明公开了一种隔膜。" * 300
        assert len(ChineseSplitter(max_tokens=50, overlap_tokens=10).split(doc(text, record=True))) == 1

    def test_init_rejects_overlap_not_below_budget(self) -> None:
        with pytest.raises(ValueError, match="overlap"):
            ChineseSplitter(max_tokens=50, overlap_tokens=50)
