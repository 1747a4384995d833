"""The copilot's tool framework: a typed spec per capability, the caller's context, and the rules every call obeys.

Each tool has a pydantic input and output schema, the roles that may call it (the same as the HTTP route behind the
capability) and a function. :func:`call_tool` validates the arguments, refuses a role that may not call the tool,
answers another tenant's case exactly like an unknown one, and turns every failure into a :class:`ToolFailure` the
conversation can show: a tool call never raises into the graph.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from core import clock as wall_clock
from core.deps import Deps
from core.domain import CaseFile
from core.repository import CaseNotFoundError
from core.settings import Role

log = logging.getLogger("qingshou.copilot")

I = TypeVar("I", bound=BaseModel)  # noqa: E741 - the input model
O = TypeVar("O", bound=BaseModel)  # noqa: E741 - the output model

ALL_ROLES: frozenset[Role] = frozenset({"collector", "supervisor", "compliance", "qa", "system"})
PII_ROLES: frozenset[Role] = frozenset({"supervisor", "compliance", "system"})
CASE_ID_PATTERN = r"^C\d{6,7}$"


class ToolError(Exception):
    """A tool refused or failed in a way the user should read (bilingual message)."""

    def __init__(self, message: str, *, code: str = "tool_error") -> None:
        super().__init__(message)
        self.code = code


def bilingual(zh: str, en: str, detail: object) -> str:
    """``"zh：detail_zh / en: detail_en"``, splitting a detail that is itself written "中文 / English"."""
    text = str(detail)
    dz, sep, de = text.partition(" / ")
    return f"{zh}：{dz} / {en}: {de if sep else dz}"


class Source(BaseModel):
    """A citable source behind a statement: a regulation article, a rule pack entry, a script."""

    title: str = Field(description="Title of the law, regulation or pack entry")
    article: str = Field(default="", description="Article or entry, e.g. 第二十三条 or cn-cba-2026/no-threats")
    ref: str = Field(default="", description="Chunk or rule id, to open the source")
    quote: str = Field(default="", description="The sentence that supports the statement")

    def label(self) -> str:
        """``《title》article``, as cited in an answer."""
        title = self.title if self.title.startswith("《") else f"《{self.title}》"
        return f"{title}{self.article}" if self.article else title


class Described(BaseModel):
    """What a tool's output says, in both languages, and the sources it rests on."""

    zh: str
    en: str
    sources: list[Source] = Field(default_factory=list)


class Approval(BaseModel):
    """A decision the run must wait for (it pauses with ``interrupt()`` carrying this)."""

    kind: Literal["offer", "legal_document", "contact_referral"]
    id: str = Field(default="", description="Id of the interrupt (what a supervisor resumes)")
    case_id: str
    record_id: str = Field(description="Id of the approval record (offer approval, legal document, referral)")
    summary_zh: str
    summary_en: str
    details: dict[str, Any] = Field(default_factory=dict, description="What the supervisor decides on (masked)")
    editable: list[str] = Field(default_factory=list, description="Fields an 'edit' decision may change")


@dataclass(kw_only=True)
class ToolContext:
    """Who calls and with what: the same identity the HTTP routes check."""

    deps: Deps
    role: Role
    tenant: str | None = None
    """The tenant the caller's key is bound to (None: a platform key, every tenant)."""
    thread_id: str | None = None
    clock: Callable[[], dt.datetime] = field(default=wall_clock.read)
    retrieval: Callable[[], Any] | None = None
    """Returns the process's retrieval service (built on first use when None)."""

    @property
    def actor(self) -> str:
        """How the audit trail names this caller."""
        return f"copilot:{self.role}"

    def today(self) -> dt.date:
        """The caller's date (China time)."""
        return self.clock().astimezone(dt.timezone(dt.timedelta(hours=8))).date()

    def case(self, case_id: str) -> CaseFile:
        """The case, when the caller may see it; another tenant's case reads as unknown."""
        try:
            return self.deps.cases.get_case(case_id, tenant=self.tenant)
        except CaseNotFoundError:
            raise ToolError(f"案件不存在 / unknown case: {case_id}", code="unknown_case") from None

    def require_case(self, case_id: str) -> None:
        """Raise :class:`ToolError` unless the caller may see ``case_id``."""
        if not self.deps.cases.exists(case_id, tenant=self.tenant):
            raise ToolError(f"案件不存在 / unknown case: {case_id}", code="unknown_case")


@dataclass(frozen=True)
class Tool(Generic[I, O]):
    """One capability: schemas, permissions, the function and how its output reads."""

    name: str
    title_zh: str
    title_en: str
    description: str
    input: type[I]
    output: type[O]
    roles: frozenset[Role]
    run: Callable[[ToolContext, I], Awaitable[O]]
    describe: Callable[[O], Described]
    approval: Callable[[O], Approval | None] | None = None
    """Whether the output needs a person's decision before the run may go on."""

    def schema(self) -> dict[str, Any]:
        """The OpenAI function-calling spec of this tool (as SGLang serves DeepSeek)."""
        params = self.input.model_json_schema()
        params.pop("title", None)
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": params},
        }


class ToolOutcome(BaseModel):
    """One executed tool call, as the state keeps it."""

    call_id: str
    name: str
    args: dict[str, Any]
    ok: bool
    output: dict[str, Any] | None = None
    error: str | None = None
    code: str | None = None
    described: Described | None = None
    approval: Approval | None = None


async def call_tool(tool: Tool[Any, Any], args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolOutcome:
    """Validate, authorise and run one call; every failure comes back as a failed outcome, never an exception."""

    def failed(message: str, code: str) -> ToolOutcome:
        return ToolOutcome(call_id=call_id, name=tool.name, args=args, ok=False, error=message, code=code)

    if ctx.role not in tool.roles:
        allowed = ", ".join(sorted(tool.roles))
        return failed(f"角色 {ctx.role} 无权使用「{tool.title_zh}」 / role {ctx.role!r} may not {tool.title_en}; "
                      f"allowed: {allowed}", "forbidden")  # fmt: skip
    try:
        parsed = tool.input.model_validate(args)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return failed(f"参数不正确 / invalid arguments: {problems}", "invalid_arguments")
    try:
        output = await tool.run(ctx, parsed)
    except ToolError as exc:
        return failed(str(exc), exc.code)
    except Exception as exc:  # a bug in one tool must not end the conversation; it is logged and shown
        log.exception("copilot tool %s failed", tool.name)
        return failed(f"工具执行失败 / the tool failed: {type(exc).__name__}", "internal")
    described = tool.describe(output)
    approval = tool.approval(output) if tool.approval else None
    return ToolOutcome(
        call_id=call_id,
        name=tool.name,
        args=parsed.model_dump(mode="json", exclude_none=True),
        ok=True,
        output=output.model_dump(mode="json"),
        described=described,
        approval=approval,
    )
