"""ISO 3166 country codes ⇄ English names, including a few historic countries in film data."""

from __future__ import annotations

from functools import cache
from typing import Final

# Names outside catalogues use that pycountry does not resolve, and historic codes it files apart.
_NAME_TO_CODE: Final = {
    "east germany": "DD",
    "west germany": "DE",
    "soviet union": "SU",
    "russia": "RU",
    "turkey": "TR",
    "vatican city": "VA",
    "palestine": "PS",
    "south korea": "KR",
    "north korea": "KP",
    "czechoslovakia": "CS",
    "yugoslavia": "YU",
}
_CODE_TO_NAME: Final = {
    "DD": "East Germany",
    "SU": "Soviet Union",
    "CS": "Czechoslovakia",
    "YU": "Yugoslavia",
    "RU": "Russia",
    "KR": "South Korea",
    "KP": "North Korea",
    "TW": "Taiwan",
    "GB": "United Kingdom",
    "US": "United States",
    "IR": "Iran",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "TR": "Turkey",
    "VN": "Vietnam",
    "SY": "Syria",
    "PS": "Palestine",
    "CZ": "Czech Republic",
}


@cache
def country_code(name: str) -> str | None:
    """'United Kingdom' → 'GB'; None when the name is not a country we know."""
    key = name.strip().rstrip(",").strip()
    if not key:
        return None
    if key.lower() in _NAME_TO_CODE:
        return _NAME_TO_CODE[key.lower()]
    import pycountry  # loads its JSON database; only importers and text building need it

    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None


@cache
def country_name(code: str) -> str:
    """'GB' → 'United Kingdom'; an unknown code comes back unchanged."""
    code = code.upper()
    if code in _CODE_TO_NAME:
        return _CODE_TO_NAME[code]
    import pycountry  # see country_code

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)
