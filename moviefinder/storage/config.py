"""Settings: defaults, overridden by the config file, overridden by environment variables.

The config file may hold the TMDB key, so moviefinder writes it readable by its owner only
(:func:`set_value`), never shows the key whole (:func:`shown_settings`), and warns when an
existing file holding a key can be read by others (:func:`exposed_key_warning`).
"""

from __future__ import annotations

import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Final

from moviefinder.core.encoder import PACKAGED_MODEL
from moviefinder.core.errors import ConfigError
from moviefinder.storage import files, paths

DEFAULT_MODEL: Final = PACKAGED_MODEL
DEFAULT_REGION: Final = "NL"
DEFAULT_TASTE_WEIGHT: Final = 0.3
ENCODERS: Final = ("auto", "onnx", "sentence-transformers")
DEFAULT_HALF_LIFE_DAYS: Final = 365.0
DEFAULT_DIVERSITY: Final = 0.9
TMDB_URL: Final = "https://api.themoviedb.org/3"
#: TMDB's own variable name for the key works too.
TMDB_KEY_ENV: Final = "TMDB_API_KEY"
#: The setting that is a secret: masked when shown, never printed or logged.
SECRET: Final = "tmdb_api_key"
#: The way out of a config file that cannot be read.
_FILE_REMEDY: Final = "fix it, or delete it to start from the defaults"


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
    values = read_file()
    if os.environ.get(TMDB_KEY_ENV):
        values[SECRET] = os.environ[TMDB_KEY_ENV]
    for known in fields(Settings):
        env = os.environ.get(f"MOVIEFINDER_{known.name.upper()}")
        if env is not None:
            values[known.name] = env
    return _validated(values)


def read_file() -> dict[str, object]:
    """The settings in the config file as written (none when there is no file).

    Raises:
        ConfigError: the file is unreadable, not TOML, or holds unknown names or tables.
    """
    path = paths.config_file()
    if not path.is_file():
        return {}
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path} is unreadable ({exc.strerror}) — {_FILE_REMEDY}.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not valid TOML: not UTF-8 text — {_FILE_REMEDY}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc} — {_FILE_REMEDY}.") from None
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"Unknown setting(s) in {path}: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
    nested = sorted(k for k, v in values.items() if isinstance(v, dict | list))
    if nested:
        raise ConfigError(
            f"{', '.join(nested)} in {path} must be a single value, not a table or a list "
            f"— {_FILE_REMEDY}."
        )
    return values


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
        kind = str(values["encoder"]).strip().lower()
        if kind not in ENCODERS:
            raise ConfigError(
                f"encoder must be one of {', '.join(ENCODERS)}, not {values['encoder']!r}"
            )
        settings = replace(settings, encoder=kind)
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
        if not 0 < days < math.inf:  # NaN fails too: it would make every taste weight NaN
            raise ConfigError(f"half_life_days must be positive, not {days}")
        settings = replace(settings, half_life_days=days)
    return settings


def _number(values: dict[str, object], key: str) -> float:
    try:
        return float(str(values[key]))
    except ValueError:
        raise ConfigError(f"{key} must be a number, not {values[key]!r}") from None


# --- writing the file and showing what is set -------------------------------------------------


def set_value(key: str, value: str) -> Settings:
    """Write KEY = VALUE into the config file (an empty VALUE removes KEY) and return the
    file's settings. The file is replaced atomically and is readable by its owner only.

    Raises:
        ConfigError: an unknown KEY, a VALUE the setting does not accept, or a file that
            cannot be read (it is left as it is).

    Example::

        set_value("region", "be")  # config.toml now says region = "BE"
    """
    known = [f.name for f in fields(Settings)]
    if key not in known:
        raise ConfigError(f"Unknown setting {key!r} (known: {', '.join(sorted(known))})")
    values = read_file()
    values.pop(key, None)
    if value.strip():
        values[key] = value
    settings = _validated(values)
    written = {name: getattr(settings, name) for name in known if name in values}
    path = paths.config_file()
    with files.atomic_file(path, private=True) as handle:
        handle.write(_edited(path, key, written).encode("utf-8"))
    return settings


def _edited(path: Path, key: str, written: dict[str, object]) -> str:
    """The new file: the old one with KEY's line replaced, added or dropped (comments kept),
    or — where that would not read back as WRITTEN — the settings alone."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    line = re.compile(rf"^\s*{key}\s*=")
    kept = [text for text in old.splitlines() if not line.match(text)]
    if key in written:
        kept.append(f"{key} = {_toml(written[key])}")
    text = "\n".join(kept).strip("\n") + "\n"
    try:
        if tomllib.loads(text) == written:
            return text
    except tomllib.TOMLDecodeError:
        pass
    return "".join(f"{name} = {_toml(v)}\n" for name, v in written.items())


def _toml(value: object) -> str:
    """VALUE as a TOML literal (the settings are strings and numbers)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return repr(value)
    escaped = "".join(
        ch if ch.isprintable() and ch not in '"\\' else f"\\u{ord(ch):04x}" for ch in str(value)
    )
    return f'"{escaped}"'


def mask(secret: str) -> str:
    """A secret as it may be shown: its last four characters if it is long enough that they
    give nothing away, else nothing of it.

    >>> mask("f00dfeedc0ffee0123456789abcdef01"), mask("short"), mask("")
    ('****ef01', '****', '')
    """
    if not secret:
        return ""
    return "****" + (secret[-4:] if len(secret) >= 16 else "")


@dataclass(frozen=True)
class ShownSetting:
    """One setting as `config show` prints it: the secret masked, and where it came from."""

    key: str
    value: str
    source: str


def shown_settings() -> list[ShownSetting]:
    """Every setting's value in effect and its source (default, the file, or a variable).

    Raises:
        ConfigError: as :func:`load_settings`.
    """
    settings = load_settings()
    in_file = read_file()
    shown = []
    for known in fields(Settings):
        env = f"MOVIEFINDER_{known.name.upper()}"
        if env in os.environ:
            source = env
        elif known.name == SECRET and os.environ.get(TMDB_KEY_ENV):
            source = TMDB_KEY_ENV
        elif known.name in in_file:
            source = str(paths.config_file())
        else:
            source = "default"
        value = getattr(settings, known.name)
        text = mask(value) if known.name == SECRET else str(value)
        shown.append(ShownSetting(known.name, text, source))
    return shown


def exposed_key_warning() -> str | None:
    """A warning when the config file holds a TMDB key and others may read it, else None."""
    path = paths.config_file()
    try:
        mode = path.stat().st_mode
        if os.name == "nt" or not stat.S_ISREG(mode) or not mode & 0o077:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    try:
        holds = bool(tomllib.loads(text).get(SECRET))
    except tomllib.TOMLDecodeError:
        holds = SECRET in text
    if not holds:
        return None
    return f"{path} holds your TMDB key and other users can read it — run `chmod 600 {path}`."
