"""What every command runs in: the settings, the encoder it searches with, and the presentation's
ears for the few things said while a command is still working."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from moviefinder.core.encoder import Encoder
from moviefinder.core.errors import MovieFinderError
from moviefinder.storage.config import Settings, load_settings


class EncoderFactory(Protocol):
    """Makes the encoder for a model (:func:`moviefinder.models.embed.load_encoder`'s shape)."""

    def __call__(
        self, model_id: str, encoder_kind: str = ..., on_export: Callable[[], None] | None = ...
    ) -> Encoder: ...


class Warn(Protocol):
    """Hears of a PROBLEM a command went on without, and what it does MEANWHILE."""

    def __call__(self, problem: MovieFinderError, meanwhile: str = ..., /) -> None: ...


def _quiet(problem: MovieFinderError, meanwhile: str = "") -> None:
    """Heard nothing: the default for a context made without a screen (tests, scripts)."""


@dataclass(frozen=True)
class Context:
    """SETTINGS, and ENCODERS (None: the configured model, loaded for real) — a test passes the
    fake keyword encoder here. WARN hears of a problem a search went on without (a damaged
    file) and what it does meanwhile; EXPORTING is told before the once-per-install ONNX export
    starts."""

    settings: Settings
    encoders: EncoderFactory | None = None
    warn: Warn = _quiet
    exporting: Callable[[], None] | None = None

    @classmethod
    def load(
        cls,
        warn: Warn = _quiet,
        exporting: Callable[[], None] | None = None,
        encoders: EncoderFactory | None = None,
    ) -> Context:
        """A context with the stored settings (config.toml and the environment).

        Raises:
            ConfigError: the settings are invalid.
        """
        return cls(load_settings(), encoders, warn, exporting)
