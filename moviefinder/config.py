"""Settings: defaults, overridden by the config file, overridden by environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from typing import Final

from moviefinder import paths
from moviefinder.errors import ConfigError

DEFAULT_MODEL: Final = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_REGION: Final = "NL"
DEFAULT_TASTE_WEIGHT: Final = 0.3
ENCODERS: Final = ("auto", "onnx", "sentence-transformers")
DEFAULT_HALF_LIFE_DAYS: Final = 365.0
DEFAULT_DIVERSITY: Final = 0.9
TMDB_URL: Final = "https://api.themoviedb.org/3"
#: TMDB's own variable name for the key works too.
TMDB_KEY_ENV: Final = "TMDB_API_KEY"


@dataclass(frozen=True)
class Settings:
    """Everything a user may configure.

    ``model`` names the sentence-transformers model that embeds titles and queries; the default
    is the packaged all-MiniLM-L6-v2. ``encoder`` picks what runs it: ``auto`` (onnxruntime
    for the packaged model, sentence-transformers for any other), ``onnx`` or
    ``sentence-transformers``. ``taste_weight`` is w in score = (1 − w)·query + w·taste;
    ``half_life_days`` is how fast old viewings fade from the taste; ``diversity`` is the MMR
    lambda (1.0 keeps score order, lower trades relevance for variety); ``catalog`` names the
    catalogue commands use unless ``--catalog`` says otherwise.
    """

    model: str = DEFAULT_MODEL
    encoder: str = "auto"
    region: str = DEFAULT_REGION
    taste_weight: float = DEFAULT_TASTE_WEIGHT
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    diversity: float = DEFAULT_DIVERSITY
    catalog: str = paths.DEFAULT_CATALOG
    #: A TMDB v3 API key or v4 read-access token for `catalog sync`; never shown or logged.
    tmdb_api_key: str = field(default="", repr=False)
    tmdb_url: str = TMDB_URL


def load_settings() -> Settings:
    """Read ``config.toml`` in the data directory, then ``MOVIEFINDER_<KEY>`` variables.

    Raises:
        ConfigError: the file is not valid TOML, or a value has the wrong type or range.
    """
    values: dict[str, object] = {}
    path = paths.config_file()
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    if os.environ.get(TMDB_KEY_ENV):
        values["tmdb_api_key"] = os.environ[TMDB_KEY_ENV]
    for known in fields(Settings):
        env = os.environ.get(f"MOVIEFINDER_{known.name.upper()}")
        if env is not None:
            values[known.name] = env
    return _validated(values)


def _validated(values: dict[str, object]) -> Settings:
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"Unknown setting(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    settings = Settings()
    if "model" in values:
        settings = replace(settings, model=str(values["model"]).strip() or DEFAULT_MODEL)
    if "encoder" in values:
        engine = str(values["encoder"]).strip().lower()
        if engine not in ENCODERS:
            raise ConfigError(
                f"encoder must be one of {', '.join(ENCODERS)}, not {values['encoder']!r}"
            )
        settings = replace(settings, encoder=engine)
    if "region" in values:
        region = str(values["region"]).strip().upper()
        if len(region) != 2 or not region.isalpha():
            raise ConfigError(f"region must be a two-letter country code, not {values['region']!r}")
        settings = replace(settings, region=region)
    if "tmdb_api_key" in values:
        settings = replace(settings, tmdb_api_key=str(values["tmdb_api_key"]).strip())
    if "tmdb_url" in values:
        settings = replace(settings, tmdb_url=str(values["tmdb_url"]).strip() or TMDB_URL)
    if "catalog" in values:
        settings = replace(
            settings, catalog=str(values["catalog"]).strip() or paths.DEFAULT_CATALOG
        )
    if "taste_weight" in values:
        weight = _number(values, "taste_weight")
        if not 0.0 <= weight <= 1.0:
            raise ConfigError(f"taste_weight must be between 0 and 1, not {weight}")
        settings = replace(settings, taste_weight=weight)
    if "diversity" in values:
        lam = _number(values, "diversity")
        if not 0.0 <= lam <= 1.0:
            raise ConfigError(f"diversity must be between 0 and 1, not {lam}")
        settings = replace(settings, diversity=lam)
    if "half_life_days" in values:
        days = _number(values, "half_life_days")
        if days <= 0:
            raise ConfigError(f"half_life_days must be positive, not {days}")
        settings = replace(settings, half_life_days=days)
    return settings


def _number(values: dict[str, object], key: str) -> float:
    try:
        return float(str(values[key]))
    except ValueError:
        raise ConfigError(f"{key} must be a number, not {values[key]!r}") from None
