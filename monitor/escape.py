"""Text a filer wrote (company names, evidence, feed entries, errors quoting them), made safe for
where it goes: Slack mrkdwn, or a terminal and a log line. Every such string passes one of these."""

from __future__ import annotations

import re

from rich.text import Text

# Control characters (C0, DEL, C1: escape sequences, bells, carriage returns that overwrite a line)
# and the Unicode bidirectional controls that make text read otherwise than it is stored.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_CONTROLS = {"\t", "\n", "\r", "\x0b", "\x0c"}


def for_slack(text: str) -> str:
    """Slack's mrkdwn control characters: &, < and > (a '<' a filer wrote would open a link or a
    mention such as <!channel>)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def for_terminal(text: str) -> str:
    """One line with no control sequence in it: line breaks become spaces (no forged ALERT line),
    other controls are shown as \\xNN or \\uNNNN (no clearing the screen, retitling the window,
    hidden links)."""
    return _UNSAFE_FOR_TERMINAL.sub(_shown, text)


def cell(text: str) -> Text:
    """A Rich table cell that shows text as it is: never read as Rich markup ([link=...], [/x])."""
    return Text(for_terminal(text))


def _shown(found: re.Match[str]) -> str:
    character = found.group(0)
    if character in _WHITESPACE_CONTROLS:
        return " "
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
