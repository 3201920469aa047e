"""Process settings, read from the environment (and a `.env` file) with pydantic-settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL

from bot.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
EXAMPLE_OFFICE_CONFIG = Path(__file__).with_name("office.example.toml")

# What each setting is for, so a start-up error can say how to fix it.
_HOW_TO_FIX = {
    "SLACK_BOT_TOKEN": "set it to the app's Bot User OAuth Token (xoxb-…) from «OAuth & Permissions»",
    "SLACK_SIGNING_SECRET": "set it to the Signing Secret under «Basic Information» → «App Credentials»",
    "SLACK_APP_TOKEN": "set it to an app-level token (xapp-…) with the connections:write scope",
    "SLACK_API_URL": "set it to the Web API base URL, e.g. https://slack.com/api/",
    "DATABASE_URL": "set it to a SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db or sqlite:///avvik.db",
    "AVVIK_OFFICE_CONFIG": "set it to the path of the office config: a TOML file, or a folder of one file per "
                           "office (see office.example.toml)",
    "LOG_FORMAT": "set it to 'text' or 'json'",
    "LOG_LEVEL": "set it to DEBUG, INFO, WARNING, ERROR or CRITICAL",
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Everything a process needs from its environment. Tokens are never printed."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = "sqlite:///avviksboten.db"
    avvik_office_config: Path = EXAMPLE_OFFICE_CONFIG
    log_format: str = Field(default="text", pattern="^(text|json)$")
    log_level: str = "INFO"

    @model_validator(mode="before")
    @classmethod
    def _nais_database(cls, data: object) -> object:
        """On NAIS, a Cloud SQL database declared with `envVarPrefix: DB` arrives as DB_HOST, DB_PORT,
        DB_DATABASE, DB_USERNAME, DB_PASSWORD (and DB_SSL* for the certificates): used when
        DATABASE_URL is not set."""
        if not isinstance(data, dict) or any(k.lower() == "database_url" for k in data):
            return data
        url = nais_database_url(os.environ)
        return {**data, "database_url": url} if url else data

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_is_usable(cls, value: str) -> str:
        """A URL SQLAlchemy can open: a known dialect, and for SQLite a folder that exists."""
        from sqlalchemy.engine import make_url  # here, not at the top: `avvik-bot --help` needs no SQLAlchemy
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL") from None
        try:
            url.get_dialect()
        except NoSuchModuleError:
            raise ValueError(f"{url.drivername}:// is not a database driver SQLAlchemy knows") from None
        if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
            folder = Path(url.database).expanduser().absolute().parent
            if not folder.is_dir():
                raise ValueError(f"the folder {folder} for the SQLite file does not exist")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level")
        return value.upper()

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    def require(self, *names: str) -> None:
        """Stop with one clear line when a setting this command needs is missing."""
        for name in names:
            if getattr(self, name.lower()) is None:
                raise ConfigError(f"{name} is not set: {_HOW_TO_FIX[name]}.")

    def secret(self, name: str) -> str:
        value = getattr(self, name.lower())
        self.require(name)
        return value.get_secret_value()


def nais_database_url(environ: Mapping[str, str]) -> str | None:
    """A SQLAlchemy URL from NAIS's DB_* variables, or None when they are not there."""
    if "DATABASE_URL" in environ or not {f"DB_{p}" for p in _NAIS_PARTS} <= set(environ):
        return None
    ssl = {key: environ[f"DB_{key.upper()}"] for key in ("sslmode", "sslrootcert", "sslcert", "sslkey")
           if environ.get(f"DB_{key.upper()}")}
    return URL.create("postgresql+psycopg", username=environ["DB_USERNAME"], password=environ["DB_PASSWORD"],
                      host=environ["DB_HOST"], port=int(environ["DB_PORT"]), database=environ["DB_DATABASE"],
                      query=ssl).render_as_string(hide_password=False)


_NAIS_PARTS = ("HOST", "PORT", "DATABASE", "USERNAME", "PASSWORD")


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line per the first bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        fix = _HOW_TO_FIX.get(name, "check its value")
        reason = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is invalid ({reason}): {fix}.") from None
