"""Common first names, so a name in a lower-case transcript ("chris hit me") is read as a person.

Typed text marks names with a capital letter; a transcript does not. The names come from the `names` package
(MIT; the 1990 US census first-name lists it ships as data). Only names borne by at least 1 in 10,000 people
are used: rarer entries of those lists include everyday words ("in", "so", "see"). A package that cannot be
read leaves the set empty: detection then relies on the partners' names and capitals, as before.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources

_LOGGER = logging.getLogger(__name__)

MIN_SHARE_PCT = 0.01
"""A census name is used when at least this percentage of people bear it (chosen by looking at which
names are also everyday words, not on any corpus)."""
LISTS = ("dist.male.first", "dist.female.first")


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Lower-case common first names; empty when the `names` package is unavailable."""
    found: set[str] = set()
    try:
        package = resources.files("names")
        for listing in LISTS:
            for line in package.joinpath(listing).read_text(encoding="ascii").splitlines():
                fields = line.split()
                if len(fields) >= 2 and float(fields[1]) >= MIN_SHARE_PCT:
                    found.add(fields[0].lower())
    except (ImportError, OSError, ValueError) as exc:
        _LOGGER.warning("first-name list unavailable (%s): lower-case names will not be read as people", exc)
        return frozenset()
    return frozenset(found)
