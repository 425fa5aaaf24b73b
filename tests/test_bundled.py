"""Guards on the shipped default catalogue: facts agree with the outside data, our words are ours,
and the shipped embeddings belong to the shipped titles."""

from __future__ import annotations

import csv
import re

import pytest

from moviefinder.core.catalog import Catalog, title_text
from moviefinder.core.encoder import PACKAGED_MODEL
from moviefinder.storage import paths, store
from tests.conftest import REPO, SHARED
from tools.build_catalog import NOTES_FILE, read_notes

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
    assert stale == [], "run `python tools/build_catalog.py` to re-embed changed titles"


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
    # every title but a few has words beyond its facts: our synopsis or key phrases
    assert coverage.described >= 0.95 * coverage.titles


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
    from moviefinder.storage.evidence import read_availability

    records = read_availability(DATA / paths.AVAILABILITY_FILE)
    ids = set(default.columns["id"])
    assert records and all(r.id in ids for r in records)
    assert all(r.source and r.last_seen and r.first_seen <= r.last_seen for r in records)
    keys = [(r.id, r.region, r.source) for r in records]
    assert keys == sorted(keys)
    originals = {r.id for r in records if r.source == "netflix-original"}
    assert originals == {t.id for t in default.titles if t.netflix_original}


needs_lists = pytest.mark.skipif(
    not (SHARED / "availability").is_dir(), reason=f"availability evidence not found at {SHARED}"
)


def test_duplicates_fold_into_one_entry_keeping_every_name() -> None:
    from moviefinder.core.catalog import Title
    from moviefinder.sources.netflix_lists import Listing
    from tools.build_catalog import fold_duplicates

    titles = [
        Title("jw:1", "Money Heist", "series", 2017, alt_titles=("La casa de papel",), seasons=5),
        Title("nft:1", "La casa de papel", "series", 2021, cast=("Úrsula Corberó",)),
        Title("jw:2", "Boomika", "movie", 2021),
        Title("nft:2", "Boomika (Hindi)", "movie", 2021, runtime=120),
        Title("jw:3", "The Boss: Anatomy of a Crime", "movie", 2015),
        Title("nft:3", "El patrón, radiografía de un crimen", "movie", 2014),
        Title("jw:4", "Boomika", "movie", 1990),  # same name, another film: stays
    ]
    report = Listing(
        "The Boss: Anatomy of a Crime", "movie", "netflix-engagement", "*", "", "",
        original_title="El patrón, radiografía de un crimen",
    )  # fmt: skip
    folded, count = fold_duplicates(titles, [report], noted=set())
    assert count == 3
    by_id = {t.id: t for t in folded}
    assert sorted(by_id) == ["jw:1", "jw:2", "jw:3", "jw:4"]
    assert by_id["jw:1"].alt_titles == ("La casa de papel",)
    assert by_id["jw:1"].cast == ("Úrsula Corberó",) and by_id["jw:1"].seasons == 5
    assert by_id["jw:2"].alt_titles == ("Boomika (Hindi)",) and by_id["jw:2"].runtime == 120
    assert by_id["jw:3"].alt_titles == ("El patrón, radiografía de un crimen",)
    # the entry our notes describe keeps its id
    kept, _ = fold_duplicates(titles[:2], [], noted={"nft:1"})
    assert [t.id for t in kept] == ["nft:1"] and kept[0].alt_titles == ("Money Heist",)


def test_titles_the_lists_name_but_the_catalogue_lacks_are_added_with_their_facts() -> None:
    from moviefinder.core.catalog import Title
    from moviefinder.sources.netflix_lists import Listing
    from tools.build_catalog import dated_by_tmdb, missing_titles

    titles = [Title("jw:1", "Heat", "movie", 1995)]
    tmdb = {
        77: Title("tmdb:movie:77", "Space Dogs", "movie", 2010, genres=("animation",)),
        88: Title("tmdb:movie:88", "Other", "movie", 2001),
    }
    listings = dated_by_tmdb(
        [
            Listing("Heat", "movie", "netflix-top10-nl-daily", "NL", "", ""),  # known
            Listing("Space Dogs", "movie", "netflix-top10-nl-daily", "NL", "", "", tmdb_id=77),
            Listing("Moon Crew", "movie", "netflix-top10-nl-daily", "NL", "", "", tmdb_id=88),
            Listing("Queen of Tears", "series", "netflix-engagement", "*", "", "", year=2024,
                    original_title="눈물의 여왕", runtime=None),
        ],
        tmdb,
    )  # fmt: skip
    new = {t.title: t for t in missing_titles(titles, listings, tmdb)}
    assert sorted(new) == ["Moon Crew", "Queen of Tears", "Space Dogs"]
    dogs = new["Space Dogs"]  # TMDB's own list confirms the reference: its facts come along
    assert (dogs.id, dogs.year, dogs.tmdb_id, dogs.genres) == (
        "nf:film-space-dogs-2010",
        2010,
        77,
        ("animation",),
    )
    assert new["Moon Crew"].tmdb_id is None  # TMDB gives id 88 to another title: dropped
    # an id above every id of TMDB's list: entered since, so not the 1995 film of that name
    (later,) = dated_by_tmdb([Listing("Heat", "movie", "d", "NL", "", "", tmdb_id=99)], tmdb)
    assert later.after == 2009 and missing_titles(titles, [later], tmdb)[0].title == "Heat"
    queen = new["Queen of Tears"]
    assert (queen.id, queen.type, queen.alt_titles) == (
        "nf:tv-queen-of-tears-2024",
        "series",
        ("눈물의 여왕",),
    )


@needs_lists
def test_at_least_6000_titles_carry_nl_evidence_with_source_and_date(default: Catalog) -> None:
    from moviefinder.core.availability import evidence_titles
    from moviefinder.storage.evidence import read_availability

    records = read_availability(DATA / paths.AVAILABILITY_FILE)
    assert evidence_titles(records, default)["NL"] >= 6000
    sources = {r.source for r in records if r.region in ("NL", "*")}
    assert sources == {
        "netflix-engagement",
        "netflix-original",
        "netflix-top10-nl-daily",
        "netflix-top10-nl-weekly",
        "unogs-nl",
    }


@needs_lists
def test_every_listed_recent_title_is_in_the_catalogue_once(default: Catalog) -> None:
    from moviefinder.sources.importers.tmdb5000 import read_tmdb5000
    from moviefinder.sources.listing_match import ListingMatcher
    from moviefinder.sources.netflix_lists import read_daily_top10, read_engagement
    from tools.build_catalog import DAILY_TOP10, ENGAGEMENT, NEW_SINCE, TMDB_FILE, dated_by_tmdb

    matcher = ListingMatcher(default)
    recent = [x for x in read_engagement(SHARED / ENGAGEMENT) if x.year and x.year >= NEW_SINCE]
    tmdb = {t.tmdb_id: t for t in read_tmdb5000(SHARED / TMDB_FILE).titles if t.tmdb_id}
    daily = dated_by_tmdb(read_daily_top10(SHARED / DAILY_TOP10), tmdb)
    missing = [
        x.name
        for x in [*recent, *daily]
        # a listing without a year that names several same-named titles names one of them
        if matcher.match(x) is None and not (x.year is None and default.find(x.name))
    ]
    assert len(recent) > 2000 and missing == []
    # one title, one entry: the Spanish name and the dubbed versions point at the same title
    money = default.find("Money Heist")
    assert len(money) == 1 and not default.find("La casa de papel")
    assert "La casa de papel" in default.title(money[0]).alt_titles
    assert not default.find("nft:s110") and not default.find("Boomika (Hindi)")


@needs_lists
def test_hours_viewed_are_the_reports_figures_with_seasons_summed(default: Catalog) -> None:
    engagement = SHARED / "availability" / "netflix_engagement_2023_2025.csv"
    with engagement.open(newline="", encoding="utf-8") as handle:
        expected = sum(
            int(r["hours_viewed"])
            for r in csv.DictReader(handle)
            if r["period"] == "2025H1" and r["title"].startswith("Breaking Bad: Season")
        )
    breaking = default.title(default.find("Breaking Bad")[0])
    assert breaking.latest_hours() == ("2025H1", expected)
    assert dict(zip(breaking.netflix_periods, breaking.netflix_hours, strict=True))["2025H1"] > 0


def test_key_phrases_are_short_lower_case_facts_never_prose(default: Catalog) -> None:
    phrased = [t for t in default.titles if t.key_phrases]
    assert len(phrased) > 0.8 * len(default)
    for t in phrased:
        for phrase in t.key_phrases:
            assert 1 <= len(phrase.split()) <= 3 and phrase == phrase.casefold(), (t.title, phrase)
        words = [set(p.split()) for p in t.key_phrases]
        assert all(not (a & b) for i, a in enumerate(words) for b in words[i + 1 :]), t.title


@needs_shared
def test_no_eight_word_run_of_outside_prose_in_key_phrases(default: Catalog) -> None:
    outside: set[tuple[str, ...]] = set()
    for name, column in [
        ("netflix_titles.csv", "description"),
        ("netflix_justwatch_2023_titles.csv", "description"),
        ("tmdb_5000_movies.csv", "overview"),
    ]:
        for r in rows(name):
            outside |= shingles(r.get(column) or "")
    # each phrase has three words at most; not even phrases side by side rebuild a sentence
    copied = [
        (t.title, " ".join(s))
        for t in default.titles
        for s in shingles(" ".join((*t.keywords, *t.key_phrases, t.synopsis))) & outside
    ]
    assert copied == []
