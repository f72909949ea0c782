"""The ``kith`` command line (Typer + Rich).

Every command reads the database from ``KITH_DATABASE_URL`` (default ``sqlite:///kith.db``). Users get
one-line errors with a hint and a non-zero exit code, never a traceback: ``main`` maps the errors a
user can cause (bad path, unknown channel, unreachable database...) to messages.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from kith.auth.cli import user_app
from kith.auth.service import AuthError
from kith.bootstrap import engine
from kith.channels.live.cli import listen_command, sources_app
from kith.channels.registry import BUILTIN
from kith.channels.service import ChannelDisabled, UnknownChannel
from kith.config import get_settings
from kith.db import make_engine, session_scope
from kith.enrichment.alerts_cli import alerts_app
from kith.enrichment.cli import classify_app
from kith.enrichment.intent.cli import train_intent
from kith.enrichment.query.cli import topics_app
from kith.enrichment.sentiment.cli import train_sentiment
from kith.enrichment.stage import enrich_pending
from kith.enrichment.topics import TopicError
from kith.ideas.cli import ideas_app
from kith.ideas.stage import collect_ideas, pending_ideas
from kith.identities.dedupe_cli import identities_app
from kith.inbox.cli import digest_app, outbox_app, sla_app
from kith.inbox.followup import record_followups
from kith.inbox.native_replies import capture_native_replies, settle_answered
from kith.inbox.queues import wake_snoozed
from kith.interactions.service import pending_enrichment
from kith.pipeline.ingest import InputError, ingest
from kith.pipeline.raw_store import StoreCounts
from kith.pipeline.retention_cli import retention_app
from kith.pipeline.runner import RunReport, pending_count, run_pending
from kith.profiles.cli import profiles_app
from kith.profiles.refresh import refresh_profiles
from kith.profiles.segments_cli import segments_app
from kith.routing.cli import routing_app
from kith.routing.learned_cli import train_router
from kith.routing.stage import pending_routing, route_pending

app = typer.Typer(
    help="Kith — a Social CRM: listen to every channel, know each customer, answer from one place.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
quarantine_app = typer.Typer(help="Inputs Kith could not understand: list, inspect, replay.", no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(user_app, name="user")
app.add_typer(topics_app, name="topics")
app.add_typer(retention_app, name="retention")
app.add_typer(classify_app, name="classify")
app.add_typer(identities_app, name="identities")
app.add_typer(alerts_app, name="alerts")
app.add_typer(routing_app, name="routing")
app.add_typer(ideas_app, name="ideas")
app.add_typer(sources_app, name="sources")
app.add_typer(outbox_app, name="outbox")
app.add_typer(sla_app, name="sla")
app.add_typer(digest_app, name="digest")
app.add_typer(profiles_app, name="profiles")
app.add_typer(segments_app, name="segments")
app.command("listen")(listen_command)
train_app = typer.Typer(
    help="Train Kith's models from data (the shipped models need no training).", no_args_is_help=True
)
train_app.command("sentiment")(train_sentiment)
train_app.command("intent")(train_intent)
train_app.command("router")(train_router)
app.add_typer(train_app, name="train")
console = Console()
err = Console(stderr=True)


class UserError(Exception):
    """An error the user can fix; printed as one line."""


def counts_line(counts: StoreCounts) -> str:
    return f"{counts.new} new, {counts.duplicate} duplicate, {counts.quarantined} quarantined"


@app.command()
def init() -> None:
    """Create the database (or upgrade it to the latest schema)."""
    url = get_settings().database_url
    engine()
    console.print(f"Database ready: {make_engine(url).url.render_as_string(hide_password=True)}")


@app.command("ingest")
def ingest_command(
    channel: Annotated[str, typer.Argument(help=f"One of: {', '.join(BUILTIN)}.")],
    source: Annotated[str, typer.Argument(help="A file, a directory (read recursively) or - for stdin.")],
) -> None:
    """Import API response bodies, feeds, e-mails or CSV files into the raw store."""
    db = engine()

    def report(name: str, counts: StoreCounts) -> None:
        console.print(f"[dim]{name}[/]: {counts_line(counts)}")

    total = ingest(db, channel, source, on_file=report)
    console.print(f"[bold]{channel}[/]: {counts_line(total)}")
    if total.quarantined:
        console.print("See why with [bold]kith quarantine list[/].")


def run_with_progress(db: Engine, before_routing: Callable[[Session], None] | None = None) -> RunReport:
    """Normalise pending raw items, enrich, route and collect ideas from what changed — each with its
    progress bar. ``before_routing`` runs after enrichment (the demo links customers there, so routing
    already knows their value)."""
    batch_size = get_settings().batch_size
    with Progress(
        TextColumn("[bold]{task.description:12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("Normalising", total=pending_count(db))
        report = run_pending(db, batch_size=batch_size, on_batch=lambda n: progress.advance(task, n))
        with session_scope(db) as session:
            to_enrich = pending_enrichment(session)
        enriching = progress.add_task("Enriching", total=to_enrich)
        enrich_pending(db, batch_size=batch_size, on_batch=lambda n: progress.advance(enriching, n))
        if before_routing is not None:
            with session_scope(db) as session:
                before_routing(session)
        with session_scope(db) as session:
            to_route, to_collect = pending_routing(session), pending_ideas(session)
        routing = progress.add_task("Routing", total=to_route)
        routed = route_pending(db, batch_size=batch_size, on_batch=lambda n: progress.advance(routing, n))
        ideas = progress.add_task("Ideas", total=to_collect)
        collect_ideas(db, batch_size=batch_size, on_batch=lambda n: progress.advance(ideas, n))
        capture_native_replies(db)  # answers given on the network itself count as responses too
        record_followups(db)
        settle_answered(db)  # open, but our answer on the network is the newest message: waiting for them
        refresh_profiles(db)  # only customers whose interactions or orders changed
        with session_scope(db) as session:
            wake_snoozed(session)  # the queue pages wake them too; this keeps counts right between visits
    if routed.routed:
        console.print(routed.summary())
    return report


@app.command()
def run() -> None:
    """Process pending raw items into identities, conversations and interactions."""
    report = run_with_progress(engine())
    console.print(f"{report.processed} processed, {report.quarantined} quarantined")
    for reason in report.reasons[:10]:
        console.print(f"  [yellow]quarantined[/] {reason}")


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Row counts per table and per channel."""
    from kith.stats import collect

    data = collect(engine())
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        return
    tables = Table("table", "rows", title="Tables")
    for name, count in data["tables"].items():
        tables.add_row(name, str(count))
    console.print(tables)
    channels = Table("channel", "interactions", "identities", "conversations", "quarantined", title="Channels")
    for name, c in data["channels"].items():
        channels.add_row(
            name, str(c["interactions"]), str(c["identities"]), str(c["conversations"]), str(c["raw_quarantined"])
        )
    console.print(channels)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (KITH_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (KITH_PORT).")] = None,
) -> None:
    """Serve the web app."""
    import uvicorn

    from kith.web.app import create_app

    settings = get_settings()
    application = create_app(engine())
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"Kith is serving at [bold]http://{bind_host}:{bind_port}[/]  (Ctrl+C to stop)")
    uvicorn.run(application, host=bind_host, port=bind_port, log_level="warning")


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web app afterwards.")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the generated story (same seed, same data).")] = 2026,
) -> None:
    """Generate the sample company's data in each network's format, import it, process it, serve it."""
    from kith.demo.generate import generate
    from kith.demo.routing_history import play_agents_and_train
    from kith.demo.setup import configure_demo
    from kith.demo.users import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users
    from kith.identities.matching import MatchRun, do_match_customers
    from kith.identities.social_match import do_match_social

    settings = get_settings()
    db = engine()
    console.print(f"Generating demo data (seed {seed}) in {settings.demo_dir}/ ...")
    written = generate(settings.demo_dir, seed=seed)
    for channel in BUILTIN:
        if channel in written:
            total = ingest(db, channel, str(settings.demo_dir / channel))
            console.print(f"  {channel:10} {counts_line(total)}")
    with session_scope(db) as session:
        configure_demo(session)
        ensure_demo_users(session)  # before the run: routing assigns conversations to these agents
    found: list[MatchRun] = []
    report = run_with_progress(db, before_routing=lambda session: found.append(do_match_customers(session)))
    console.print(f"{report.processed} processed, {report.quarantined} quarantined")
    with session_scope(db) as session:
        console.print(play_agents_and_train(session, seed).summary(), highlight=False)
    matched = found[0]
    with session_scope(db) as session:
        social = do_match_social(session)  # social profiles ↔ customers and each other: suggestions only
    console.print(
        f"Identities: {matched.suggested + social.suggested} match suggestions to review "
        f"({social.suggested} from social profiles), "
        f"{matched.auto_linked} linked on the same e-mail given on two channels"
    )
    console.print(f"\nSign in as [bold]{DEMO_USERS[0][0]}[/] with the password [bold]{DEMO_PASSWORD}[/]")
    console.print("(other roles: " + ", ".join(email for email, *_ in DEMO_USERS[1:]) + "; same password)")
    if serve_after:
        serve(None, None)


@quarantine_app.command("list")
def quarantine_list() -> None:
    """List quarantined inputs with the reason."""
    from kith.pipeline.quarantine import list_quarantine

    entries = list_quarantine(engine())
    if not entries:
        console.print("The quarantine is empty.")
        return
    console.print(f"[bold]{len(entries)} quarantined[/]")
    for e in entries:
        console.print(f"[bold]{e.id}[/]  {e.channel}  {e.source or ''}", highlight=False, soft_wrap=True)
        console.print(f"    {e.reason}", highlight=False, soft_wrap=True, markup=False)


@quarantine_app.command("show")
def quarantine_show(item_id: Annotated[str, typer.Argument(help="Id from `kith quarantine list`.")]) -> None:
    """Show one quarantined input: reason and content."""
    from kith.pipeline.quarantine import show

    found = show(engine(), item_id)
    if found is None:
        raise UserError(f"no quarantined item with id {item_id}; see `kith quarantine list`")
    entry, payload = found
    console.print(f"id: {entry.id}\nchannel: {entry.channel}\nsource: {entry.source}\nreason: {entry.reason}")
    console.print(f"received: {entry.received_at.isoformat()}\nsize: {entry.size} bytes\n")
    sys.stdout.write(payload[:20000].decode("utf-8", errors="backslashreplace") + "\n")


@quarantine_app.command("replay")
def quarantine_replay(
    item_ids: Annotated[list[str] | None, typer.Argument(help="Ids to replay; none with --all.")] = None,
    replay_all: Annotated[bool, typer.Option("--all", help="Replay every quarantined item.")] = False,
    payload_file: Annotated[
        Path | None, typer.Option("--payload", help="Corrected content replacing the stored one (one id).")
    ] = None,
) -> None:
    """Try quarantined inputs again (after a fix), optionally with corrected content."""
    from kith.pipeline.quarantine import replay

    if not item_ids and not replay_all:
        raise UserError("name the ids to replay, or pass --all")
    payload = None
    if payload_file is not None:
        if not item_ids or len(item_ids) != 1:
            raise UserError("--payload replaces the content of exactly one quarantined item")
        try:
            payload = payload_file.read_bytes()
        except OSError as exc:
            raise UserError(f"{payload_file}: cannot read ({exc.strerror})") from exc
    result = replay(engine(), None if replay_all else list(item_ids or []), payload)
    if result.replayed == 0:
        raise UserError("nothing to replay: no quarantined item with those ids")
    console.print(
        f"{result.replayed} replayed: {counts_line(result.ingested)} raw; "
        f"{result.run.processed} processed, {len(result.still_quarantined)} still quarantined"
    )
    for e in result.still_quarantined:
        console.print(f"  [yellow]{e.id}[/] {e.reason}")


def main() -> None:
    """Entry point: run the app, turning user-caused errors into one line on stderr."""
    try:
        app()
    except (UserError, InputError, AuthError, UnknownChannel, ChannelDisabled, TopicError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except OperationalError as exc:
        err.print(
            f"[red]error:[/] cannot use the database ({str(exc.orig).strip().splitlines()[0]}); "
            "check KITH_DATABASE_URL and that the server is running",
            highlight=False,
        )
        sys.exit(2)
    except ProgrammingError as exc:
        err.print(f"[red]error:[/] database error: {str(exc.orig).strip().splitlines()[0]}", highlight=False)
        sys.exit(2)
    except (ArgumentError, NoSuchModuleError) as exc:
        err.print(
            f"[red]error:[/] KITH_DATABASE_URL is not a usable database URL ({exc}); "
            "use e.g. sqlite:///kith.db or postgresql://user@host:5432/kith",
            highlight=False,
        )
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
