"""Settings, read from the environment (``KITH_*``) and an optional ``kith.toml`` in the working directory.

Why pydantic-settings: one typed place for every knob, validated at start-up, documented in README
(a test checks that every setting is documented).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict, TomlConfigSettingsSource
from pydantic_settings.sources import PydanticBaseSettingsSource


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KITH_", toml_file="kith.toml", extra="ignore")

    database_url: str = "sqlite:///kith.db"
    """SQLAlchemy URL. SQLite is the embedded default; use postgresql+psycopg://user@host/db in production."""

    batch_size: int = 500
    """Raw items the pipeline normalises per transaction."""

    retention_days_irrelevant: int = 90
    """Days after which ``kith retention apply`` deletes interactions that matched no topic and were not
    addressed to us (never relevant ones, nor any in a conversation someone acted on); see docs/listening.md."""

    host: str = "127.0.0.1"
    """Address ``kith serve`` binds to."""

    port: int = 8000
    """Port ``kith serve`` listens on."""

    demo_dir: Path = Path("demo-data")
    """Where ``kith demo`` writes the generated sample files before importing them."""

    secret_key: str | None = None
    """Signs session cookies and encrypts channel credentials. If unset, a random key is created once in
    ``secret_file`` (fine for one machine; set it explicitly when several web servers share a database)."""

    secret_file: Path = Path("kith.secret")
    """Where the generated secret key is kept when ``KITH_SECRET_KEY`` is unset (created with mode 600)."""

    secure_cookies: bool = False
    """Mark the session cookie ``Secure`` (set it when Kith is served over HTTPS, as it should be)."""

    # Reply transports (``kith outbox send``): a channel whose credentials are unset is not sent on.
    mastodon_base_url: str | None = None
    """Our Mastodon server, e.g. https://mastodon.social (replies are posted as the token's account)."""

    mastodon_token: str | None = None
    """Mastodon user access token with the ``write:statuses`` scope."""

    bluesky_handle: str | None = None
    """Our Bluesky handle or DID (replies are posted as this account)."""

    bluesky_app_password: str | None = None
    """A Bluesky app password for ``bluesky_handle`` (Settings → App passwords), never the main password."""

    bluesky_service: str = "https://bsky.social"
    """The PDS that holds our Bluesky account."""

    x_user_token: str | None = None
    """X OAuth 2.0 user-context access token with ``tweet.write`` (an app-only token cannot post)."""

    reddit_token: str | None = None
    """Reddit OAuth access token with the ``submit`` scope."""

    reddit_user_agent: str = "kith-crm/1.0 (social CRM reply connector)"
    """The User-Agent Reddit requires on every API call; name your deployment and a contact."""

    reply_from: str | None = None
    """From address of e-mail replies to customers (default: ``KITH_ALERT_FROM``)."""

    outbox_max_attempts: int = 5
    """Deliveries tried per outbox message before it is given up (then it waits for a person)."""

    outbox_retry_seconds: int = 60
    """First wait before a failed delivery is retried; each further attempt waits twice as long."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


@cache
def get_settings() -> Settings:
    return Settings()
