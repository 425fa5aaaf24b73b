"""Key phrases: short facts out of outside descriptions, never a run of their prose."""

from __future__ import annotations

from moviefinder.sources.phrases import key_phrases, pick

ROCKY = (
    "When world heavyweight boxing champion Apollo Creed wants to give an unknown fighter a "
    "shot at the title as a publicity stunt, his handlers choose palooka Rocky Balboa, an "
    "uneducated collector for a Philadelphia loan shark."
)


def test_phrases_are_short_lower_case_and_share_no_word() -> None:
    phrases = key_phrases(ROCKY)
    assert "palooka rocky balboa" in phrases and "philadelphia loan shark" in phrases
    assert all(1 <= len(p.split()) <= 3 and p == p.casefold() for p in phrases)
    words = [set(p.split()) for p in phrases]
    assert all(not (a & b) for i, a in enumerate(words) for b in words[i + 1 :])


def test_no_two_phrases_stand_side_by_side_in_the_source() -> None:
    source = "a clumsy and primitive courtship that includes reducing the girl to tears"
    candidates = ["clumsy and primitive", "courtship that includes", "reducing the girl", "tears"]
    assert pick(candidates, source=source) == ("clumsy and primitive", "reducing the girl", "tears")
    assert pick(candidates) == tuple(candidates)  # without the source nothing is known
    assert pick(["The Heist!", "and of the", "a b c d", "heist crew"]) == ("the heist",)
    assert key_phrases("   ") == ()
