"""The ``kezhuan`` command line. Its JSON shapes and exit codes are a contract (DESIGN.md).

Exit codes: 0 success; 1 partial or operational failure (some files failed, the rest were
indexed; the index could not be written); 2 bad usage or bad input. Every failure we
foresee is one line on stderr, ``错误：…``, made in one place, :func:`main`; anything else is
a bug and shows its traceback.

Commands import what they need inside their body: importing the embedder, Chroma and the
tasks up front would cost every call (``kezhuan --help`` included) seconds of start time.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

# typer ≥ 0.29 ships its own copy of click and re-exports only BadParameter; non-standalone
# mode (see main) needs the rest of its usage-error classes to print them in one line.
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)

from assistant.errors import DisclosureFormError, EmptyIndexError, InputError, KezhuanError
from assistant.validation import expectation

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.index.visibility import Audience
    from assistant.tasks.briefing_document import BriefingFormat
    from assistant.tasks.rules import RuleBase

__all__ = ["app", "main"]

app = typer.Typer(
    name="kezhuan",
    help="科转助手：高校科技成果转化知识库的索引、检索与评测。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonOption = Annotated[bool, typer.Option("--json", help="只在标准输出打印一个 JSON 对象。")]
RoleOption = Annotated[
    str | None,
    typer.Option(
        "--role", help="researcher | officer | enterprise（默认：给了 --user 为 researcher，否则只看公开资料）"
    ),
]
UserOption = Annotated[str | None, typer.Option("--user", help="研究人员编号：可看到本人的披露（默认 KEZHUAN_USER）。")]
TypeOption = Annotated[str | None, typer.Option("--type", help="policy | patent | agency | demand | disclosure | faq")]


def _settings() -> Settings:
    """The settings from the environment, imported when a command needs them (not for ``--help``)."""
    from assistant.config import load_settings

    return load_settings()


def _audience(role: str | None, user: str | None, settings: Settings) -> Audience:
    """Whose view a command renders: built once here and handed to the task (least privilege by default)."""
    from assistant.index.visibility import Audience

    return Audience.parse(role, user or settings.user)


def _open_index(settings: Settings) -> KnowledgeIndex:
    """The index, for a command that reads it: an empty one is a usage error, not an empty answer.

    :raises EmptyIndexError: nothing has been ingested into ``settings.data_dir``.
    """
    from assistant.index.knowledge_index import KnowledgeIndex

    index = KnowledgeIndex(settings)
    if index.count() == 0:
        raise EmptyIndexError(settings.data_dir)
    return index


def _decode(data: bytes, source: str) -> str:
    """UTF-8 text (a BOM is dropped); other encodings are refused in one line instead of guessed.

    :raises InputError: the bytes are not UTF-8 (the message names ``source`` and the first bad byte).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}不是 UTF-8 编码（第 {exc.start + 1} 个字节起无法解码）；请先转换为 UTF-8，如 iconv -f GBK -t UTF-8"
        ) from None


def _text(argument: str) -> str:
    """The text argument, or standard input when it is "-" (for text too long for argv)."""
    return _decode(sys.stdin.buffer.read(), "标准输入") if argument == "-" else argument


def _query(argument: str) -> str:
    """The text a command searches or embeds, cut to the query limit with a notice on stderr.

    :raises InputError: the text is empty, or standard input is not UTF-8.
    """
    from assistant.query import clean_query

    query, warning = clean_query(_text(argument))
    if warning:
        typer.echo(f"警告：{warning}", err=True)
    return query


def _print_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


class _RichProgress:
    """A progress bar on stderr for the embedding step of ingest."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("向量化"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("块"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: Any = None

    def start(self, total_chunks: int) -> None:
        if total_chunks:
            self._progress.start()
            self._task = self._progress.add_task("embed", total=total_chunks)

    def advance(self, chunks: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, chunks)

    def finish(self) -> None:
        if self._task is not None:
            self._progress.stop()


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="要索引的文件或文件夹。")],
    doc_type: TypeOption = None,
    reset: Annotated[bool, typer.Option("--reset", help="清空后重建索引（已缓存的向量会复用）。")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="移除源文件已不存在的文档。")] = False,
    as_json: JsonOption = False,
) -> None:
    """把文件或文件夹加入索引（增量：未变化的文件会跳过）。"""
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.ingest.pipeline import Ingestor
    from assistant.records import DocType

    if not any(p.exists() for p in paths):
        raise InputError("路径不存在：" + "、".join(str(p) for p in paths))
    kind = DocType.from_str(doc_type) if doc_type else None
    index = KnowledgeIndex(_settings())
    progress = _RichProgress() if not as_json and sys.stderr.isatty() else None
    report = Ingestor(index).ingest(paths, doc_type=kind, reset=reset, prune=prune, progress=progress)
    if as_json:
        _print_json(report.to_dict())
    else:
        typer.echo(
            f"已索引 {report.files_indexed} 个文件（未变化 {report.files_unchanged}，共 {report.files_seen}）；"
            f"新增 {report.chunks_added} 块，移除 {report.chunks_removed} 块。"
        )
        for error in report.errors:
            typer.echo(f"失败：{error.path}: {error.error}", err=True)
    if report.errors:
        raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="问题或关键词；“-” 表示从标准输入读取。")],
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="返回条数。")] = 10,
    doc_type: TypeOption = None,
    role: RoleOption = None,
    user: UserOption = None,
    mode: Annotated[str, typer.Option("--mode", help="adaptive | rrf | dense | keyword")] = "adaptive",
    as_json: JsonOption = False,
) -> None:
    """混合检索（向量 + 关键词），按角色过滤可见范围。"""
    from assistant.index.fusion import FusionMode
    from assistant.records import DocType

    text = _query(query)
    kinds = [DocType.from_str(doc_type)] if doc_type else None
    fusion = FusionMode.from_str(mode)
    settings = _settings()
    audience = _audience(role, user, settings)
    hits = _open_index(settings).search(text, audience, top_k=k, doc_types=kinds, mode=fusion)
    if as_json:
        _print_json({"query": text, "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        typer.echo("没有找到相关内容。")
    for number, hit in enumerate(hits, start=1):
        snippet = " ".join(hit.chunk.text.split())[:120]
        typer.echo(f"[{number}] {hit.chunk.title} · {hit.chunk.locator}  ({hit.chunk.doc_type.value}, {hit.score:.4f})")
        typer.echo(f"    {snippet}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="问题；“-” 表示从标准输入读取。")],
    role: RoleOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """有引用的问答：离线抽取作答，配置 OPENAI_API_KEY 后由大模型作答。"""
    from assistant.chat.router import ChatRouter
    from assistant.records import Answer

    text = _query(question)
    settings = _settings()
    audience = _audience(role, user, settings)
    chat = ChatRouter(_open_index(settings), settings)
    streamed: list[str] = []

    def run() -> Answer:
        final: Answer | None = None
        for item in chat.stream(text, audience):
            if isinstance(item, Answer):
                final = item
            elif not as_json:  # show the answer as it is produced
                streamed.append(item)
                typer.echo(item, nl=False)
        assert final is not None
        return final

    final = run()
    if as_json:
        _print_json(final.to_dict())
        return
    if final.notice:
        typer.echo(f"\n提示：{final.notice}", err=True)
    if "".join(streamed) != final.text:
        typer.echo(f"\n\n{final.text}", nl=False)
    typer.echo("")
    for citation in final.citations:
        typer.echo(f"[{citation.n}] 《{citation.chunk.title}》{citation.chunk.locator}：{citation.quote}")


@app.command()
def match(
    demand: Annotated[str | None, typer.Option("--demand", help="需求描述文本。")] = None,
    demand_id: Annotated[str | None, typer.Option("--demand-id", help="已索引需求的编号，如 D-A001。")] = None,
    patent_id: Annotated[str | None, typer.Option("--patent-id", help="已索引专利的申请号：为它找企业需求。")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="返回条数。")] = 10,
    role: RoleOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """供需匹配：需求找技术（--demand / --demand-id），或技术找企业（--patent-id）。"""
    from assistant.tasks.matching import Matcher

    if sum(x is not None for x in (demand, demand_id, patent_id)) != 1:
        raise InputError("请只给出 --demand、--demand-id、--patent-id 之一")
    text = _query(demand) if demand is not None else None
    settings = _settings()
    audience = _audience(role, user, settings)
    matcher = Matcher(_open_index(settings))
    if patent_id is not None:
        result = matcher.for_patent(patent_id, audience=audience, k=k)
    else:
        result = matcher.for_demand(text, audience=audience, demand_id=demand_id, k=k)
    if as_json:
        _print_json(result.to_dict())
        return
    from assistant.tasks.match_card import CARD_LABELS

    if line := result.understood_line():
        typer.echo(line)
    typer.echo(result.verdict or "没有找到匹配项。")
    for step in result.next_steps:
        typer.echo(f"  - {step}")
    if result.no_match and result.matches:
        typer.echo("最接近的记录（仅供参考）：")
    for number, found in enumerate(result.matches, start=1):
        typer.echo(
            f"[{number}] {found.chunk.title}（{found.chunk.doc_id}）  可信度 {found.confidence}  得分 {found.score:.3f}"
        )
        for reason in found.reasons:
            typer.echo(f"    · {reason}")
        for key, value in found.card.items():
            if key not in ("abstract", "problem"):
                typer.echo(f"    {CARD_LABELS[key]}：{value}")


@app.command()
def disclose(
    form: Annotated[Path, typer.Argument(help="披露表 JSON 文件（示例见 examples/disclosure-form.json）。")],
    output_format: Annotated[str, typer.Option("--format", help="md | docx")] = "md",
    output: Annotated[Path | None, typer.Option("-o", help="输出文件（默认：Markdown 打印到标准输出）。")] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="不把草稿存入索引。")] = False,
) -> None:
    """起草科技成果披露摘要：校验表单、相似专利、IPC 建议、需关注事项与下一步建议。

    草稿已输出但未能存入索引时，退出码为 1。
    """
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.index.visibility import Audience, Role
    from assistant.tasks.disclosure import DisclosureDrafter
    from assistant.tasks.disclosure_form import parse_form

    if output_format not in ("md", "docx"):
        raise InputError("--format 只能是 md 或 docx")
    if output_format == "docx" and output is None:
        raise InputError("输出 .docx 需要用 -o 指定文件")
    if not form.is_file():
        raise InputError(f"找不到披露表：{form}")
    parsed = parse_form(_decode(form.read_bytes(), f"披露表 {form} "))
    from assistant.generate.llm import make_chat_model

    settings = _settings()
    llm = make_chat_model(settings) if settings.llm_enabled else None
    drafter = DisclosureDrafter(KnowledgeIndex(settings), llm=llm)
    draft = drafter.draft(parsed, Audience(Role.RESEARCHER, parsed.author), store=False)
    if output_format == "docx":
        assert output is not None
        draft.save_docx(output)
        typer.echo(f"已写入 {output}", err=True)
    elif output is not None:
        output.write_text(draft.markdown(), encoding="utf-8")
        typer.echo(f"已写入 {output}", err=True)
    else:
        typer.echo(draft.markdown())
    if draft.notice:
        typer.echo(f"提示：{draft.notice}", err=True)
    if no_store:
        return
    stored = drafter.store(draft)  # a StoreError exits 1: the draft is out, only storing failed
    typer.echo(f"草稿已作为保密文档存入索引（仅 {parsed.author} 与转化专员可见）：{stored}", err=True)


@app.command()
def ipc(
    text: Annotated[str, typer.Argument(help="技术描述；“-” 表示从标准输入读取。")],
    k: Annotated[int, typer.Option("-k", min=1, max=10, help="建议条数。")] = 3,
    role: RoleOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """IPC 小类建议：由最相近的已分类专利投票产生（仅供参考）。"""
    from assistant.tasks.ipc import suggest_ipc

    query = _query(text)
    settings = _settings()
    audience = _audience(role, user, settings)
    suggestions = suggest_ipc(_open_index(settings), query, audience, k=k)
    if as_json:
        _print_json({"query": query, "suggestions": [s.to_dict() for s in suggestions]})
        return
    if not suggestions:
        typer.echo("没有可用的建议（索引中没有带 IPC 的专利，描述中也没有可识别的技术词）。")
    for suggestion in suggestions:
        typer.echo(
            f"{suggestion.code}  置信度 {suggestion.confidence:.0%}  依据：{'、'.join(suggestion.evidence) or '关键词'}"
        )


DateOption = Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="日期，如 2025-03-15。")]


def _date(value: str | None, option: str) -> date | None:
    """A date option, parsed here so that a wrong one is a Chinese message like any other input error.

    :raises InputError: ``value`` is not a date written as YYYY-MM-DD.
    """
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} 的值“{value}”应为日期，格式如 2025-03-15") from None


@app.command()
def brief(
    topic: Annotated[str, typer.Argument(help="简报主题，如 人工智能领域可转化成果、存量专利盘活进展。")],
    industry: Annotated[str | None, typer.Option("--industry", help="所属产业，如 人工智能。")] = None,
    since: DateOption = None,
    until: DateOption = None,
    ipc_prefix: Annotated[str | None, typer.Option("--ipc", help="IPC 部或分类号前缀，如 H 或 H01M。")] = None,
    status: Annotated[str | None, typer.Option("--status", help="法律状态，如 授权、有效。")] = None,
    maturity: Annotated[str | None, typer.Option("--maturity", help="最低成熟度，如 TRL6、中试。")] = None,
    role: RoleOption = None,
    user: UserOption = None,
    output_format: Annotated[
        str | None, typer.Option("--format", help="md | docx（默认取 -o 的后缀，否则 md）")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", help="输出文件（默认 briefings/主题-日期.格式）。")] = None,
    as_json: JsonOption = False,
) -> None:
    """生成简报：统计数字（注明统计范围）、图表、政策要点（有引用）、建议行动；输出 Markdown 或 Word。"""
    from rich.console import Console

    from assistant.generate.llm import make_chat_model
    from assistant.tasks.briefing import Briefer, BriefingRequest
    from assistant.tasks.briefing_document import default_stem, save_briefing

    fmt = _briefing_format(output_format, output)
    request = BriefingRequest(
        topic=_query(topic),
        industry=industry,
        ipc=ipc_prefix,
        since=_date(since, "--since"),
        until=_date(until, "--until"),
        legal_status=status,
        min_maturity=maturity,
    )
    settings = _settings()
    audience = _audience(role, user, settings)
    llm = make_chat_model(settings) if settings.llm_enabled else None
    briefer = Briefer(_open_index(settings), llm=llm)
    with Console(stderr=True).status("生成简报…") as status_line:
        briefing = briefer.build(request, audience, progress=lambda message: status_line.update(message))
        path = output or Path("briefings") / f"{default_stem(briefing)}.{fmt}"
        save_briefing(briefing, path, fmt)
    if as_json:
        _print_json(
            {
                "title": briefing.title,
                "path": str(path),
                "figures": [f.to_dict() for f in briefing.figures],
                "sources": briefing.sources(),
            }
        )
        return
    if briefing.notice:
        typer.echo(f"提示：{briefing.notice}", err=True)
    typer.echo(f"{briefing.title}\n\n{briefing.narrative}\n")
    for action in briefing.actions:
        typer.echo(f"· {action.text}")
    typer.echo(f"\n已写入 {path}", err=True)


def _briefing_format(option: str | None, output: Path | None) -> BriefingFormat:
    """--format, else the output file's suffix, else Markdown; a contradiction is an error."""
    from assistant.tasks.briefing_document import BriefingFormat

    formats = {f.value for f in BriefingFormat}
    suffix = output.suffix.lstrip(".").lower() if output else ""
    if option is not None and option not in formats:
        raise InputError(f"--format 只能是 {' 或 '.join(sorted(formats))}")
    if option is not None and suffix in formats and suffix != option:
        raise InputError(f"输出文件后缀 .{suffix} 与 --format {option} 不一致")
    return BriefingFormat(option or (suffix if suffix in formats else "md"))


@app.command()
def agencies(
    service: Annotated[str | None, typer.Option("--service", help="服务类型，如 价值评估、专利代理。")] = None,
    field: Annotated[str | None, typer.Option("--field", help="服务领域，如 生物医药。")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区，如 浦东。")] = None,
    whitelisted_only: Annotated[bool, typer.Option("--whitelisted-only", help="只列白名单机构。")] = False,
    need: Annotated[str | None, typer.Option("--for", help="按需求推荐白名单机构。")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="推荐条数。")] = 5,
    as_json: JsonOption = False,
) -> None:
    """服务机构白名单：按条件列出，或按需求推荐（只推荐白名单机构）。"""
    from assistant.index.visibility import Audience
    from assistant.tasks.agencies import list_agencies, recommend_agencies

    text = _query(need) if need is not None else None
    index = _open_index(_settings())
    public = Audience.public()  # the whitelist is public data
    if text is not None:
        found = recommend_agencies(index, text, public, k=k)
    else:
        found = list_agencies(
            index, public, service=service, field=field, region=region, whitelisted_only=whitelisted_only
        )
    if as_json:
        _print_json({"agencies": [a.to_dict() for a in found]})
        return
    if not found:
        typer.echo("没有符合条件的机构。")
    for agency in found:
        flag = "白名单" if agency.whitelisted else "非白名单"
        typer.echo(
            f"{agency.id} {agency.name}【{flag}】综合 {agency.overall:.1f}  {'、'.join(agency.services)}  {agency.region}"
        )
        for reason in agency.reasons:
            typer.echo(f"    · {reason}")


@app.command()
def rules(
    region: Annotated[str | None, typer.Option("--region", help="地区，如 上海（列出国家规则和该地区规则）。")] = None,
    mode: Annotated[str | None, typer.Option("--mode", help="转让 | 许可 | 作价投资 | 自行实施 | 合作实施")] = None,
    as_json: JsonOption = False,
) -> None:
    """规则库：列出可计算的规则（比例、期限、日期）及其法规条款。"""
    from assistant.tasks.rules import normalise_region

    base = _rule_base()
    chosen = base.select(region=region, mode=mode)
    if as_json:
        _print_json({"rules": [_rule_dict(rule) for rule in chosen]})
        return
    if region and not base.covers(normalise_region(region)):
        typer.echo(f"提示：规则库中没有{normalise_region(region)}的地方规则，只列出国家规则。", err=True)
    if not chosen:
        typer.echo("没有符合条件的规则。")
    for rule in chosen:
        value = f"{rule.value}{rule.unit}" if rule.value else "—"
        years = f"，{rule.years[0]}–{rule.years[1]}年" if rule.years and rule.years[0] != rule.years[1] else (
            f"，{rule.years[0]}年" if rule.years else "")  # fmt: skip
        typer.echo(f"{rule.id} [{rule.region}] {rule.quantity}：{value}{years}（{'、'.join(rule.modes) or '—'}；"
                   f"{rule.institution}）{rule.basis}")  # fmt: skip


def _rule_dict(rule: Any) -> dict[str, Any]:
    """A rule as ``kezhuan rules --json`` prints it (DESIGN.md)."""
    number = rule.number
    value: Any = (int(number) if number == number.to_integral_value() else float(number)) if number is not None else (
        rule.value or None)  # fmt: skip
    return {
        "id": rule.id,
        "region": rule.region,
        "institution": rule.institution,
        "mode": "、".join(rule.modes),
        "quantity": rule.quantity,
        "value": value,
        "unit": rule.unit,
        "effective_date": rule.effective_date.isoformat() if rule.effective_date else None,
        "basis": rule.basis,
    }


def _amount(value: str, option: str) -> Decimal:
    """An amount option in yuan, or with a 万/亿 suffix.

    :raises InputError: ``value`` is not one amount.
    """
    from assistant.domain import parse_yuan

    amount = parse_yuan(value)
    if amount is None:
        raise InputError(f"{option} 的值“{value}”应为金额，如 2000000、200万 或 1.5亿")
    return amount


@app.command()
def reward(
    mode: Annotated[str, typer.Option("--mode", help="转让 | 许可 | 作价投资 | 自行实施 | 合作实施")],
    income: Annotated[
        str,
        typer.Option(
            "--income", help="转让/许可：合同收入；作价投资：形成的股份价值；实施：年营业利润。可写 200万、1.5亿。"
        ),
    ],
    costs: Annotated[
        str | None, typer.Option("--costs", help="转让/许可：按规则可扣除的费用合计（税费、维护费、评估鉴定费）。")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区，如 上海（默认：全国）。")] = None,
    institution: Annotated[str | None, typer.Option("--institution", help="国家设立（默认）| 地方设立 | 其他")] = None,
    unit_share: Annotated[
        float | None, typer.Option("--unit-share", min=0, max=100, help="本单位制度或约定的奖励比例（%），如有。")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """奖励测算：净收入、各适用规则下团队的最低比例与金额、哪条规则起约束作用，每一步注明法条。"""
    from assistant.tasks.rules import RewardRequest, compute_reward, yuan

    request = RewardRequest(
        mode=mode,
        income=_amount(income, "--income"),
        costs=_amount(costs, "--costs") if costs is not None else None,
        region=region or "全国",
        institution=institution,
        unit_share=Decimal(str(unit_share)) if unit_share is not None else None,
    )
    result = compute_reward(_rule_base(), request)
    if as_json:
        _print_json(result.to_dict())
        return
    typer.echo(f"{result.region}·{result.mode}：团队至少 {yuan(result.binding.min_amount)}（{result.binding.basis}）")
    for number, step in enumerate(result.steps, start=1):
        typer.echo(f"{number}. {step.text}" + (f"  [{step.basis}]" if step.basis else ""))
    for note in result.notes:
        typer.echo(f"注：{note}")


def _rule_base() -> RuleBase:
    """The rule base of the configured index: public data, read with the public audience."""
    from assistant.index.visibility import Audience
    from assistant.tasks.rules import load_rules

    return load_rules(_open_index(_settings()), Audience.public())


@app.command(name="eval")
def evaluate(
    suite: Annotated[
        str,
        typer.Option(
            "--suite",
            help="retrieval（法规检索）| kb（知识库检索）| qa（问答）| matching | ipc | rules（奖励测算与披露时间线）",
        ),
    ] = "retrieval",
    corpus: Annotated[Path | None, typer.Option("--corpus", help="被索引的文件夹（默认按评测集而定）。")] = None,
    questions: Annotated[Path | None, typer.Option("--questions", help="问题集 JSONL。")] = None,
    as_json: JsonOption = False,
) -> None:
    """运行评测：在临时索引上比较 dense、keyword 与混合检索。"""
    from assistant.evaluation.ipc import run_ipc_suite
    from assistant.evaluation.matching import run_matching_suite
    from assistant.evaluation.qa import run_qa_suite
    from assistant.evaluation.retrieval import SUITES, run_retrieval_suite
    from assistant.evaluation.rules import run_rules_suite

    report: Any
    settings = _settings()
    if suite == "ipc":
        report = run_ipc_suite(settings, log=not as_json)
    elif suite == "matching":
        report = run_matching_suite(settings, log=not as_json)
    elif suite == "rules":
        report = run_rules_suite(settings, log=not as_json)
    elif suite == "qa":
        report = run_qa_suite(settings, knowledge=corpus or Path("knowledge"), log=not as_json)
    elif suite in SUITES:
        report = run_retrieval_suite(SUITES[suite], settings, corpus=corpus, questions=questions, log=not as_json)
    else:
        raise InputError(f"未知的评测集 {suite!r}；可选：{', '.join([*SUITES, 'qa', 'matching', 'ipc', 'rules'])}")
    if as_json:
        _print_json(report.to_dict())
    else:
        typer.echo(report.table())


def main(args: Sequence[str] | None = None) -> int:
    """Console-script entry point, and the one place where a failure becomes a message and an exit code.

    A :class:`KezhuanError` or a usage error (unknown option, ``-k 0``, a missing argument)
    prints one line, ``错误：…``, on stderr and returns its exit code. Anything else
    propagates: it is a bug, and its traceback is what a bug report needs.

    :param args: the arguments after ``kezhuan`` (default: ``sys.argv[1:]``).
    :returns: the exit code (the console script passes it to ``sys.exit``).
    """
    try:
        code = app(args=args, prog_name="kezhuan", standalone_mode=False)
    except DisclosureFormError as exc:  # one line per field, as the form's page shows them
        for name, problem in exc.problems.items():
            typer.echo(f"错误：{exc.label(name)}（{name}）：{problem}", err=True)
        return exc.exit_code
    except KezhuanError as exc:
        return _error(str(exc), exc.exit_code)
    except NoArgsIsHelpError as exc:  # plain `kezhuan`: the help is the answer (rich has already printed it)
        if help_text := exc.format_message():
            typer.echo(help_text)
        return exc.exit_code
    except UsageError as exc:
        return _error(_usage_message(exc), exc.exit_code)
    except typer.Abort:
        return _error("已取消", 1)
    return code if isinstance(code, int) else 0


def run() -> NoReturn:
    """The console script: :func:`main`, then leave without tearing the interpreter down.

    Every command's work is durable when it returns (SQLite and Chroma commit before their
    calls return; the keyword index is saved explicitly), and the output is flushed here.
    Tearing down the thousands of objects that Chroma's imports create took a quarter of a
    second after every command, a sixth of a whole ``kezhuan search``.
    """
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _error(message: str, exit_code: int) -> int:
    typer.echo(f"错误：{' '.join(message.splitlines())}", err=True)
    return exit_code


def _usage_message(exc: UsageError) -> str:
    """A usage error in Chinese, naming the option and what it takes (typer's own text is English)."""
    hint = f"；运行 {exc.ctx.command_path} --help 查看用法" if exc.ctx else ""
    if isinstance(exc, BadParameter) and exc.param is not None:  # MissingParameter is one too
        param = exc.param
        name = param.name.upper() if param.param_type_name == "argument" else "/".join(param.opts)
        if isinstance(exc, MissingParameter):
            return f"缺少 {name}{hint}"
        if isinstance(exc.__cause__, ValidationError):  # typer checks values with pydantic
            problem = exc.__cause__.errors()[0]
            return f"{name} 的值“{problem.get('input')}”{expectation(problem)}{hint}"
        return f"{name} 的值无效（{exc.message}）{hint}"
    if isinstance(exc, NoSuchOption):
        guess = f"；是否想用 {'、'.join(exc.possibilities)}" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{guess}{hint}"
    if isinstance(exc, BadOptionUsage):
        return f"选项 {exc.option_name} 的用法不对（{exc.message}）{hint}"
    return f"用法错误（{exc.message}）{hint}"
