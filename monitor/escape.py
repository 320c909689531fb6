"""Text a filer wrote (company names, evidence, feed entries, errors quoting them), made safe for
where it goes: Slack mrkdwn, or a terminal and a log line. Every such string passes one of these."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the daemon escapes text too, and needs no terminal library for it (memory)
    from rich.text import Text

# Control characters (C0, DEL, C1: escape sequences, bells, carriage returns that overwrite a line)
# and the Unicode bidirectional controls that make text read otherwise than it is stored.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_CONTROLS = {"\t", "\n", "\r", "\x0b", "\x0c"}


# mrkdwn has no escape for its formatting marks: a filer's `*`, `_`, `~` and backtick are shown as
# look-alikes that format nothing, so that a company name cannot bold, strike or code-quote an alert.
# Slack formats only with a mark at a word's edge: one inside a word (share_sale) is left as it is.
_LOOKALIKE = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_FORMATTING = re.compile(r"`|(?<![A-Za-z0-9])[*_~]|[*_~](?![A-Za-z0-9])")
# Slack links bare URLs and domains by itself: a filer's "evil.example/login" would be a live link
# in our alert. The dot (and the slashes after a scheme) become look-alikes Slack does not link.
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,15}):/{1,3}")
_DOMAIN_DOT = re.compile(r"(?i)(?<=[a-z0-9-])\.(?=[a-z][a-z0-9-]{1,62}\b)")


def for_slack(text: str) -> str:
    """Text a filer wrote, made inert in Slack mrkdwn: &, < and > escaped (a '<' would open a link or
    a mention such as <!channel>), formatting marks and bare URLs or domains shown as look-alikes."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _FORMATTING.sub(lambda m: _LOOKALIKE[m.group(0)], text)
    text = _SCHEME.sub(lambda m: m.group(1) + ":\u2215\u2215", text)
    return _DOMAIN_DOT.sub("\u2024", text)


def for_terminal(text: str) -> str:
    """One line with no control sequence in it: line breaks become spaces (no forged ALERT line),
    other controls are shown as \\xNN or \\uNNNN (no clearing the screen, retitling the window,
    hidden links)."""
    return _UNSAFE_FOR_TERMINAL.sub(_shown, text)


def cell(text: str) -> Text:
    """A Rich table cell that shows text as it is: never read as Rich markup ([link=...], [/x])."""
    from rich.text import Text

    return Text(for_terminal(text))


def _shown(found: re.Match[str]) -> str:
    character = found.group(0)
    if character in _WHITESPACE_CONTROLS:
        return " "
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
