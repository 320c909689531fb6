"""Slack messages: a `text` fallback and Block Kit blocks, kept inside Slack's documented limits.

Limits (api.slack.com/reference/block-kit): 50 blocks a message; header text 150 characters; section
text 3000, at most 10 section fields of 2000 each; context at most 10 elements of 2000 each; button
text 75, url 3000. Text we do not control (company names, evidence) is escaped for mrkdwn and cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from monitor.edgar.calendar import EASTERN
from monitor.edgar.urls import public_filing_url, public_submission_url
from monitor.escape import for_slack as escape
from monitor.notify.base import Alert, AlertEvent
from rules.catalogue import event_type, format_fields, format_implied_price, format_value, implied_price
from rules.fields import FieldValue

Block = dict[str, Any]

MAX_BLOCKS = 50
HEADER_CHARS = 150
SECTION_CHARS = 3000
FIELD_CHARS = 2000
MAX_FIELDS = 10
EVIDENCE_CHARS = 700  # a quote readable on a phone; the full sentence is in the filing
TEXT_CHARS = 3000  # Slack cuts `text` at 40,000; notifications show far less
BLOCKS_PER_EVENT = 2
MAX_DIGEST_ITEMS = 40


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    blocks: list[Block]


def alert_message(alert: Alert) -> Message:
    """One filing: header, filing line, a section and a quote per event, links, rule ids."""
    company = alert.company or "Unknown company"
    title = f"{company} · {alert.ticker}" if alert.ticker else company
    blocks: list[Block] = [_header(f"{title} · {alert.form or '?'}"), _filing_line(alert)]
    if alert.dilution:
        blocks.append(_section(f"*Dilution* {escape(alert.dilution)}"))
    room = (MAX_BLOCKS - len(blocks) - 3) // BLOCKS_PER_EVENT  # 3: the 'more' line, the links, the rules
    shown = alert.events[:room]
    for number, event in enumerate(shown):
        # One quote per sentence: events read from the same sentence share the quote after the last.
        following = shown[number + 1].evidence if number + 1 < len(shown) else None
        blocks.extend(_event_blocks(event, quote=_same_words(following, event.evidence) is not True))
    if len(alert.events) > len(shown):
        blocks.append(_section(f"_…and {len(alert.events) - len(shown)} more events: see the filing._"))
    if alert.cik:
        blocks.append(_links(alert))
    deal = f"deal #{alert.deal.id} · " if alert.deal else ""
    blocks.append(_context(f"{deal}rules: {', '.join(sorted({e.rule for e in alert.events}))} · filing-monitor"))
    return Message(text=cut(summary_text(alert), TEXT_CHARS), blocks=blocks)


def reply_message(alert: Alert) -> Message:
    """A later filing of a deal, in the deal's thread: its part and only what it adds."""
    assert alert.deal is not None
    accession = f"<{alert.url}|{alert.accession}>" if alert.url else alert.accession
    line = f"*{escape(alert.form or '?')}* {accession} · {escape(alert.deal.adds or alert.deal.part)}"
    blocks: list[Block] = [_section(line)]
    notes = [f"⚠️ {escape(check)}" for e in alert.events for check in e.checks]
    if alert.dilution:
        notes.append(f"dilution: {escape(alert.dilution)}")
    if notes:
        blocks.append(_context(cut("\n".join(notes), FIELD_CHARS)))
    blocks.append(_context(f"deal #{alert.deal.id} · {alert.deal.part} · filing-monitor"))
    text = f"{escape(alert.name)} ({escape(alert.form or '?')}, {accession}) {escape(alert.deal.adds)}"
    return Message(text=cut(text, TEXT_CHARS), blocks=blocks)


def deal_message(alert: Alert) -> Message:
    """The deal's first message as a later filing updates it: the deal's terms now, and its filings."""
    assert alert.deal is not None
    deal = alert.deal
    company = alert.company or "Unknown company"
    title = f"{company} · {alert.ticker}" if alert.ticker else company
    blocks: list[Block] = [_header(f"{title} · deal #{deal.id}")]
    for type_name, fields in list(deal.terms.items())[: MAX_BLOCKS // 2]:
        blocks.append(_event_blocks(AlertEvent(type_name, "", fields, ""), quote=False)[0])
    filings = deal.filings
    lines = [_deal_filing_line(alert.cik, line.accession, line.form, line.part, line.filed) for line in filings]
    blocks.append(_section(cut("*Filings*\n" + "\n".join(lines), SECTION_CHARS)))
    blocks.append(_context(f"deal #{deal.id} · {len(filings)} filings · filing-monitor"))
    terms = "; ".join(f"{event_type(t).title.lower()} {format_fields(t, f)}" for t, f in deal.terms.items())
    text = f"{escape(alert.name)} · deal #{deal.id}: {escape(terms)} · {len(filings)} filings"
    return Message(text=cut(text, TEXT_CHARS), blocks=blocks[:MAX_BLOCKS])


def _deal_filing_line(cik: str | None, accession: str, form: str | None, part: str, filed: date | None) -> str:
    url = public_filing_url(cik, accession) if cik else None
    shown = f"<{url}|{accession}>" if url else accession
    when = f" · filed {filed.isoformat()}" if filed else ""
    return f"• {escape(part)}: *{escape(form or '?')}* {shown}{when}"


def digest_message(alerts: Sequence[Alert]) -> Message:
    """Several filings in one message, one line each (busy channels)."""
    shown = list(alerts[:MAX_DIGEST_ITEMS])
    blocks: list[Block] = [_header(f"{len(alerts)} financing filings")]
    blocks.extend(_section(_digest_line(alert)) for alert in shown)
    if len(alerts) > len(shown):
        blocks.append(_section(f"_…and {len(alerts) - len(shown)} more: `filing-monitor events list`._"))
    rules = sorted({e.rule for a in alerts for e in a.events})
    blocks.append(_context(cut(f"rules: {', '.join(rules)} · filing-monitor digest", FIELD_CHARS)))
    text = f"{len(alerts)} financing filings: " + " | ".join(summary_text(a) for a in alerts)
    return Message(text=cut(text, TEXT_CHARS), blocks=blocks)


def summary_text(alert: Alert) -> str:
    """The `text` line (what notifications show): who filed what, and each event's key numbers.

    Everything a filer wrote is escaped, so that the only Slack link in it is ours: the accession
    number, linked to the filing. `accession_link_in` finds a filing's message by that link alone.
    """
    accession = f"<{alert.url}|{alert.accession}>" if alert.url else alert.accession
    who = f"{escape(alert.name)} ({escape(alert.form or '?')}, {accession})"
    dilution = f" · dilution: {escape(alert.dilution)}" if alert.dilution else ""
    return f"{who}: {escape(alert.numbers())}{dilution}"


def accession_link_in(text: str, accession: str) -> bool:
    """Whether a message's text holds our link to the filing: '|ACCESSION>' cannot come from a filer,
    whose '<' and '>' are escaped, so text a filer wrote cannot make another filing look delivered."""
    return f"|{accession}>" in text


def _digest_line(alert: Alert) -> str:
    who = escape(alert.name)
    name = f"<{alert.url}|{who}>" if alert.url else who
    parts = [f"{event_type(e.type).title}: {_key_numbers(e)}" for e in alert.events]
    said = "; ".join(parts)
    if alert.deal is not None and not alert.deal.first:
        said = alert.deal.adds
    deal = f" · deal #{alert.deal.id}" if alert.deal else ""
    return cut(f"*{name}* ({escape(alert.form or '?')}, {alert.accession}){deal} — {escape(said)}", SECTION_CHARS)


def _key_numbers(event: AlertEvent) -> str:
    declared = event_type(event.type)
    headline = declared.headline_fields()  # what the catalogue says a one-line summary shows
    shown = [format_value(event.fields[k], declared.kind_of(k)) for k in headline if k in event.fields]
    return ", ".join(shown) or "terms not stated"


def _filing_line(alert: Alert) -> Block:
    accession = f"<{alert.url}|{alert.accession}>" if alert.url else alert.accession
    parts = [f"*{escape(alert.form or '?')}* {accession}"]
    if alert.filed:
        parts.append(f"filed {alert.filed.isoformat()}")
    if alert.accepted_at:
        parts.append(f"accepted by the SEC {alert.accepted_at.astimezone(EASTERN):%Y-%m-%d %H:%M:%S} ET")
    if alert.cik:
        parts.append(f"CIK {alert.cik}")
    return _section(" · ".join(parts))


def _same_words(one: str | None, other: str) -> bool | None:
    """Whether two quotes are the same sentence; None when there is no other."""
    return None if one is None else " ".join(one.split()) == " ".join(other.split())


def _event_blocks(event: AlertEvent, quote: bool = True) -> list[Block]:
    title = event_type(event.type).title
    if not event.fields:
        section: Block = _section(f"*{title}* — terms not stated")
    else:
        section = _section(f"*{title}*")
        fields = [_field(name, value, event.type) for name, value in event.fields.items()]
        implied = implied_price(event.type, event.fields)
        if implied is not None:
            fields.append(_label("Implied price", f"{format_implied_price(implied)} (amount ÷ shares)"))
        section["fields"] = fields[:MAX_FIELDS]
    blocks = [section]
    notes = [f"⚠️ {escape(check)}" for check in event.checks]
    if quote:
        notes.insert(0, f"“{escape(cut(' '.join(event.evidence.split()), EVIDENCE_CHARS))}”")
    if notes:
        blocks.append(_context(cut("\n".join(notes), FIELD_CHARS)))
    return blocks


def _field(name: str, value: FieldValue, type_name: str) -> Block:
    described = event_type(type_name)
    kind, label = described.kind_of(name), described.title_of(name)
    return _label(label, format_value(value, kind).replace("_", " "))


def _label(label: str, shown: str) -> Block:
    return {"type": "mrkdwn", "text": cut(f"*{label}*\n{escape(shown)}", FIELD_CHARS)}


def _links(alert: Alert) -> Block:
    assert alert.cik and alert.url
    buttons = [("Filing index", alert.url), ("Full text", public_submission_url(alert.cik, alert.accession))]
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": label},
                "url": url,
                "action_id": f"open-{n}",
            }
            for n, (label, url) in enumerate(buttons)
        ],
    }


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": cut(text, HEADER_CHARS), "emoji": True}}


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(mrkdwn, SECTION_CHARS)}}


def _context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(mrkdwn, FIELD_CHARS)}]}


def cut(text: str, limit: int) -> str:
    """Text within `limit` characters, ended at a word with '…' when it was longer."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.6:
        head = head[:space]
    return head.rstrip() + "…"
