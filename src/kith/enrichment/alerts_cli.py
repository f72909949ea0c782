"""``kith alerts check``: detect spikes now, print the new alerts and e-mail their departments.

Meant for cron or a systemd timer every few minutes: a second run in the same hour finds nothing new
(alerts are unique per topic, kind and hour), and mail that failed earlier is retried for a few hours.
"""

from __future__ import annotations

import typer
from rich.console import Console

from kith.bootstrap import engine
from kith.db import session_scope
from kith.enrichment.alert_mail import do_send_alert_mail, mail_settings, unnotified
from kith.enrichment.alerts import do_check_alerts
from kith.enrichment.models import Topic

console = Console()
alerts_app = typer.Typer(help="Spike alerts on listening topics.", no_args_is_help=True)


@alerts_app.callback()
def alerts() -> None:
    """Spike alerts on listening topics (a group, so `check` stays a subcommand when mounted)."""


@alerts_app.command("check")
def check() -> None:
    """Look for volume and negative-sentiment spikes now; record and e-mail the new ones."""
    with session_scope(engine()) as session:
        new = do_check_alerts(session)
        for alert in new:
            topic = session.get(Topic, alert.topic_id)
            console.print(
                f"[bold red]{alert.kind}[/] spike on [bold]{topic.name if topic else alert.topic_id}[/] "
                f"{alert.window_start:%Y-%m-%d %H:%M} UTC: {int(alert.observed)} vs ~{alert.baseline:.1f}/h "
                f"(score {alert.score:.1f}, department {alert.department or '-'}) /alerts/{alert.public_id}"
            )
        if not new:
            console.print("No new alerts.")
    if mail_settings() is None:
        console.print("Mail is off (no KITH_SMTP_HOST): alerts show on the web only.")
        return
    with session_scope(engine()) as session:
        sent = do_send_alert_mail(session, unnotified(session))
        console.print(f"{sent} alert e-mail(s) sent.")
