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
