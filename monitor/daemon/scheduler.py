"""`filing-monitor run`: scheduled polls, catch-up, retries and rule reloads around one shared App."""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, cast

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import SQLAlchemyError

from monitor.daemon.feed_poller import PollReport
from monitor.daemon.health import HealthServer, Readiness
from monitor.daemon.rulebook import RuleBook
from monitor.daemon.runtime import App, describe, open_app
from monitor.edgar.calendar import edgar_today
from monitor.errors import ConfigError
from monitor.logs import FailureLog
from monitor.settings import Settings, load_settings
from storage.errors import DatabaseVanished, StorageError
from storage.session import utcnow
from storage.states import AlertState

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 7.0  # SIGTERM to exit within 10 s, with room for closing the database
TICKERS_SECONDS = 86400  # the SEC's ticker list changes slowly; watchlists by ticker read it daily
DATABASE_CHECK_SECONDS = 1.0  # a deleted SQLite file is noticed within a second (one stat call)
CATCH_UP_SECONDS = 3600  # a daemon running across midnight reads the indexes of days its feed missed


PRUNE_SECONDS = 6 * 3600


def _aware(moment: datetime) -> datetime:
    """SQLite gives back the UTC times it was given without their zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _prune(app: App) -> None:
    archive = app.pipeline.archive
    if archive is not None and (removed := archive.prune()):
        log.info("filing store: %d copies past the retention removed", removed)


def _raise_open_file_limit() -> None:
    """Up to the hard limit (many systems start processes at 1,024): descriptors run out for the
    filing store and the database long before memory does."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = min(hard, 65_536) if hard != resource.RLIM_INFINITY else 65_536
        if soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError) as error:
        log.debug("open-file limit left as it is: %s", error)


class Daemon:
    def __init__(self, settings: Settings, once: bool = False) -> None:
        self.settings = settings
        self.once = once
        self.rules = RuleBook(settings.rule_sources())
        self._stop = asyncio.Event()
        self._jobs_running: set[asyncio.Task[Any]] = set()
        self.fatal: str | None = None  # why the daemon stopped itself, if it did

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> bool:
        """Run until stopped (or, with `once`, until done); False when a `once` run could not read EDGAR."""
        _raise_open_file_limit()
        async with open_app(self.settings, self.rules) as app:
            # Before "started" is logged: a SIGTERM sent on seeing it must stop the daemon cleanly,
            # not end it by the default handler (exit -15) while it checks its destinations.
            self._install_signal_handlers()
            log.info("filing-monitor started: %s", describe(self.settings, self.rules))
            log.info("alerts to: %s", app.destinations.describe())
            unusable = app.destinations.routes_off
            if unusable:
                log.warning(
                    "%d of %d routes have no usable destination (a Slack token or webhook URL not set): "
                    "their alerts are kept as failed, for `alerts retry` once it is set",
                    unusable,
                    len(self.settings.routes),
                )
            await self._warn_of_unusable_destinations(app)
            app.pipeline.on_fatal = self._stop_for
            health = await self._serve_health(app)
            delivery = asyncio.create_task(app.outbox.run())
            try:
                if self.once:
                    ok = await self._run_once(app)
                else:
                    ok = True
                    await self._run_scheduled(app)
            finally:
                await app.stop_workers(STOP_GRACE_SECONDS)
                delivery.cancel()
                await asyncio.gather(delivery, return_exceptions=True)
                if health is not None:
                    await health.stop()
                # Alerts this instance was holding go back to the outbox, for another instance or the next start.
                if self.fatal is None:
                    await app.store.release_alerts()
        log.info("filing-monitor stopped")
        return ok and self.fatal is None

    async def _warn_of_unusable_destinations(self, app: App) -> None:
        """A destination the config asks for that cannot be used (no token, a token Slack refuses) is
        said at start, loudly: its alerts would otherwise fail one by one, or never be made."""
        refused = await app.destinations.verify()
        for destination, why in sorted(app.destinations.unusable.items()):
            log.warning(
                "%s cannot be used: %s; its alerts are kept as failed until this is fixed "
                "(then `filing-monitor alerts retry`)",
                destination,
                why,
            )
        for destination, error in refused.items():
            app.outbox.already_reported(destination, error.code)  # said once, here, not again at each alert

    async def _serve_health(self, app: App) -> HealthServer | None:
        # A `--once` run (cron, the demo) ends before a scraper would come, and would take the port
        # of a daemon running beside it.
        if not self.settings.metrics.enabled or self.once:
            return None
        server = HealthServer(self.settings.metrics, app.metrics, Readiness(app))
        try:
            base = await server.start()
        except OSError as error:  # the port is taken, or the address is not ours: the daemon runs without
            log.error(
                "metrics not served on %s:%d: %s", self.settings.metrics.address, self.settings.metrics.port, error
            )
            return None
        log.info("metrics at %s/metrics, health at %s/healthz and %s/readyz", base, base, base)
        return server

    async def _run_once(self, app: App) -> bool:
        """Burst mode (demo, cron): catch up, poll once, process everything, deliver, exit. False (exit 1)
        when the feed could not be read, an alert could not be delivered, or a route has nowhere to go:
        cron must see it."""
        started = utcnow()
        # Each step gives way to SIGTERM: EDGAR down and a long retry must not keep cron's run alive.
        for step in (app.retry_failed, app.refresh_tickers, lambda: app.index.catch_up(edgar_today())):
            await _until_stopped(step(), self._stop, reraise=True)
        report = await _polled_until_stopped(app, self._stop)
        await _until_stopped(app.queue.drained(), self._stop)
        await _until_stopped(app.outbox.drain(), self._stop)
        if report.failed_forms:
            log.error("the feed could not be read for %s; nothing new was found there", ", ".join(report.failed_forms))
        failed = [a for a, _ in await app.store.list_alerts([AlertState.FAILED]) if _aware(a.created_at) >= started]
        if failed:
            log.error("%d alerts could not be delivered (alerts list shows them; alerts retry sends them)", len(failed))
        unusable = app.destinations.routes_off > 0
        return not report.failed_forms and not failed and not unusable

    async def _run_scheduled(self, app: App) -> None:
        scheduler = AsyncIOScheduler()
        jobs: list[tuple[str, Callable[[], Awaitable[object]], float, bool]] = [
            ("poll", app.poller.poll, self.settings.edgar.poll_seconds, True),
            ("catch-up", lambda: app.index.catch_up(edgar_today()), CATCH_UP_SECONDS, True),
            # At start too: filings this instance was processing when it last died are taken up again.
            ("retry", app.retry_failed, self.settings.daemon.retry_seconds, True),
            ("tickers", app.refresh_tickers, TICKERS_SECONDS, True),
            ("rules", self._reload_rules, self.settings.rules.reload_seconds, False),
            # A SQLite file deleted under an idle daemon is noticed within a second, not at the next write.
            ("database", self._check_database(app), DATABASE_CHECK_SECONDS, False),
            # Copies past the filing store's retention go, at start and four times a day.
            ("filing store", lambda: asyncio.to_thread(_prune, app), PRUNE_SECONDS, True),
        ]
        for name, job, seconds, at_start in jobs:
            # APScheduler pauses a job added with next_run_time=None: leave it out to start after one interval.
            first_run = {"next_run_time": datetime.now().astimezone()} if at_start else {}
            # One run at a time, a late run not repeated: a slow poll delays the next, never doubles it.
            scheduler.add_job(
                self._guarded(name, job),
                "interval",
                seconds=seconds,
                id=name,
                name=name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                **first_run,
            )
        scheduler.start()
        try:
            await self._stop.wait()
        finally:
            scheduler.pause()  # no job starts from here on
            # A job handed to the loop a moment ago must start before APScheduler's shutdown cancels it:
            # started, it ends quietly (see _guarded); cancelled unstarted, APScheduler logs a traceback.
            await asyncio.sleep(0)
            scheduler.shutdown(wait=False)
            for task in self._jobs_running:
                task.cancel()
            await asyncio.gather(*self._jobs_running, return_exceptions=True)

    def _guarded(self, name: str, job: Callable[[], Awaitable[object]]) -> Callable[[], Coroutine[Any, Any, None]]:
        """A scheduled job never ends the daemon: its failure is logged (once while it repeats) and the
        next run tries again."""
        failures = FailureLog(log, f"the {name} job (it runs again at its next interval)")

        async def run() -> None:
            task = asyncio.current_task()
            assert task is not None  # APScheduler runs coroutine jobs as tasks
            self._jobs_running.add(task)
            try:
                await job()
            except asyncio.CancelledError:
                return  # shutting down: the job's work is abandoned, nothing half-done is stored
            except DatabaseVanished as error:
                self._stop_for(str(error))
            except Exception as error:
                failures.failed(error, expected=(StorageError, SQLAlchemyError, OSError))
            else:
                failures.succeeded()
            finally:
                self._jobs_running.discard(task)

        return run

    def _check_database(self, app: App) -> Callable[[], Awaitable[None]]:
        async def check() -> None:
            app.store.check_same_file()

        return check

    def _stop_for(self, reason: str) -> None:
        """A fault that going on would turn into lost or doubled alerts: stop, loudly, exit 1."""
        if self.fatal is None:
            self.fatal = reason
            log.critical(
                "%s: stopping, so that nothing is fetched or alerted twice (restore the file, or start anew knowingly)",
                reason,
            )
        self._stop.set()

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            for number in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(number, self._on_stop_signal, number)
            if hasattr(signal, "SIGHUP"):
                loop.add_signal_handler(signal.SIGHUP, self._on_reload_signal)
        except NotImplementedError:  # Windows: Ctrl-C still stops the daemon through KeyboardInterrupt
            log.debug("signal handlers are not supported on this platform")

    def _on_stop_signal(self, number: int) -> None:
        log.info("%s received: stopping (work in flight finishes or is rolled back)", signal.Signals(number).name)
        self._stop.set()

    def _on_reload_signal(self) -> None:
        log.info("SIGHUP received: re-reading the config's [rules] and reloading rules")
        # Off the event loop, as the timer's reloads: compiling rules and running the benign samples
        # takes long enough to delay request pacing and alerts.
        task = asyncio.create_task(self._guarded("rules", self._reread_and_reload)())
        self._jobs_running.add(task)

    async def _reread_and_reload(self) -> bool:
        """SIGHUP: the config's `[rules] paths` and `disable` are read again (the timer watches the
        rule files only); a config that no longer loads leaves the rules where they were."""
        try:
            fresh = await asyncio.to_thread(load_settings, self.settings.path)
        except ConfigError as error:
            log.error("config not re-read, the rules' paths stay as they were: %s", error)
        else:
            sources = fresh.rule_sources()
            if sources != self.rules.sources:
                log.info("[rules] changed in the config: now %s", ", ".join(str(p) for p in sources.paths) or "none")
                self.rules.sources = sources
        return await self._reload_rules(force=True)

    async def _reload_rules(self, force: bool = False) -> bool:
        return await asyncio.to_thread(self.rules.reload_if_changed, force)


async def _polled_until_stopped(app: App, stop: asyncio.Event) -> PollReport:
    """One poll, or, stopped meanwhile, a report of a poll that read nothing."""
    if stop.is_set():
        return PollReport.stopped()
    polling = asyncio.ensure_future(app.poller.poll())
    await _until_stopped(polling, stop, reraise=True)
    return polling.result() if polling.done() and not polling.cancelled() else PollReport.stopped()


async def _until_stopped(work: Awaitable[object], stop: asyncio.Event, reraise: bool = False) -> None:
    """Wait for `work`, or for a stop (then `work` is cancelled); `reraise`: its failure is ours."""
    waiting = asyncio.ensure_future(work)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (waiting, stopping):
        task.cancel()
    if reraise and waiting.done() and not waiting.cancelled() and waiting.exception() is not None:
        raise cast(BaseException, waiting.exception())
