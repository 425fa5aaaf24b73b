"""Dutch queries rendered into English for the English-only model: a lexicon, not a model.

The packaged model reads English only, so a Dutch query ("serie over een scheikundeleraar die
drugs gaat maken") is rendered word by word before it is read: the longest known phrase first,
then the word, then the word without its Dutch ending (plural, diminutive, verb or adjective
form), then the word split into known parts (scheikunde + leraar). Names, titles and unknown
words stay as they are, so "la casa de papel" still finds its title. The lexicon is ours:
``data/lexicon_nl_en.tsv``, ``dutch<TAB>english`` per line (an empty English side drops the word).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Final

from moviefinder.core import bundle
from moviefinder.core.errors import ConfigError

LEXICON_FILE: Final = "lexicon_nl_en.tsv"
#: Function words that are Dutch and not English, and the other way round: enough to tell a
#: Dutch query from an English one without a model.
DUTCH_MARKERS: Final = frozenset({
    "de", "het", "een", "van", "en", "die", "dat", "met", "voor", "naar", "waar", "wie",
    "waarin", "zijn", "haar", "hij", "zij", "ze", "niet", "geen", "wordt", "worden", "werd",
    "heeft", "hebben", "ook", "nog", "maar", "als", "om", "te", "bij", "uit", "tegen",
    "tussen", "jaren", "gaat", "gaan", "over", "iets", "ik", "zoek", "waarbij",
    "welke", "wat", "hun", "zich", "na", "door", "onder", "dan", "toen", "moet", "wil", "kan",
    "kunnen", "zal", "zou", "eigenlijk", "echt", "heel", "erg", "mooie", "leuke", "grappige",
    "enge",
})  # fmt: skip
ENGLISH_MARKERS: Final = frozenset({
    "the", "a", "an", "of", "and", "who", "that", "with", "for", "to", "where", "whose",
    "which", "his", "her", "he", "she", "they", "them", "not", "no", "is", "are", "was",
    "were", "has", "have", "had", "gets", "get", "about", "from", "into", "out", "against",
    "between", "years", "goes", "go", "something", "looking", "this", "these", "those", "than",
    "then", "when", "must", "want", "can", "will", "would", "really", "very", "movie", "show",
    "it", "its", "there", "their",
})  # fmt: skip
#: Function words of languages we do not read, that are neither Dutch nor English ones: a
#: German query must not be rendered as Dutch ("der" is no Dutch word).
OTHER_MARKERS: Final = {
    "German": frozenset({
        "der", "das", "und", "ist", "ein", "eine", "einen", "einem", "nicht", "sich", "auf",
        "dem", "zu", "wird", "mit", "über", "für", "wer", "einer", "sind", "auch", "aus",
        "ich", "wie", "vom", "zum", "zur", "seine", "ihre", "kein", "keine",
    }),
    "French": frozenset({
        "le", "la", "les", "une", "des", "est", "qui", "dans", "avec", "pour", "sur", "du",
        "et", "pas", "ce", "sont", "son", "sa", "ses", "au", "aux", "je", "cherche", "un", "de",
    }),
    "Spanish": frozenset({
        "el", "los", "las", "una", "que", "con", "por", "para", "del", "es", "y", "su", "sus",
        "pero", "busco", "sobre", "como", "un", "de", "la",
    }),
}  # fmt: skip
#: Letters of scripts the model cannot read, each with the language it most likely is.
_SCRIPTS: Final = (
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "Korean"),
    (re.compile(r"[\u0400-\u04ff]"), "Russian"),
    (re.compile(r"[\u0600-\u06ff]"), "Arabic"),
    (re.compile(r"[\u0590-\u05ff]"), "Hebrew"),
    (re.compile(r"[\u0e00-\u0e7f]"), "Thai"),
    (re.compile(r"[\u0900-\u097f]"), "Hindi"),
    (re.compile(r"[\u0370-\u03ff]"), "Greek"),
)
_KANA: Final = re.compile(r"[\u3040-\u30ff]")
_CJK: Final = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_DUTCH_SPELLING: Final = re.compile(r"ij|aa|uu|oe|sch|cht\b|tje\b|heid\b|lijk|en\b")
_ENGLISH_SPELLING: Final = re.compile(r"th|wh|ing\b|tion\b|ould|ough|y\b|w\b")
_TOKEN: Final = re.compile(r"\"[^\"]*\"|'[^'\s][^']*[^'\s]'|[\w'’-]+|[^\w\s]", re.UNICODE)
#: "jaren 80", "jaren '90" → "80s", "90s": decades the query reader understands.
_DECADE: Final = re.compile(r"\b(?:de\s+)?jaren\s+'?(\d0)(?!\w)", re.IGNORECASE)
#: Dutch endings tried in order when a word is not in the lexicon: diminutives, plurals, verb
#: forms, adjective and comparative forms.
_ENDINGS: Final = (
    "tjes", "etjes", "pjes", "jes", "etje", "tje", "pje", "je", "'s", "eren", "en", "s", "de",
    "te", "den", "ten", "ere", "er", "ste", "e", "t", "d",
)  # fmt: skip
#: What may join two parts of a compound: oorlog+s+film, boek+en+kast.
_LINKS: Final = ("", "s", "en", "e")
_MIN_PART: Final = 3
#: Word-forming endings that are never the second part of a compound, though some are words
#: of their own: vrouwelijke is vrouw + -elijke, not vrouwe + lijke ("corpse").
_SUFFIXES: Final = frozenset({
    "lijk", "lijke", "lijks", "heid", "heden", "baar", "bare", "achtig", "achtige", "ing",
    "ingen", "loos", "loze", "zaam", "zame", "schap", "schappen", "isch", "ische", "elijk",
    "elijke", "ig", "ige", "tje", "tjes", "ster", "sters", "rij", "erij",
})  # fmt: skip


@dataclass(frozen=True)
class Rendering:
    """What the model reads for a query, and how it was read."""

    text: str
    language: str
    #: Dutch words kept as they are: names, titles, or words the lexicon does not know.
    kept: tuple[str, ...] = ()

    @property
    def translated(self) -> bool:
        return self.language == "nl"

    @property
    def foreign(self) -> str | None:
        """The language we do not read that the query seems to be in, if any."""
        return None if self.language in ("nl", "en") else self.language


def detect_language(text: str) -> str:
    """ "nl" or "en", from function words first and spelling second — or the English name of
    a language we do not read ("German", "Japanese"), which is then not guessed at.

    >>> detect_language("serie over een scheikundeleraar die drugs gaat maken")
    'nl'
    >>> detect_language("the one where a chemistry teacher cooks meth")
    'en'
    >>> detect_language("ein Chemielehrer, der Drogen kocht")
    'German'
    """
    letters = 0 if text.isascii() else sum(c.isalpha() for c in text)
    if letters and len(_CJK.findall(text)) * 2 > letters:  # kanji, with kana if Japanese
        return "Japanese" if _KANA.search(text) else "Chinese"
    for script, language in _SCRIPTS if letters else ():
        if len(script.findall(text)) * 2 > letters:
            return language
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    dutch = sum(w in DUTCH_MARKERS for w in words)
    english = sum(w in ENGLISH_MARKERS for w in words)
    other, language = max((sum(w in m for w in words), name) for name, m in OTHER_MARKERS.items())
    if other > max(dutch, english):
        return language
    if dutch == english:
        dutch = sum(len(_DUTCH_SPELLING.findall(w)) for w in words)
        english = sum(len(_ENGLISH_SPELLING.findall(w)) for w in words)
    return "nl" if dutch > english else "en"


@dataclass(frozen=True)
class Lexicon:
    """Dutch words and phrases (lower case) → English; an empty English side drops the word."""

    entries: Mapping[str, str]

    @cached_property
    def longest(self) -> int:
        return max((key.count(" ") + 1 for key in self.entries), default=1)

    def word(self, word: str) -> str | None:
        """WORD in English: as listed, without its Dutch ending, or as a compound; else None."""
        found = self.entries.get(word)
        if found is not None:
            return found
        base = self._stem(word)
        if base is not None:
            return base
        if "-" in word.strip("-"):  # oost-londen, zombie-uitbraak: each part on its own
            pieces = [p for p in word.split("-") if p]
            english = [self.word(p) for p in pieces]
            if all(e is None for e in english):
                return None
            return " ".join(p if e is None else e for p, e in zip(pieces, english, strict=True))
        if word.startswith("on") and len(word) > 5:  # onbetaald → not paid
            negated = self._known(word[2:])
            if negated:
                return f"not {negated}"
        parts = self.split_compound(word)
        if parts is None:
            return None
        return " ".join(filter(None, (self._known(p) for p in parts)))

    def _known(self, word: str) -> str | None:
        found = self.entries.get(word)
        return found if found is not None else self._stem(word)

    def _stem(self, word: str) -> str | None:
        for ending in _ENDINGS:
            # A lone letter comes off longer words only: "pers" is not "per" + s.
            shortest = _MIN_PART + (1 if len(ending) == 1 else 0)
            if word.endswith(ending) and len(word) - len(ending) >= shortest:
                for candidate in _spellings(word[: len(word) - len(ending)]):
                    found = self.entries.get(candidate)
                    if found is not None:
                        return found
        if word.startswith("ge") and len(word) > 5:  # gemaakt → maken, geobsedeerd → obsederen
            stem = word[2:-1] if word[-1] in "dt" else word[2:]
            for candidate in (word[2:], stem, *_infinitives(stem)):
                found = self.entries.get(candidate)
                if found:
                    return found
        return None

    def split_compound(self, word: str) -> tuple[str, ...] | None:
        """WORD as two or three known parts, longest head first: scheikundeleraar →
        ("scheikunde", "leraar"); None when no split covers the whole word."""
        best: tuple[str, ...] | None = None
        for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
            head, rest = word[:cut], word[cut:]
            if self._known(head) is None:
                continue
            for link in _LINKS:
                if not rest.startswith(link) or len(rest) - len(link) < _MIN_PART:
                    continue
                tail = rest[len(link) :]
                if tail in _SUFFIXES:
                    continue
                if self._known(tail) is not None:
                    return (head, tail)
                if best is None:
                    deeper = self._split_two(tail)
                    if deeper is not None:
                        best = (head, *deeper)
        return best

    def _split_two(self, word: str) -> tuple[str, str] | None:
        for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
            head, rest = word[:cut], word[cut:]
            if self._known(head) is None:
                continue
            for link in _LINKS:
                tail = rest[len(link) :]
                if not rest.startswith(link) or len(tail) < _MIN_PART or tail in _SUFFIXES:
                    continue
                if self._known(tail) is not None:
                    return (head, tail)
        return None

    def render(self, text: str) -> Rendering:
        """TEXT in English, phrase by phrase; quoted titles and unknown words kept as typed."""
        tokens = _TOKEN.findall(_DECADE.sub(lambda m: f"the {m[1]}s", text))
        lower = [t.lower() for t in tokens]
        out: list[str] = []
        kept: list[str] = []
        longest = self.longest
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if (token[0] in "\"'" and len(token) > 1) or not token[0].isalnum():
                out.append(token)
                i += 1
                continue
            for size in range(min(longest, len(tokens) - i), 1, -1):
                phrase = " ".join(lower[i : i + size])
                if phrase in self.entries:
                    out.append(self.entries[phrase])
                    i += size
                    break
            else:
                numeric = any(c.isdigit() for c in token)
                english = None if numeric else self.word(lower[i])
                if english is None:
                    out.append(token)
                    if not numeric:
                        kept.append(token)
                else:
                    out.append(english)
                i += 1
        rendered = re.sub(r"\s+([,.!?;:])", r"\1", " ".join(w for w in out if w))
        return Rendering(rendered.strip(), "nl", tuple(kept))


def _spellings(base: str) -> tuple[str, ...]:
    """Dutch spelling undone after an ending comes off: katt → kat, bot → boot, hui → huis."""
    forms = [base]
    if len(base) >= 2 and base[-1] == base[-2] and base[-1] not in "aeiou":
        forms.append(base[:-1])  # katten → katt → kat
    if len(base) >= 3 and base[-2] in "aeou" and base[-3] not in "aeiou":
        forms.append(base[:-1] + base[-2] + base[-1])  # boten → bot → boot
    if base.endswith("v"):
        forms.append(base[:-1] + "f")  # brieven → briev → brief
    if base.endswith("z"):
        forms.append(base[:-1] + "s")  # huizen → huiz → huis
    return tuple(forms)


def _infinitives(stem: str) -> tuple[str, ...]:
    """Infinitives a verb stem may have: maak → maken, obsedeer → obsederen, leef → leven."""
    forms = [stem + "en"]
    if len(stem) >= 3 and stem[-2] == stem[-3] and stem[-2] in "aeou":
        forms.append(stem[:-2] + stem[-1] + "en")
    if stem.endswith("f"):
        forms.append(stem[:-1] + "ven")
    if stem.endswith("s"):
        forms.append(stem[:-1] + "zen")
    return tuple(forms)


def read_lexicon(path: Path) -> Lexicon:
    """Parse a ``dutch<TAB>english`` file; ``#`` starts a comment line.

    Raises:
        ConfigError: the file is missing or a line has no tab.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"Cannot read the Dutch lexicon at {path} ({exc.strerror}).") from None
    entries: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        dutch, tab, english = line.partition("\t")
        if not tab:
            raise ConfigError(f"{path}:{number}: expected 'dutch<TAB>english'.")
        entries.setdefault(" ".join(dutch.lower().split()), english.strip())
    return Lexicon(entries)


@cache
def dutch_lexicon() -> Lexicon:
    """The shipped lexicon, read once per process (only Dutch queries need it)."""
    return read_lexicon(bundle.bundled_dir() / LEXICON_FILE)


def render_query(text: str) -> Rendering:
    """TEXT as the model should read it: English as typed, Dutch rendered into English."""
    language = detect_language(text)
    if language != "nl":
        return Rendering(text, language)
    return dutch_lexicon().render(text)
