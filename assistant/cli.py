"""The ``kezhuan`` command line. Its JSON shapes and exit codes are a contract (DESIGN.md).

Exit codes: 0 success; 1 partial failure (some files failed, the rest were indexed);
2 bad usage or bad input, with one line on stderr naming the problem.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from assistant.config import Settings
from assistant.errors import KezhuanError

if TYPE_CHECKING:
    from assistant.index.visibility import Audience
    from assistant.report.documents import BriefingFormat

__all__ = ["app", "main"]

app = typer.Typer(
    name="kezhuan",
    help="科转助手：高校科技成果转化知识库的索引、检索与评测。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")

JsonOption = Annotated[bool, typer.Option("--json", help="只在标准输出打印一个 JSON 对象。")]
RoleOption = Annotated[
    str | None,
    typer.Option(
        "--role", help="researcher | officer | enterprise（默认：给了 --user 为 researcher，否则只看公开资料）"
    ),
]
UserOption = Annotated[str | None, typer.Option("--user", help="研究人员编号：可看到本人的披露（默认 KEZHUAN_USER）。")]
TypeOption = Annotated[str | None, typer.Option("--type", help="policy | patent | agency | demand | disclosure | faq")]


def _fail(message: str) -> NoReturn:
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(2)


def _guard(action: Callable[[], T]) -> T:
    """Run ``action``; our own errors and bad option values become one line and exit 2."""
    try:
        return action()
    except KezhuanError as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(str(exc).splitlines()[0])


def _audience(role: str | None, user: str | None, settings: Settings) -> Audience:
    """Whose view a command renders: built once here and handed to the task (least privilege by default)."""
    from assistant.index.visibility import Audience

    return _guard(lambda: Audience.parse(role, user or settings.user))


def _read_query(argument: str) -> str:
    """The query argument, or standard input when it is "-" (for text too long for argv)."""
    return sys.stdin.read() if argument == "-" else argument


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
        _fail("路径不存在：" + "、".join(str(p) for p in paths))
    kind = _guard(lambda: DocType.from_str(doc_type)) if doc_type else None
    index = _guard(lambda: KnowledgeIndex(Settings()))
    progress = _RichProgress() if not as_json and sys.stderr.isatty() else None
    report = _guard(lambda: Ingestor(index).ingest(paths, doc_type=kind, reset=reset, prune=prune, progress=progress))
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
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.query import clean_query
    from assistant.records import DocType

    text, warning = _guard(lambda: clean_query(_read_query(query)))
    if warning:
        typer.echo(f"警告：{warning}", err=True)
    kinds = _guard(lambda: [DocType.from_str(doc_type)]) if doc_type else None
    fusion = _guard(lambda: FusionMode.from_str(mode))
    settings = Settings()
    audience = _audience(role, user, settings)
    index = _guard(lambda: KnowledgeIndex(settings))
    if index.count() == 0:
        typer.echo("提示：索引为空，请先运行 kezhuan ingest knowledge/", err=True)
    hits = _guard(lambda: index.search(text, audience, top_k=k, doc_types=kinds, mode=fusion))
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
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.query import clean_query
    from assistant.records import Answer

    text, warning = _guard(lambda: clean_query(_read_query(question)))
    if warning:
        typer.echo(f"警告：{warning}", err=True)
    settings = Settings()
    audience = _audience(role, user, settings)
    chat = _guard(lambda: ChatRouter(KnowledgeIndex(settings), settings))
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

    final = _guard(run)
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
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.tasks.matching import Matcher

    if sum(x is not None for x in (demand, demand_id, patent_id)) != 1:
        _fail("请只给出 --demand、--demand-id、--patent-id 之一")
    settings = Settings()
    audience = _audience(role, user, settings)
    matcher = Matcher(_guard(lambda: KnowledgeIndex(settings)))
    if patent_id is not None:
        result = _guard(lambda: matcher.for_patent(patent_id, audience=audience, k=k))
    else:
        result = _guard(lambda: matcher.for_demand(demand, audience=audience, demand_id=demand_id, k=k))
    if as_json:
        _print_json(result.to_dict())
        return
    if not result.matches:
        typer.echo("没有找到匹配项。")
    for number, found in enumerate(result.matches, start=1):
        typer.echo(f"[{number}] {found.chunk.title}（{found.chunk.doc_id}）  得分 {found.score:.3f}")
        for reason in found.reasons:
            typer.echo(f"    · {reason}")


@app.command()
def disclose(
    form: Annotated[Path, typer.Argument(help="披露表 JSON 文件（示例见 examples/disclosure-form.json）。")],
    output_format: Annotated[str, typer.Option("--format", help="md | docx")] = "md",
    output: Annotated[Path | None, typer.Option("-o", help="输出文件（默认：Markdown 打印到标准输出）。")] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="不把草稿存入索引。")] = False,
) -> None:
    """起草科技成果披露摘要：校验表单、相似专利、IPC 建议、需关注事项与下一步建议。"""
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.index.visibility import Audience, Role
    from assistant.tasks.disclosure import DisclosureDrafter, DisclosureFormError, parse_form

    if output_format not in ("md", "docx"):
        _fail("--format 只能是 md 或 docx")
    if output_format == "docx" and output is None:
        _fail("输出 .docx 需要用 -o 指定文件")
    if not form.is_file():
        _fail(f"找不到披露表：{form}")
    try:
        parsed = parse_form(form.read_text(encoding="utf-8"))
    except DisclosureFormError as exc:
        for name, problem in exc.problems.items():
            typer.echo(f"错误：{name}：{problem}", err=True)
        raise typer.Exit(2) from None
    from assistant.generate.llm import make_chat_model

    settings = Settings()
    llm = _guard(lambda: make_chat_model(settings)) if settings.llm_enabled else None
    drafter = DisclosureDrafter(_guard(lambda: KnowledgeIndex(settings)), llm=llm)
    draft = _guard(lambda: drafter.draft(parsed, Audience(Role.RESEARCHER, parsed.author), store=not no_store))
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
    if draft.stored_as:
        typer.echo(f"草稿已作为保密文档存入索引（仅 {parsed.author} 与转化专员可见）：{draft.stored_as}", err=True)


@app.command()
def ipc(
    text: Annotated[str, typer.Argument(help="技术描述；“-” 表示从标准输入读取。")],
    k: Annotated[int, typer.Option("-k", min=1, max=10, help="建议条数。")] = 3,
    role: RoleOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """IPC 小类建议：由最相近的已分类专利投票产生（仅供参考）。"""
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.query import clean_query
    from assistant.tasks.ipc import suggest_ipc

    query, _ = _guard(lambda: clean_query(_read_query(text)))
    settings = Settings()
    audience = _audience(role, user, settings)
    suggestions = _guard(lambda: suggest_ipc(KnowledgeIndex(settings), query, audience, k=k))
    if as_json:
        _print_json({"query": query, "suggestions": [s.to_dict() for s in suggestions]})
        return
    if not suggestions:
        typer.echo("没有可用的建议（索引中没有带 IPC 的专利，描述中也没有可识别的技术词）。")
    for suggestion in suggestions:
        typer.echo(
            f"{suggestion.code}  置信度 {suggestion.confidence:.0%}  依据：{'、'.join(suggestion.evidence) or '关键词'}"
        )


DateOption = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="日期，YYYY-MM-DD。")]


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
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.report.documents import default_stem, save_briefing
    from assistant.tasks.briefing import Briefer, BriefingRequest

    fmt = _briefing_format(output_format, output)
    request = BriefingRequest(
        topic=_read_query(topic),
        industry=industry,
        ipc=ipc_prefix,
        since=since.date() if since else None,
        until=until.date() if until else None,
        legal_status=status,
        min_maturity=maturity,
    )
    settings = Settings()
    audience = _audience(role, user, settings)
    llm = _guard(lambda: make_chat_model(settings)) if settings.llm_enabled else None
    briefer = Briefer(_guard(lambda: KnowledgeIndex(settings)), llm=llm)
    with Console(stderr=True).status("生成简报…") as status_line:
        briefing = _guard(
            lambda: briefer.build(request, audience, progress=lambda message: status_line.update(message))
        )
        path = output or Path("briefings") / f"{default_stem(briefing)}.{fmt}"
        _guard(lambda: save_briefing(briefing, path, fmt))
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
    from assistant.report.documents import BriefingFormat

    formats = {f.value for f in BriefingFormat}
    suffix = output.suffix.lstrip(".").lower() if output else ""
    if option is not None and option not in formats:
        _fail(f"--format 只能是 {' 或 '.join(sorted(formats))}")
    if option is not None and suffix in formats and suffix != option:
        _fail(f"输出文件后缀 .{suffix} 与 --format {option} 不一致")
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
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.index.visibility import Audience
    from assistant.tasks.agencies import list_agencies, recommend_agencies

    index = _guard(lambda: KnowledgeIndex(Settings()))
    public = Audience.public()  # the whitelist is public data
    if need is not None:
        found = _guard(lambda: recommend_agencies(index, need, public, k=k))
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


@app.command(name="eval")
def evaluate(
    suite: Annotated[
        str, typer.Option("--suite", help="retrieval（法规检索）| kb（知识库检索）| qa（问答）")
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

    report: Any
    if suite == "ipc":
        report = _guard(lambda: run_ipc_suite(Settings(), log=not as_json))
    elif suite == "matching":
        report = _guard(lambda: run_matching_suite(Settings(), log=not as_json))
    elif suite == "qa":
        report = _guard(lambda: run_qa_suite(Settings(), knowledge=corpus or Path("knowledge"), log=not as_json))
    elif suite in SUITES:
        report = _guard(
            lambda: run_retrieval_suite(SUITES[suite], Settings(), corpus=corpus, questions=questions, log=not as_json)
        )
    else:
        _fail(f"未知的评测集 {suite!r}；可选：{', '.join([*SUITES, 'qa', 'matching', 'ipc'])}")
    if as_json:
        _print_json(report.to_dict())
    else:
        typer.echo(report.table())


def main() -> None:
    """Console-script entry point."""
    app()
