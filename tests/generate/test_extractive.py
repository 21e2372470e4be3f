"""The extractive composer on hand-built hits: what it picks, how it cites, how sure it is.

No index is involved: the hits are written here, so each test controls exactly which
sentences the composer can choose from. Sentences are embedded by the real model
(through the session cache), because the composer's choice and its evidence score are
the model's similarities; keyword weights are uniform, so only the terms shared with
the question count.
"""

from __future__ import annotations

import re

import pytest

from assistant.generate.citations import CITATION_PATTERN, quote_is_verbatim
from assistant.generate.extractive import Composition, ExtractiveComposer
from assistant.generate.grounding import EVIDENCE_THRESHOLD, grounded
from assistant.index.embedding_cache import CachedEmbeddings
from assistant.records import Chunk, DocType, Hit

RATIO_QUESTION = "以科技成果作价投资的，给研发团队的奖励比例是多少？"
INCENTIVE_QUESTION = "单位应当怎样激励完成科技成果转化的人员？"
RELATED_QUESTIONS = (RATIO_QUESTION, INCENTIVE_QUESTION)
UNRELATED_QUESTIONS = ("家里的猫咪每天应该喂几次猫粮？", "如何申请出国签证？")

INCENTIVES = Chunk(
    doc_id="policies/incentives.md",
    doc_type=DocType.POLICY,
    title="示例市促进科技成果转化条例",
    source="policies/incentives.md",
    locator="第二十条",
    text=(
        "高等院校应当建立科技成果转化的激励制度，对完成和转化职务科技成果作出重要贡献的人员给予奖励和报酬。"
        "奖励和报酬的方式、数额和时限由单位依法制定，并在本单位公开。"
        "单位制定相关规定时，应当充分听取本单位科技人员的意见。"
    ),
)
EQUITY = Chunk(
    doc_id="policies/equity.md",
    doc_type=DocType.POLICY,
    title="示例市科技成果作价投资实施细则",
    source="policies/equity.md",
    locator="第八条",
    text=(
        "利用职务科技成果作价投资的，应当从作价投资取得的股份或者出资比例中提取不低于百分之七十的比例用于奖励研发团队。"
        "股权奖励应当在作价投资完成后六个月内办理。"
        "例如，某项成果作价一千万元入股，研发团队可以获得不低于七百万元对应的股权。"
    ),
)
# The same rule restated by another document, in nearly the same words.
EQUITY_RESTATED = Chunk(
    doc_id="faq/equity.md",
    doc_type=DocType.FAQ,
    title="作价投资常见问题",
    source="faq/equity.md",
    locator="问3",
    text="利用职务科技成果作价投资的，应从作价投资取得的股份或出资比例中提取不低于百分之七十的比例用于奖励研发团队。",
)
REPORTING = Chunk(
    doc_id="policies/reporting.md",
    doc_type=DocType.POLICY,
    title="示例市科技成果转化年度报告办法",
    source="policies/reporting.md",
    locator="第三条",
    text=(
        "高等院校应当于每年三月底前报送上一年度科技成果转化情况年度报告。"
        "年度报告应当包括科技成果转化的收入、奖励和报酬的发放情况。"
        "未按时报送年度报告的，由主管部门责令限期改正。"
    ),
)
HITS = [Hit(INCENTIVES, 0.9), Hit(EQUITY, 0.8), Hit(REPORTING, 0.5)]


@pytest.fixture(scope="module")
def composer(embedder: CachedEmbeddings) -> ExtractiveComposer:
    return ExtractiveComposer(embedder, lambda _term: 1.0)


def cited_sentences(composition: Composition) -> list[tuple[str, int]]:
    """The answer as (sentence, cited number) pairs; fails if any text carries no marker."""
    pairs = [(m.group(1), int(m.group(2))) for m in re.finditer(r"(.+?)\[(\d+)\]", composition.text)]
    assert "".join(f"{s}[{n}]" for s, n in pairs) == composition.text, "text after the last citation"
    return pairs


class TestExtractiveComposer:
    def test_init_with_no_sentences_allowed_raises(self, embedder: CachedEmbeddings) -> None:
        with pytest.raises(ValueError, match="max_sentences"):
            ExtractiveComposer(embedder, lambda _term: 1.0, max_sentences=0)

    @pytest.mark.parametrize("question", [RATIO_QUESTION, "高校对完成科技成果转化的人员给予奖励，比例不低于多少？"])
    def test_compose_leads_with_the_number_asked_for(self, composer: ExtractiveComposer, question: str) -> None:
        # The second question matches the general incentive sentence best; the ratio must still lead.
        composition = composer.compose(question, HITS)
        lead, n = cited_sentences(composition)[0]
        assert "不低于百分之七十" in lead and composition.citations[n - 1].chunk == EQUITY

    def test_compose_without_a_quantity_question_keeps_source_order(self, composer: ExtractiveComposer) -> None:
        composition = composer.compose(INCENTIVE_QUESTION, HITS)
        pairs = cited_sentences(composition)
        assert pairs[0][1] == 1 and composition.citations[0].chunk == INCENTIVES
        assert [n for _, n in pairs[1:]] == sorted(n for _, n in pairs[1:])

    @pytest.mark.parametrize("question", [RATIO_QUESTION, "年度报告什么时候报送，要写哪些内容？", INCENTIVE_QUESTION])
    def test_compose_every_sentence_cited_verbatim(self, composer: ExtractiveComposer, question: str) -> None:
        composition = composer.compose(question, HITS)
        pairs = cited_sentences(composition)
        numbers = [c.n for c in composition.citations]
        assert numbers == list(range(1, len(numbers) + 1))  # numbered by first appearance, no gaps
        assert len({c.chunk.id for c in composition.citations}) == len(numbers)  # one number per chunk
        for sentence, n in pairs:
            assert sentence in composition.citations[n - 1].chunk.text, (sentence, n)
        for citation in composition.citations:
            assert quote_is_verbatim(citation.quote, citation.chunk.text)
            assert citation.quote in composition.text

    def test_compose_drops_a_restated_sentence(self, composer: ExtractiveComposer) -> None:
        composition = composer.compose(RATIO_QUESTION, [Hit(EQUITY, 0.9), Hit(EQUITY_RESTATED, 0.85)])
        assert composition.text.count("不低于百分之七十") == 1
        assert [c.chunk for c in composition.citations] == [EQUITY]

    def test_compose_max_sentences(self, composer: ExtractiveComposer, embedder: CachedEmbeddings) -> None:
        question = "年度报告什么时候报送，要写哪些内容？"
        assert len(cited_sentences(composer.compose(question, HITS))) > 2  # the limit below does bind
        short = ExtractiveComposer(embedder, lambda _term: 1.0, max_sentences=2).compose(question, HITS)
        assert len(CITATION_PATTERN.findall(short.text)) == 2

    @pytest.mark.parametrize("unrelated_question", UNRELATED_QUESTIONS)
    def test_compose_evidence_below_threshold_on_unrelated_question(
        self, composer: ExtractiveComposer, unrelated_question: str
    ) -> None:
        # The composer still strings sentences together; its evidence score is what makes the answer refused.
        unrelated = composer.compose(unrelated_question, HITS)
        assert unrelated.text and unrelated.coverage == 0.0
        assert unrelated.evidence < EVIDENCE_THRESHOLD and not grounded(unrelated, lambda: []), unrelated.evidence
        for question in RELATED_QUESTIONS:
            related = composer.compose(question, HITS)
            assert related.coverage > 0.5 and grounded(related, lambda: []), (question, related)

    def test_compose_nothing_usable_is_an_empty_answer(self, composer: ExtractiveComposer) -> None:
        assert composer.compose(RATIO_QUESTION, []) == Composition("", (), 0.0, 0.0)
        pointers = Chunk(
            doc_id="policies/pointers.md",
            doc_type=DocType.POLICY,
            title="依据",
            source="policies/pointers.md",
            locator="附",
            text="（依据：《示例市促进科技成果转化条例》第二十条）\n见上。",
        )
        composition = composer.compose(RATIO_QUESTION, [Hit(pointers, 1.0)])
        assert composition.text == "" and composition.citations == ()

    def test_compose_table_row_reads_as_prose_and_quotes_the_row(self, composer: ExtractiveComposer) -> None:
        table = Chunk(
            doc_id="policies/fees.md",
            doc_type=DocType.POLICY,
            title="示例市专利资助标准",
            source="policies/fees.md",
            locator="附表",
            text=(
                "| 资助项目 | 资助标准 |\n| --- | --- |\n"
                "| 发明专利授权 | 每件资助三千元 |\n| 国际专利申请 | 每件资助两万元 |"
            ),
        )
        composition = composer.compose("发明专利授权后每件资助多少钱？", [Hit(table, 1.0)])
        assert composition.text.startswith("发明专利授权：每件资助三千元。[1]")
        quote = composition.citations[0].quote
        assert quote.startswith("|") and quote_is_verbatim(quote, table.text)
        # The header row names the columns and states nothing, however well it matches the question.
        about_columns = composer.compose("有哪些资助项目和资助标准？", [Hit(table, 1.0)])
        assert about_columns.text and "资助项目" not in about_columns.text and "---" not in about_columns.text
