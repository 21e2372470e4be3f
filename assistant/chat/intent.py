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
    reward_question("在上海把专利以200万转让，扣除评估费10万，团队至少拿多少？").costs  # Decimal('100000')
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from assistant.domain import parse_yuan
from assistant.tasks.disclosure_form import Publication
from assistant.tasks.rules import RewardRequest
from assistant.tasks.timeline import add_months

__all__ = [
    "DEFAULT_BRIEFING_TOPIC",
    "WORKFLOWS",
    "Intent",
    "briefing_topic",
    "classify",
    "is_request",
    "patent_number",
    "reward_question",
    "timeline_question",
]


class Intent(StrEnum):
    POLICY_QUESTION = "policy_question"
    TECHNOLOGY_SEARCH = "technology_search"
    MATCHING_REQUEST = "matching_request"
    AGENCY_LOOKUP = "agency_lookup"
    DISCLOSURE_HELP = "disclosure_help"
    BRIEFING_REQUEST = "briefing_request"
    REWARD_CALCULATION = "reward_calculation"
    DISCLOSURE_TIMELINE = "disclosure_timeline"
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
    (  # an amount, a transfer mode and the team's share: a computation, not a policy question
        Intent.REWARD_CALCULATION,
        re.compile(
            r"(?=.*\d\s*(?:万|亿|元))(?=.*(?:转让|许可|作价|入股|实施))(?=.*(?:团队|奖励|报酬|拿|分到|分多少|得多少|能分))"
        ),
    ),
    (  # a paper or talk, and whether a patent can still be filed: the disclosure timeline
        Intent.DISCLOSURE_TIMELINE,
        re.compile(
            r"(?=.*(?:论文|发表|投稿|录用|会议|报告|展会|展出|预印本))"
            r"(?=.*(?:申请专利|专利申请|来得及|宽限期|新颖性|还能申请|还可以申请))"
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


# -- computation questions -------------------------------------------------------------------
REGIONS = re.compile(
    r"(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|"
    r"贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆|深圳|杭州|南京|苏州|武汉|成都|西安|广州)"
)
MODE_WORDS = (("作价", "作价投资"), ("入股", "作价投资"), ("许可", "许可"), ("转让", "转让"),
              ("合作实施", "合作实施"), ("实施", "自行实施"))  # fmt: skip
AMOUNT_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|千万|百万|万)?元?")
COST_WORDS = re.compile(r"(扣除|扣掉|扣|减去|减掉|费|成本|税)[^，,。；;]{0,6}$")
UNIT_SHARE = re.compile(r"(?:学校|单位|本校|制度|规定|约定)[^，,。；;]{0,8}?(\d+(?:\.\d+)?)\s*[%％]")


def reward_question(text: str) -> RewardRequest | None:
    """The calculator's input a chat turn states (mode, amounts, region, a unit's share), or ``None``.

    An amount counts when it has 万, 亿 or 元; one right after 扣除/费/税 is a deduction, the
    first other one the income.
    """
    mode = next((name for word, name in MODE_WORDS if word in text), None)
    income: Decimal | None = None
    costs = Decimal(0)
    found_cost = False
    for match in AMOUNT_IN_TEXT.finditer(text):
        if not match.group(2) and not match.group(0).endswith("元"):
            continue
        amount = parse_yuan(match.group(0))
        if amount is None:
            continue
        if COST_WORDS.search(text[: match.start()]):
            costs += amount
            found_cost = True
        elif income is None:
            income = amount
    if mode is None or income is None:
        return None
    region = REGIONS.search(text)
    share = UNIT_SHARE.search(text)
    return RewardRequest(
        mode=mode,
        income=income,
        costs=costs if found_cost and mode in ("转让", "许可") else None,
        region=region.group(1) if region else "全国",
        unit_share=Decimal(share.group(1)) if share else None,
    )


PUBLIC_WORDS = re.compile(r"已经?(发表|公开|报告|展出)|(发表|公开|报告|展出|讲)(了|过)")
DATE_IN_TEXT = re.compile(r"(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
MONTHS_AGO = re.compile(r"(\d+|一|两|二|三|四|五|六)个(?:多)?月(前|以前|之前|后|以后|之后)")
CHINESE_NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


def timeline_question(text: str, today: date) -> Publication:
    """The one publication a chat turn describes: its kind, whether it is public yet, and its date if said."""
    if re.search(r"会议|报告会|研讨会|年会", text):
        kind = "会议报告"
    elif re.search(r"展会|展览|展出", text):
        kind = "展会"
    elif re.search(r"预印本|arxiv", text, re.IGNORECASE):
        kind = "预印本"
    elif "学位论文" in text:
        kind = "学位论文"
    else:
        kind = "期刊论文"
    public = bool(PUBLIC_WORDS.search(text))
    status = (
        ("已报告" if kind in ("会议报告", "展会") else "已发表")
        if public
        else ("已录用" if "录用" in text else "已投稿")
    )
    return Publication.model_validate({"kind": kind, "date": _said_date(text, today), "status": status})


def _said_date(text: str, today: date) -> date | None:
    """A date the turn names: 2025-03-15, 3月15日, 下个月 (its first day), 下周, 明天, 两个月前 …"""
    if match := DATE_IN_TEXT.search(text):
        year = int(match.group(1)) if match.group(1) else today.year
        try:
            return date(year, int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    if match := MONTHS_AGO.search(text):
        number = CHINESE_NUMBERS.get(match.group(1)) or int(match.group(1))
        return add_months(today, -number if "前" in match.group(2) else number)
    relative = {"下个月": add_months(today.replace(day=1), 1), "上个月": add_months(today.replace(day=1), -1),
                "下周": today + timedelta(days=7), "上周": today - timedelta(days=7),
                "明天": today + timedelta(days=1), "昨天": today - timedelta(days=1), "今天": today}  # fmt: skip
    return next((day for word, day in relative.items() if word in text), None)
