"""Read a transcript from JSON or from plain text lines such as ``坐席：...`` / ``客户：...``."""

from __future__ import annotations

import datetime as dt
import json
import re

from pydantic import ValidationError

from tools.compliance.models import MAX_TRANSCRIPT_CHARS, ReviewChannel, Speaker, Transcript

MAX_INPUT_CHARS = MAX_TRANSCRIPT_CHARS + 50_000
"""Longest input read at all (JSON keys and timestamps take room beside the turns' text)."""
SPEAKERS: dict[str, Speaker] = {
    "坐席": Speaker.AGENT, "催收员": Speaker.AGENT, "客服": Speaker.AGENT, "agent": Speaker.AGENT,
    "collector": Speaker.AGENT, "机器人": Speaker.BOT, "bot": Speaker.BOT, "客户": Speaker.DEBTOR,
    "债务人": Speaker.DEBTOR, "借款人": Speaker.DEBTOR, "debtor": Speaker.DEBTOR, "customer": Speaker.DEBTOR,
    "第三方": Speaker.THIRD_PARTY, "third party": Speaker.THIRD_PARTY, "third_party": Speaker.THIRD_PARTY,
}  # fmt: skip
_LINE = re.compile(
    r"^\s*(?:\[?(?P<at>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*)?"
    r"(?P<who>"
    + "|".join(sorted((re.escape(k) for k in SPEAKERS), key=len, reverse=True))
    + r")\s*[：:]\s*(?P<text>.*)$",
    re.IGNORECASE,
)


class TranscriptError(ValueError):
    """Input that is not a reviewable transcript; the message says what is wrong and where."""


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "transcript"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def transcript_from_data(data: object) -> Transcript:
    """Validate a decoded JSON object as a transcript.

    Raises:
        TranscriptError: a field is missing or invalid (no turns, unknown speaker, timestamp without offset...).
    """
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        raise TranscriptError(_validation_message(exc)) from None


def _parse_at(raw: str, line_no: int) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise TranscriptError(f"line {line_no}: unparsable timestamp {raw!r}") from None
    if at.utcoffset() is None:
        raise TranscriptError(f"line {line_no}: timestamp {raw!r} has no UTC offset (write e.g. {raw}+08:00)")
    return at


def transcript_from_lines(text: str, *, channel: ReviewChannel = "call", case_id: str | None = None) -> Transcript:
    """Parse plain text: one turn per ``<speaker>：<text>`` line, optionally led by an ISO timestamp.

    Lines without a speaker continue the previous turn; blank lines are skipped. Without timestamps the review
    cannot check quiet hours and says so in its notes.

    Raises:
        TranscriptError: text before the first speaker, a bad timestamp, or no turns.
    """
    turns: list[dict[str, object]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            if not turns:
                raise TranscriptError(
                    f"line {line_no}: no speaker; start turns with 坐席：/客户：/机器人：/第三方： or Agent:/Debtor:"
                )
            turns[-1]["text"] = f"{turns[-1]['text']}\n{line.strip()}"
            continue
        at = _parse_at(match["at"], line_no) if match["at"] else None
        turns.append({"speaker": SPEAKERS[match["who"].lower()], "text": match["text"].strip(), "at": at})
    turns = [t for t in turns if str(t["text"]).strip()]
    if not turns:
        raise TranscriptError("no turns: the transcript is empty")
    return transcript_from_data({"channel": channel, "case_id": case_id, "turns": turns})


def parse_transcript(text: str, *, channel: ReviewChannel = "call", case_id: str | None = None) -> Transcript:
    """A transcript from JSON (``{"channel", "turns": [...]}``) or from plain text lines.

    Raises:
        TranscriptError: the input is too long, malformed or not a transcript.
    """
    if len(text) > MAX_INPUT_CHARS:
        raise TranscriptError(f"input of {len(text)} characters; at most {MAX_TRANSCRIPT_CHARS} of turns are reviewed")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise TranscriptError(f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
        if isinstance(data, dict) and case_id and not data.get("case_id"):
            data["case_id"] = case_id
        return transcript_from_data(data)
    return transcript_from_lines(stripped, channel=channel, case_id=case_id)
