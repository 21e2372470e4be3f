"""What a chat turn asks for: every rule that reads the user's words to route a turn, in one place.

The rules look for the verbs and nouns each workflow is named by (披露, 简报, 白名单,
"我们需要…技术"); a turn that matches none is a policy question if the knowledge base
has evidence for it and out of scope otherwise (decided by the router, which has the
evidence). A turn that names a workflow is a *request* to run it unless it asks how
something is done ("怎么发布需求？" is a policy question about matching). With an LLM the
same labels could come from the model; the offline rules stay the fallback.

Usage example::

    classify("帮我写一份发明披露")                         # Intent.DISCLOSURE_HELP
    is_request(Intent.BRIEFING_REQUEST, "怎么生成简报？")   # False: a how-to question
    briefing_topic("帮我生成一份人工智能领域的简报")        # '人工智能领域'
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["DEFAULT_BRIEFING_TOPIC", "WORKFLOWS", "Intent", "briefing_topic", "classify", "is_request", "patent_number"]


class Intent(StrEnum):
    POLICY_QUESTION = "policy_question"
    TECHNOLOGY_SEARCH = "technology_search"
    MATCHING_REQUEST = "matching_request"
    AGENCY_LOOKUP = "agency_lookup"
    DISCLOSURE_HELP = "disclosure_help"
    BRIEFING_REQUEST = "briefing_request"
    SMALL_TALK = "small_talk"
    OUT_OF_SCOPE = "out_of_scope"


# Checked in order: the first pattern that matches names the intent.
RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        Intent.SMALL_TALK,
        re.compile(
            r"^\s*(你好|您好|嗨|哈喽|hello|hi|谢谢|多谢|感谢|再见|拜拜|早上好|晚上好|你是谁|你能做什么|你会什么)[\s!！。.？?～~]*$",
            re.I,
        ),
    ),
    (
        Intent.DISCLOSURE_HELP,
        re.compile(r"(帮|替|给)我.{0,6}(写|起草|填|准备).{0,8}披露|披露(表|书|摘要)怎么(写|填)|起草.{0,4}披露"),
    ),
    (Intent.BRIEFING_REQUEST, re.compile(r"(生成|写|出|做|起草).{0,20}简报|简报.{0,6}(生成|起草)")),
    (
        Intent.MATCHING_REQUEST,
        re.compile(
            r"(我们|我司|本公司|企业).{0,6}(需要|想要|想找|寻找|在找)|哪些企业|找.{0,4}企业|可以卖给|匹配|对接.{0,4}(企业|需求)"
        ),
    ),
    (
        Intent.AGENCY_LOOKUP,
        re.compile(r"白名单|(代理|评估|服务|中介|运营|咨询|经纪)的?机构|哪家机构|哪些机构|律所|律师事务所|技术经纪"),
    ),
    (
        Intent.TECHNOLOGY_SEARCH,
        re.compile(
            r"(有没有|有哪些|找|搜|查).{0,16}(专利|技术|成果)(?!转化|转让|许可|转移|披露|登记|奖励|收益|合同|评估|"
            r"定价|经理人|市场|交易|需求|服务|中介|秘密|入股)|(专利|成果)(推荐|清单|列表)"
        ),
    ),
)
DOMAIN_WORDS = re.compile(
    r"科技成果|成果|转化|专利|技术|披露|赋权|奖励|报酬|收益|许可|转让|作价|投资|入股|合同|评估|定价|挂牌|拍卖|白名单|"
    r"创新券|概念验证|经理人|年度报告|盘活|高校|科研|研发|发明|知识产权|单列|免责|尽职|企业|需求|机构|政策|条例|法"
)


# A how-to question about matching, agencies or briefings ("怎么发布需求？"), or one that asks by
# what criteria something is decided or where to go ("白名单是按什么标准评的？", "去哪里找？"),
# is a policy question.
HOW_TO = re.compile(
    r"怎么|如何|怎样|流程|手续|步骤|要素|规定|政策|条件|标准|依据|评选|遴选|门槛|资格|"
    r"能不能|是否|是不是|要不要|需不需要|多少|(有|共|一共)几(家|个)|可以吗|吗[？?]?$|"
    r"哪里|哪儿|哪个部门|什么部门|找谁|渠道|途径|门路"
)
# An explicit request for names: it runs the recommender even when phrased as a question.
RECOMMEND = re.compile(r"推荐|介绍几家|列出|(帮|给|替)我找")
# An agency lookup that asks for names ("推荐…", "哪些机构") rather than about agencies in general.
AGENCY_REQUEST = re.compile(r"推荐|哪些机构|哪家|找.{0,6}机构|有没有.{0,6}机构|机构.{0,4}(有哪些|名单)")
# Requests that run a workflow: matching, agency recommendation, technology search, briefing.
WORKFLOWS = (Intent.MATCHING_REQUEST, Intent.AGENCY_LOOKUP, Intent.TECHNOLOGY_SEARCH, Intent.BRIEFING_REQUEST)
# The request words around a briefing's topic ("帮我生成一份…的简报").
BRIEFING_WORDS = re.compile(r"^(请|麻烦)?(帮我|给我|替我)?(生成|写|出|做|起草)(一份|一个|一下)?|的?简报吧?[。！!]?$")
DEFAULT_BRIEFING_TOPIC = "科技成果转化总体情况"
PATENT_NUMBER = re.compile(r"CN\s?\d{8,12}(?:\.[\dX])?", re.IGNORECASE)


def classify(text: str) -> Intent:
    """The intent the rules find, ``POLICY_QUESTION`` for domain text, else ``OUT_OF_SCOPE``."""
    for intent, pattern in RULES:
        if pattern.search(text):
            return intent
    return Intent.POLICY_QUESTION if DOMAIN_WORDS.search(text) else Intent.OUT_OF_SCOPE


def is_request(intent: Intent, text: str) -> bool:
    """Does the turn ask a workflow (matching, agency recommendation, technology search, briefing) to run?

    Not when it asks how the workflow's subject works or by what criteria it is decided; an
    explicit 「推荐」 for agencies runs the recommender however it is phrased.
    """
    if intent not in WORKFLOWS:
        return False
    if intent is Intent.AGENCY_LOOKUP and RECOMMEND.search(text):
        return True
    if HOW_TO.search(text):
        return False
    if intent is Intent.AGENCY_LOOKUP:
        return bool(AGENCY_REQUEST.search(text))
    return True


def briefing_topic(text: str) -> str:
    """The topic of a briefing request, the request words removed (the whole stock when none is left)."""
    return BRIEFING_WORDS.sub("", text).strip(" ，。？?！!") or DEFAULT_BRIEFING_TOPIC


def patent_number(text: str) -> str | None:
    """The application number a turn names ("CN 202310900014.8"), normalised, if any."""
    found = PATENT_NUMBER.search(text)
    return found.group(0).replace(" ", "").upper() if found else None
