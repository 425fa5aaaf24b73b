"""Guards on the shipped default catalogue: facts agree with the outside data, our words are ours,
and the shipped embeddings belong to the shipped titles."""

from __future__ import annotations

import csv
import re

import pytest

from moviefinder import paths, store
from moviefinder.bundled import NOTES_FILE, read_notes
from moviefinder.catalog import Catalog, title_text
from moviefinder.embed import PACKAGED_MODEL
from tests.conftest import REPO, SHARED

DATA = REPO / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "catalogs").is_dir(), reason=f"outside data not found at {SHARED}"
)


@pytest.fixture(scope="module")
def default() -> Catalog:
    return store.read_titles(DATA / paths.TITLES_FILE, "default")


def rows(name: str) -> list[dict[str, str]]:
    csv.field_size_limit(10**8)  # process-wide: set where it is needed, not at import
    with (SHARED / "catalogs" / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_shipped_embeddings_match_shipped_titles(default: Catalog) -> None:
    embeddings = store.read_embeddings(DATA / paths.EMBEDDINGS_FILE)
    assert embeddings.model == PACKAGED_MODEL and embeddings.dim == 384
    assert embeddings.ids == tuple(t.id for t in default.titles)
    stale = [
        t.id
        for t, h in zip(default.titles, embeddings.hashes, strict=True)
        if store.content_hash(title_text(t)) != h
    ]
    assert stale == [], "run `python -m moviefinder.bundled` to re-embed changed titles"


def test_notes_are_sorted_unique_and_name_their_titles(default: Catalog) -> None:
    notes = read_notes(DATA / NOTES_FILE)
    ids = [n.id for n in notes]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    by_id = {t.id: t for t in default.titles}
    assert [n.id for n in notes if n.id not in by_id] == []
    assert [n.id for n in notes if by_id[n.id].title != n.title] == []
    for n in notes:
        if n.synopsis:
            assert 40 <= len(n.synopsis.split()) <= 90, n.title
            assert n.keywords, n.title


@needs_shared
def test_every_outside_title_is_in_the_default_catalogue(default: Catalog) -> None:
    ids = {t.id for t in default.titles}
    jw = rows("netflix_justwatch_2023_titles.csv")
    assert {f"jw:{r['id']}" for r in jw} <= ids
    nf = rows("netflix_titles.csv")
    merged_away = len(nf) - sum(1 for i in ids if i.startswith("nft:"))
    assert 0 < merged_away < len(nf) // 2  # duplicates of JustWatch rows were merged


@needs_shared
def test_facts_agree_with_outside_data(default: Catalog) -> None:
    by_id = {t.id: t for t in default.titles}
    for r in rows("netflix_justwatch_2023_titles.csv"):
        t = by_id[f"jw:{r['id']}"]
        assert t.title == r["title"].strip()
        assert t.type == ("series" if r["type"] == "SHOW" else "movie")
        assert t.year == int(r["release_year"])
        assert t.imdb_id == (r["imdb_id"] or None)
        assert t.imdb_votes == (int(float(r["imdb_votes"])) if r["imdb_votes"] else None)
    for r in rows("netflix_titles.csv"):
        t = by_id.get(f"nft:{r['show_id']}")
        if t is not None:
            assert (t.title, t.year) == (r["title"].strip(), int(r["release_year"]))
            assert t.directors == tuple(d.strip() for d in r["director"].split(",") if d.strip())


@needs_shared
def test_most_voted_titles_have_our_synopsis_and_keywords(default: Catalog) -> None:
    jw = [r for r in rows("netflix_justwatch_2023_titles.csv") if r["imdb_votes"]]
    jw.sort(key=lambda r: -float(r["imdb_votes"]))
    by_id = {t.id: t for t in default.titles}
    top = [by_id[f"jw:{r['id']}"] for r in jw[:1000]]
    missing = [t.title for t in top if not (t.synopsis and t.keywords)]
    # A few obscure titles are left empty on purpose: no synopsis rather than a guess.
    assert len(missing) <= 15, f"top-1000 titles without synopsis: {missing}"
    coverage = default.coverage()
    assert coverage.with_synopsis >= 1000 and coverage.with_keywords >= 1000
    assert coverage.with_alt_titles >= 200


WORD = re.compile(r"[a-z0-9']+")


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@needs_shared
def test_no_eight_word_run_of_outside_prose_in_our_words() -> None:
    outside: set[tuple[str, ...]] = set()
    for name, column in [
        ("netflix_titles.csv", "description"),
        ("netflix_justwatch_2023_titles.csv", "description"),
        ("tmdb_5000_movies.csv", "overview"),
        ("tmdb_5000_movies.csv", "tagline"),
    ]:
        for r in rows(name):
            outside |= shingles(r.get(column) or "")
    copied = []
    for note in read_notes(DATA / NOTES_FILE):
        ours = note.synopsis + " " + " ".join(note.keywords)
        copied += [f"{note.title}: {' '.join(s)}" for s in shingles(ours) & outside]
    assert copied == []


def test_shipped_availability_names_real_titles_with_dates(default: Catalog) -> None:
    from moviefinder.availability import read_availability

    records = read_availability(DATA / paths.AVAILABILITY_FILE)
    ids = set(default.columns["id"])
    assert records and all(r.id in ids for r in records)
    assert all(r.source and r.last_seen and r.first_seen <= r.last_seen for r in records)
    keys = [(r.id, r.region, r.source) for r in records]
    assert keys == sorted(keys)
    originals = {r.id for r in records if r.source == "netflix-original"}
    assert originals == {t.id for t in default.titles if t.netflix_original}
