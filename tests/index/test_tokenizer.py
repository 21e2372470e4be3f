"""Keyword tokens keep identifiers whole and drop function words."""

from __future__ import annotations

from assistant.index.tokenizer import tokenize


class TestTokenize:
    def test_document_number_kept_whole_whatever_precedes_it(self) -> None:
        assert "沪科规〔2023〕9号" in tokenize("根据沪科规〔2023〕9号的规定")
        assert "沪科规〔2023〕9号" in tokenize("沪科规[2023]9号")

    def test_ipc_group_also_yields_subclass(self) -> None:
        tokens = tokenize("IPC分类号 H01M 50/403")
        assert "h01m50/403" in tokens and "h01m" in tokens

    def test_patent_number_article_and_percentage(self) -> None:
        tokens = tokenize("CN202310900017.4 第三十四条 不低于70%")
        assert {"cn202310900017.4", "第三十四条", "70%"} <= set(tokens)

    def test_stop_words_and_punctuation_removed(self) -> None:
        tokens = tokenize("请问，我们的专利怎么转让？")
        assert "专利" in tokens and "转让" in tokens
        assert not {"请问", "我们", "的", "怎么", "，", "？"} & set(tokens)

    def test_domain_terms_survive_segmentation(self) -> None:
        assert "作价投资" in tokenize("成果作价投资的比例")
