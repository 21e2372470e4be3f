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

from assistant.evaluation.answer_quality import first_sentence
from assistant.generate.asked import Kind, answers_kind, asked_for
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


NET_INCOME = Chunk(
    doc_id="policies/net-income.md",
    doc_type=DocType.POLICY,
    title="示例市收益分配指南",
    source="policies/net-income.md",
    locator="净收入怎么算",
    text=(
        "本指南说明各项扣除的口径，来源均已注明。\n"
        "转让净收入是转让收入扣除以下3项后的余额（《示例市条例》第九条）：\n"
        "1. 相关税费；\n2. 单位维护该成果的费用；\n3. 交易中的评估、鉴定费用。\n"
        "所以，净收入总是小于合同金额。\n"
        "扣除项目以单位财务制度为准（《示例市条例》第九条；"
    ),
    meta={"region": "上海", "level": "guide", "effective_date": "2017-06-01"},
)
OLD_RULE = Chunk(
    doc_id="policies/old.md",
    doc_type=DocType.POLICY,
    title="示例市奖励办法（旧）",
    source="policies/old.md",
    locator="第三条",
    text="转让职务科技成果的，应当从净收入中提取不低于百分之三十的比例奖励研发团队。",
    meta={"region": "全国", "level": "normative", "superseded_by": "示例市奖励办法（新）"},
)
NEW_RULE = Chunk(
    doc_id="policies/new.md",
    doc_type=DocType.POLICY,
    title="示例市奖励办法（新）",
    source="policies/new.md",
    locator="第三条",
    text="转让职务科技成果的，可以从净收入中提取不低于百分之六十的比例奖励研发团队。",
    meta={"region": "全国", "level": "normative", "effective_date": "2024-01-01"},
)


class TestAnswerShape:
    def test_a_list_is_quoted_whole_with_its_lead_in(self, composer: ExtractiveComposer) -> None:
        text = composer.compose("转让净收入要扣除哪些项目？", [Hit(NET_INCOME, 1.0)]).text
        assert (
            "扣除以下3项后的余额（《示例市条例》第九条）：相关税费；单位维护该成果的费用；交易中的评估、鉴定费用。"
            in text
        )
        assert "：[" not in text and not text.rstrip().endswith("：")

    def test_orphans_self_description_and_unclosed_brackets_are_left_out(self, composer: ExtractiveComposer) -> None:
        for question in ("净收入怎么算？", "扣除项目以单位什么制度为准？"):
            text = composer.compose(question, [Hit(NET_INCOME, 1.0)]).text
            assert "所以" not in text and "本指南" not in text and "均已注明" not in text
            assert text.count("（") == text.count("）"), text
        assert (
            "扣除项目以单位财务制度为准。[1]" in text
        )  # the fragment after the open bracket is cut, the statement kept

    def test_rules_are_labelled_with_region_and_date(self, composer: ExtractiveComposer) -> None:
        text = composer.compose("转让净收入要扣除哪些项目？", [Hit(NET_INCOME, 1.0)]).text
        assert text.startswith("〔上海地方规定，2017年6月1日起施行〕")

    def test_a_superseded_rule_never_leads(self, composer: ExtractiveComposer) -> None:
        composition = composer.compose(
            "转让成果奖励研发团队的比例不低于多少？", [Hit(OLD_RULE, 1.0), Hit(NEW_RULE, 0.5)]
        )
        lead, n = re.match(r"(.+?)\[(\d+)\]", composition.text).groups()  # type: ignore[union-attr]
        assert "百分之六十" in lead and composition.citations[int(n) - 1].chunk == NEW_RULE
        assert "已被修订或废止" in composition.text or "百分之三十" not in composition.text

    def test_a_procedure_is_numbered_steps_each_cited(self, composer: ExtractiveComposer) -> None:
        steps = Chunk(
            doc_id="policies/steps.md",
            doc_type=DocType.POLICY,
            title="示例市成果披露流程",
            source="policies/steps.md",
            locator="披露流程",
            text="成果披露按以下步骤办理：\n1. 填写披露表并提交转化办；\n2. 转化办评估应用价值；\n3. 决定是否申请专利并签订转化协议。",
        )
        text = composer.compose("成果披露要走哪些步骤？", [Hit(steps, 1.0)]).text
        lines = text.splitlines()
        assert lines[0].startswith("成果披露按以下步骤办理：1. 填写披露表并提交转化办")
        assert [line[:2] for line in lines[1:]] == ["2.", "3."] and all(line.endswith("[1]") for line in lines)


def _lead(composition: Composition) -> str:
    """The answer's first sentence, as a reader sees it (citation marks aside)."""
    return first_sentence(composition.text)


def _chunk(name: str, text: str, *, doc_type: DocType = DocType.POLICY, locator: str = "正文") -> Chunk:
    return Chunk(
        doc_id=f"policies/{name}.md",
        doc_type=doc_type,
        title=f"示例{name}",
        source=f"{name}.md",
        locator=locator,
        text=text,
    )


class TestWhatIsAskedLeads:
    """The sentence that gives what the question asks for comes first (issue #11: answer-first)."""

    def test_a_stated_absence_of_a_deadline_leads_over_a_vague_one(self, composer: ExtractiveComposer) -> None:
        chunk = _chunk(
            "披露时限",
            "完成人应当在成果完成后向所在单位报告，并配合后续的开发和推广。"
            "法规只说完成后应当报告，没有规定具体天数，单位可以在制度里设期限。",
        )
        composition = composer.compose("我做出成果以后，多长时间内必须向学校报告？", [Hit(chunk, 1.0)])
        assert "没有规定具体天数" in _lead(composition)

    def test_no_fixed_price_is_followed_by_who_sets_it(self, composer: ExtractiveComposer) -> None:
        chunk = _chunk(
            "许可价格",
            "高校专利许可没有统一价格，也没有法定的参考价。"
            "同一项专利，独占许可一般比普通许可贵，这是谈判惯例。"
            "授权奖金不少于4000元。"
            "许可费由双方根据研发成本、许可范围和市场供求商定。",
        )
        composition = composer.compose("许可一项发明专利一般要花多少钱？", [Hit(chunk, 1.0)])
        assert "没有统一价格" in _lead(composition)
        assert "由双方根据研发成本、许可范围和市场供求商定" in composition.text

    def test_the_asking_clause_decides_and_a_short_list_is_one_sentence(self, composer: ExtractiveComposer) -> None:
        chunk = _chunk(
            "激励方式",
            "企业获得专利权的职务发明，同样要向发明人发放奖励。"
            "企业可以采用以下方式激励科技人员开展成果转化：股权出售；股权奖励；股票期权；项目收益分红；岗位分红。",
        )
        composition = composer.compose("我们是民营企业，预算不多，想激励研发人员，可以用哪些方式？", [Hit(chunk, 1.0)])
        assert "股权出售、股权奖励、股票期权、项目收益分红、岗位分红。" in _lead(composition)

    def test_a_definition_defines_the_quoted_term_not_a_near_faq(self, composer: ExtractiveComposer) -> None:
        faq = _chunk(
            "课题组签合同",
            "课题组不是法人，签合同需要单位授权或认可。未经授权或认可的，由课题组成员共同承担责任。",
            doc_type=DocType.FAQ,
            locator="问：课题组能不能直接和企业签技术合同？",
        )
        guide = _chunk("赋权", "赋权是指单位在转化之前，把职务成果的全部或部分所有权，或者长期使用权，交给完成人。")
        composition = composer.compose(
            "学院说可以给我们课题组“赋权”，这到底是什么意思？", [Hit(faq, 1.0), Hit(guide, 0.5)]
        )
        assert _lead(composition).startswith("赋权是指")

    def test_a_yes_no_verdict_leads_with_the_rule_it_rests_on(self, composer: ExtractiveComposer) -> None:
        chunk = _chunk(
            "免责",
            "对一个课题组来说，2年不能申报市级项目影响很大。"
            "不会，只要履约守信。"
            "探索性强的项目没有形成预期成果，但已严格履行合同、没有违反诚信要求的，不作负面评价。",
        )
        composition = composer.compose("承担高风险课题没做出来，会影响我以后的评价吗？", [Hit(chunk, 1.0)])
        assert composition.text.startswith("不会，只要履约守信，探索性强的项目")

    def test_steps_keep_the_sentence_that_introduces_their_list(self, composer: ExtractiveComposer) -> None:
        chunk = _chunk(
            "自评流程",
            "盘点入库依托国家示例专利平台。根据部分高校的操作通知，流程大致是：\n"
            "1. 学校导出本单位有效专利清单；\n2. 发明人填写专利信息并做价值自评；\n3. 学院初审、学校复核后入库。",
        )
        lines = composer.compose("在国家平台上给专利做价值自评，流程是怎样的？", [Hit(chunk, 1.0)]).text.splitlines()
        assert lines[0] == "盘点入库依托国家示例专利平台。[1]"  # not a numbered step
        assert lines[1].startswith("根据部分高校的操作通知，流程大致是：1. 学校导出")
        assert [line[:2] for line in lines[2:]] == ["2.", "3."]

    def test_an_inline_list_of_steps_is_not_quoted_twice(self, composer: ExtractiveComposer) -> None:
        chunk = _chunk(
            "登记",
            "本市实行技术合同认定登记制度：当事人持已订立的技术合同，向认定登记机构申请认定和登记；"
            "通过的，发给认定登记证明。",
        )
        text = composer.compose("签了技术开发合同，想做认定登记，怎么办？", [Hit(chunk, 1.0)]).text
        assert text.startswith("本市实行技术合同认定登记制度：1. 当事人持已订立的技术合同")
        assert text.count("当事人持已订立的技术合同") == 1


@pytest.mark.parametrize(
    ("question", "kind", "also"),
    [
        ("我们和企业谈好了价格，准备用协议定价转让专利，学校这边要走哪些程序？", Kind.STEPS, ()),
        ("专利权转让给企业，要怎么办理才算生效？", Kind.STEPS, ()),  # 生效 here is not a rule's date of effect
        ("上海条例什么时候生效？", Kind.VALIDITY, ()),
        ("专利和论文应该按什么顺序处理？", Kind.STEPS, ()),
        ("需求该怎么写、发到哪里？", Kind.LIST, (Kind.WHO,)),
        ("概念验证平台方案里的四位一体指哪四项？", Kind.LIST, ()),
        ("合作企业催得急，我能先把技术交给他们用，手续以后再补吗？", Kind.YES_NO, ()),  # not steps
    ],
)
def test_the_asking_clause_decides_what_is_asked(question: str, kind: Kind, also: tuple[Kind, ...]) -> None:
    asked = asked_for(question)
    assert (asked.kind, asked.also) == (kind, also)


def test_a_quoted_term_is_what_a_definition_question_defines() -> None:
    assert asked_for("学院说可以给我们课题组“赋权”，这到底是什么意思？", ["学院", "课题组", "赋权"]).subject == (
        "赋权",
    )


def test_a_list_question_is_answered_by_the_best_matching_list(composer: ExtractiveComposer) -> None:
    chunk = _chunk(
        "共有",
        "赋权后应当及时办理权属变更手续。"
        "双方应书面约定以下事项：\n1. 收益如何分配；\n2. 转化由谁决策；\n3. 专利年费由谁承担。",
    )
    composition = composer.compose("学校把成果部分所有权赋给我们，共有协议里要约定哪些事？", [Hit(chunk, 1.0)])
    assert _lead(composition).startswith("双方应书面约定以下事项：收益如何分配")


def test_a_close_faq_leads_with_its_verdict_not_a_sentence_that_only_touches_it(composer: ExtractiveComposer) -> None:
    faq = _chunk(
        "评估",
        "需要评估时，评估费用可以从转让收入中扣除。在上海不是必须的。科研事业单位采用协议定价的，依法可以免予资产评估。",
        doc_type=DocType.FAQ,
        locator="问：在上海卖专利之前必须做资产评估吗？",
    )
    composition = composer.compose("在上海卖专利之前必须做资产评估吗？", [Hit(faq, 1.0)])
    assert composition.text.startswith("在上海不是必须的，科研事业单位采用协议定价的")


def test_a_rule_that_something_does_not_count_answers_a_yes_no_question() -> None:
    asked = asked_for("打算先在国际展览会上展出再申请专利，有宽限期吗？")
    assert answers_kind("在申请日以前6个月内，在国际展览会上首次展出的，不会丧失新颖性。", asked)
    assert not answers_kind("国际展览会指国际展览局注册或认可的展会。", asked)
