from __future__ import annotations

from pathlib import Path

import pytest

from moviefinder.core.errors import ConfigError
from moviefinder.storage.config import Settings, load_settings


def test_defaults(home: Path) -> None:
    assert load_settings() == Settings()
    assert Settings().region == "NL"


def test_file_then_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text('region = "be"\ntaste_weight = 0.5\n', encoding="utf-8")
    assert load_settings() == Settings(region="BE", taste_weight=0.5)
    monkeypatch.setenv("MOVIEFINDER_TASTE_WEIGHT", "0.1")
    assert load_settings().taste_weight == 0.1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("region = ", "is not valid TOML"),
        ('colour = "red"', "Unknown setting"),
        ('region = "Netherlands"', "two-letter country code"),
        ("taste_weight = 3", "between 0 and 1"),
        ('taste_weight = "lots"', "must be a number"),
    ],
)
def test_bad_config(home: Path, text: str, message: str) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_half_life(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVIEFINDER_HALF_LIFE_DAYS", "30")
    assert load_settings().half_life_days == 30.0
    monkeypatch.setenv("MOVIEFINDER_HALF_LIFE_DAYS", "0")
    with pytest.raises(ConfigError, match="half_life_days must be positive"):
        load_settings()
    monkeypatch.setenv("MOVIEFINDER_HALF_LIFE_DAYS", "soon")
    with pytest.raises(ConfigError, match="half_life_days must be a number, not 'soon'"):
        load_settings()
