"""A fake Slack Web API (and incoming webhook) on aiohttp, faithful where filing-monitor depends on it.

- `chat.postMessage`: bearer token checked (`not_authed`, `invalid_auth`, HTTP 200 as Slack answers);
  channel by id, name or #name (`channel_not_found`); blocks checked against Block Kit's limits
  (`invalid_blocks`); more than one message a second in a channel: HTTP 429, `ratelimited`, Retry-After.
- `conversations.history` (by channel id, `oldest`, cursor paging, metadata only with
  `include_all_metadata`) and `conversations.list`.
- Threads: `chat.postMessage` with `thread_ts` replies under a message (kept out of the channel's
  history unless `reply_broadcast`), `conversations.replies` (the parent first, then its replies,
  paged), `chat.update` (by channel id and ts: text, blocks and metadata replaced; `message_not_found`).
- `/services/...`: an incoming webhook bound to one channel; answers `ok` as text.
- Faults at a seeded rate: HTTP 500 (nothing posted), and slow answers (the message is posted, the
  answer comes late: a client that times out does not know it arrived). `down`: every call gets 503.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Message = dict[str, Any]

BLOCK_LIMITS = {"blocks": 50, "header": 150, "section": 3000, "field": 2000, "fields": 10, "context": 10}
BUTTON_TEXT, URL_CHARS, ID_CHARS, ACTIONS = 75, 3000, 255, 25


@dataclass(slots=True)
class SlackFaults:
    rate: float = 0.0  # share of calls answered with a fault
    kinds: tuple[str, ...] = ("500", "slow")
    slow_seconds: float = 2.0
    seed: int = 11


@dataclass(slots=True)
class SlackStats:
    calls: Counter[str] = field(default_factory=Counter)  # by method
    errors: Counter[str] = field(default_factory=Counter)  # by error code or HTTP status
    faults: Counter[str] = field(default_factory=Counter)


class FakeSlack:
    def __init__(
        self,
        token: str = "xoxb-test-token",
        channels: dict[str, str] | None = None,
        faults: SlackFaults | None = None,
        per_channel_per_second: float = 1.0,
        webhook_channel: str = "C0FINANCE",
        history: bool = True,
        metadata: bool = True,
    ) -> None:
        self.token = token
        self.channels = channels or {"C0FINANCE": "financings", "C0BIGDEAL": "big-deals", "C0BUSY": "busy"}
        self.faults = faults or SlackFaults()
        self.interval = 1.0 / per_channel_per_second
        self.webhook_channel = webhook_channel
        self.history = history  # False: a minimal Slack-like service without conversations.* (404)
        self.metadata = metadata  # False: message metadata is dropped, as a workspace policy may do
        self.down = False
        self.stats = SlackStats()
        self.messages: dict[str, list[Message]] = {c: [] for c in self.channels}
        self.replies: dict[str, list[Message]] = {}  # a parent's ts -> its replies, oldest first
        self.updates: list[Message] = []  # every chat.update accepted, as asked
        self.posts: list[Message] = []  # every message posted (top level or reply), as it was posted
        self._last_post: dict[str, float] = {}
        self._last_ts = 0.0
        self._random = random.Random(self.faults.seed)

    def all_messages(self) -> list[Message]:
        return sorted((m for ms in self.messages.values() for m in ms), key=lambda m: m["ts"])

    def posted_accessions(self, channel: str | None = None) -> list[str]:
        """The filings each post named when it was posted (a deal's message names more once updated):
        one entry per post, top level or reply, so that a filing posted twice shows twice."""
        return [
            str(((m.get("metadata") or {}).get("event_payload") or {}).get("accessions") or "")
            for m in self.posts
            if channel is None or m["channel"] == channel
        ]

    def thread(self, ts: str) -> list[Message]:
        """A message's replies, oldest first."""
        return list(self.replies.get(ts, []))

    # the web application

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._outage, self._inject_faults])
        app.router.add_route("*", "/api/chat.postMessage", self._post_message)
        app.router.add_route("*", "/api/chat.update", self._update)
        if self.history:
            app.router.add_route("*", "/api/conversations.history", self._history)
            app.router.add_route("*", "/api/conversations.replies", self._thread_replies)
            app.router.add_route("*", "/api/conversations.list", self._list)
        app.router.add_route("*", "/api/auth.test", self._auth_test)
        app.router.add_post("/services/{team}/{bot}/{secret}", self._incoming_webhook)
        return app

    @web.middleware
    async def _outage(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.stats.calls[request.path.rsplit("/", 1)[-1]] += 1
        if self.down:
            self.stats.errors["503"] += 1
            return web.Response(status=503, text="Service Unavailable", content_type="text/html")
        return await handler(request)

    @web.middleware
    async def _inject_faults(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self._random.random() >= self.faults.rate:
            return await handler(request)
        kind = self._random.choice(self.faults.kinds)
        self.stats.faults[kind] += 1
        if kind == "500":
            return web.Response(status=500, text="Internal Server Error", content_type="text/html")
        response = await handler(request)  # done (posted), then answered late
        await asyncio.sleep(self.faults.slow_seconds)
        return response

    async def _post_message(self, request: web.Request) -> web.Response:
        args = await _arguments(request)
        if (refused := self._refused_auth(request)) is not None:
            return refused
        channel = self._channel_id(str(args.get("channel") or ""))
        if channel is None:
            return self._error("channel_not_found")
        blocks = _json_value(args.get("blocks"))
        problems = check_blocks(blocks) if blocks is not None else []
        if problems:
            return self._error("invalid_blocks", errors=problems)
        if not args.get("text") and not blocks:
            return self._error("no_text")
        now = time.monotonic()
        wait = self._last_post.get(channel, -1e9) + self.interval - now
        if wait > 0:
            self.stats.errors["ratelimited"] += 1
            retry_after = str(max(1, round(wait + 0.5)))
            body = {"ok": False, "error": "ratelimited"}
            return web.json_response(body, status=429, headers={"Retry-After": retry_after})
        thread_ts = str(args.get("thread_ts") or "")
        if thread_ts and self._find(channel, thread_ts) is None:
            return self._error("thread_not_found")
        self._last_post[channel] = now
        metadata = _json_value(args.get("metadata"))
        broadcast = str(args.get("reply_broadcast") or "").lower() in ("1", "true")
        message = self._store(channel, str(args.get("text") or ""), blocks, metadata, thread_ts, broadcast)
        return web.json_response({"ok": True, "channel": channel, "ts": message["ts"], "message": message})

    async def _update(self, request: web.Request) -> web.Response:
        args = await _arguments(request)
        if (refused := self._refused_auth(request)) is not None:
            return refused
        channel = str(args.get("channel") or "")
        if channel not in self.channels:  # chat.update wants the channel's id
            return self._error("channel_not_found")
        message = self._find(channel, str(args.get("ts") or ""))
        if message is None:
            return self._error("message_not_found")
        blocks = _json_value(args.get("blocks"))
        problems = check_blocks(blocks) if blocks is not None else []
        if problems:
            return self._error("invalid_blocks", errors=problems)
        message["text"] = str(args.get("text") or "")
        if blocks is not None:
            message["blocks"] = blocks
        metadata = _json_value(args.get("metadata"))
        if metadata is not None and self.metadata:
            message["metadata"] = metadata
        message["edited"] = {"user": "B0FAKE", "ts": f"{time.time():.6f}"}
        self.updates.append({"channel": channel, "ts": message["ts"], "text": message["text"]})
        return web.json_response({"ok": True, "channel": channel, "ts": message["ts"], "text": message["text"]})

    async def _thread_replies(self, request: web.Request) -> web.Response:
        args = await _arguments(request)
        if (refused := self._refused_auth(request)) is not None:
            return refused
        channel = str(args.get("channel") or "")
        if channel not in self.channels:
            return self._error("channel_not_found")
        parent = self._find(channel, str(args.get("ts") or ""))
        if parent is None:
            return self._error("thread_not_found")
        with_metadata = str(args.get("include_all_metadata") or "").lower() in ("1", "true")
        thread = [parent, *self.replies.get(parent["ts"], [])]
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
        page = thread[start : start + limit]
        if start:
            page = [parent, *page]  # Slack leads every page with the parent
        more = start + limit < len(thread)
        shown = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page]
        body: dict[str, Any] = {"ok": True, "messages": shown, "has_more": more}
        body["response_metadata"] = {"next_cursor": str(start + limit) if more else ""}
        return web.json_response(body)

    def _find(self, channel: str, ts: str) -> Message | None:
        for message in self.messages.get(channel, []):
            if message["ts"] == ts:
                return message
        for replies in self.replies.values():
            for message in replies:
                if message["ts"] == ts and message["channel"] == channel:
                    return message
        return None

    async def _history(self, request: web.Request) -> web.Response:
        args = await _arguments(request)
        if (refused := self._refused_auth(request)) is not None:
            return refused
        channel = str(args.get("channel") or "")
        if channel not in self.channels:  # history wants an id, as the real API does
            return self._error("channel_not_found")
        oldest = float(args.get("oldest") or 0)
        with_metadata = str(args.get("include_all_metadata") or "").lower() in ("1", "true")
        newest_first = [m for m in reversed(self.messages[channel]) if float(m["ts"]) > oldest]
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
        page = newest_first[start : start + limit]
        more = start + limit < len(newest_first)
        shown = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page]
        body: dict[str, Any] = {"ok": True, "messages": shown, "has_more": more}
        body["response_metadata"] = {"next_cursor": str(start + limit) if more else ""}
        return web.json_response(body)

    async def _list(self, request: web.Request) -> web.Response:
        args = await _arguments(request)
        if (refused := self._refused_auth(request)) is not None:
            return refused
        everything = [{"id": i, "name": n, "is_archived": False} for i, n in self.channels.items()]
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
        more = start + limit < len(everything)
        body = {"ok": True, "channels": everything[start : start + limit]}
        return web.json_response(body | {"response_metadata": {"next_cursor": str(start + limit) if more else ""}})

    async def _auth_test(self, request: web.Request) -> web.Response:
        if (refused := self._refused_auth(request)) is not None:
            return refused
        return web.json_response({"ok": True, "team": "Fake", "user": "filing-monitor", "bot_id": "B0FAKE"})

    async def _incoming_webhook(self, request: web.Request) -> web.Response:
        if request.match_info["secret"] != self.token:
            self.stats.errors["invalid_token"] += 1
            return web.Response(status=403, text="invalid_token")
        try:
            payload = await request.json()
        except ValueError:
            return web.Response(status=400, text="invalid_payload")
        blocks = payload.get("blocks")
        if blocks is not None and check_blocks(blocks):
            return web.Response(status=400, text="invalid_blocks")
        self._store(self.webhook_channel, str(payload.get("text") or ""), blocks, None)
        return web.Response(text="ok", content_type="text/plain")

    def _refused_auth(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return self._error("not_authed")
        if header.removeprefix("Bearer ").strip() != self.token:
            return self._error("invalid_auth")
        return None

    def _channel_id(self, given: str) -> str | None:
        if given in self.channels:
            return given
        name = given.lstrip("#")
        return next((i for i, n in self.channels.items() if n == name), None)

    def _store(
        self, channel: str, text: str, blocks: Any, metadata: Any, thread_ts: str = "", broadcast: bool = False
    ) -> Message:
        self._last_ts = max(time.time(), self._last_ts + 1e-6)
        message: Message = {"type": "message", "ts": f"{self._last_ts:.6f}", "text": text, "channel": channel}
        if blocks is not None:
            message["blocks"] = blocks
        if metadata is not None and self.metadata:
            message["metadata"] = metadata
        self.posts.append(json.loads(json.dumps(message)) | ({"thread_ts": thread_ts} if thread_ts else {}))
        if not thread_ts:
            self.messages[channel].append(message)
            return message
        message["thread_ts"] = thread_ts
        parent = self._find(channel, thread_ts)
        if parent is not None:
            parent["thread_ts"] = thread_ts
            parent["reply_count"] = int(parent.get("reply_count", 0)) + 1
        self.replies.setdefault(thread_ts, []).append(message)
        if broadcast:  # shown in the channel too, as Slack does ("Also sent to the channel")
            self.messages[channel].append(message | {"subtype": "thread_broadcast"})
        return message

    def _error(self, code: str, **extra: Any) -> web.Response:
        self.stats.errors[code] += 1
        return web.json_response({"ok": False, "error": code, **extra})


async def _arguments(request: web.Request) -> dict[str, Any]:
    """Slack takes arguments as a query, a form or JSON; slack-sdk uses each for some methods."""
    args: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(dict(await request.post()))
    return args


def _json_value(value: Any) -> Any:
    if isinstance(value, str):  # form-encoded calls send blocks and metadata as JSON text
        try:
            return json.loads(value)
        except ValueError:
            return {"unreadable": value}
    return value


def check_blocks(blocks: Any) -> list[str]:
    """Block Kit's structural rules and limits for the block types filing-monitor sends."""
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    problems = [] if len(blocks) <= BLOCK_LIMITS["blocks"] else [f"{len(blocks)} blocks (at most 50)"]
    for number, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        checker = _BLOCK_CHECKS.get(str(kind))
        if checker is None:
            problems.append(f"block {number}: unknown type {kind!r}")
            continue
        problems.extend(f"block {number} ({kind}): {p}" for p in checker(block))
    return problems


def _text_problems(text: Any, limit: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")) -> list[str]:
    if not isinstance(text, dict) or text.get("type") not in kinds:
        return [f"text object must be one of {kinds}"]
    value = text.get("text")
    if not isinstance(value, str) or not value:
        return ["empty text"]
    return [f"text of {len(value)} characters (at most {limit})"] if len(value) > limit else []


def _header(block: dict[str, Any]) -> list[str]:
    return _text_problems(block.get("text"), BLOCK_LIMITS["header"], ("plain_text",))


def _section(block: dict[str, Any]) -> list[str]:
    if "text" not in block and "fields" not in block:
        return ["a section needs text or fields"]
    problems = _text_problems(block["text"], BLOCK_LIMITS["section"]) if "text" in block else []
    fields = block.get("fields", [])
    if len(fields) > BLOCK_LIMITS["fields"]:
        problems.append(f"{len(fields)} fields (at most 10)")
    for item in fields:
        problems.extend(_text_problems(item, BLOCK_LIMITS["field"]))
    return problems


def _context(block: dict[str, Any]) -> list[str]:
    elements = block.get("elements") or []
    if not 1 <= len(elements) <= BLOCK_LIMITS["context"]:
        return [f"{len(elements)} context elements (1 to 10)"]
    return [p for e in elements for p in _text_problems(e, BLOCK_LIMITS["field"])]


def _actions(block: dict[str, Any]) -> list[str]:
    elements = block.get("elements") or []
    problems = [] if 1 <= len(elements) <= ACTIONS else [f"{len(elements)} elements (1 to 25)"]
    ids = [e.get("action_id") for e in elements]
    if len(set(ids)) != len(ids):
        problems.append("action_id repeated")
    for element in elements:
        if element.get("type") != "button":
            problems.append(f"element type {element.get('type')!r} not checked here")
            continue
        problems.extend(_text_problems(element.get("text"), BUTTON_TEXT, ("plain_text",)))
        if len(str(element.get("url", ""))) > URL_CHARS or len(str(element.get("action_id", ""))) > ID_CHARS:
            problems.append("url or action_id too long")
    return problems


def _divider(block: dict[str, Any]) -> list[str]:
    return []


_BLOCK_CHECKS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "header": _header,
    "section": _section,
    "context": _context,
    "actions": _actions,
    "divider": _divider,
}


def render_blocks(blocks: list[dict[str, Any]]) -> str:
    """Roughly what a reader sees: each block's text, fields and buttons, one per line."""
    lines: list[str] = []
    for block in blocks:
        if "text" in block:
            lines.append(block["text"]["text"])
        lines.extend(item["text"] for item in block.get("fields", []))
        lines.extend(
            e["text"]["text"] if isinstance(e.get("text"), dict) else e["text"] for e in block.get("elements", [])
        )
    return render_mrkdwn("\n".join(lines))


def render_mrkdwn(text: str) -> str:
    """Mrkdwn as a reader sees it: links shown by their label, escapes undone."""
    shown = re.sub(r"<[^|<>]+\|([^<>]+)>", r"\1", text)
    return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
