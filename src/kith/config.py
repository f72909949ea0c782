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
