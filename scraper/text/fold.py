"""One folding of names for comparison: case and accents removed.

::

    fold("José  Núñez")        -> "jose  nunez"   (case and accents only)
    fold_loose("The St. Louis-Post") -> "thestlouispost"  (letters and digits only)

``fold`` compares person names and quotes (spacing and punctuation kept);
``fold_loose`` compares a headline's segment with a site's name, where
spacing and punctuation vary between a page's title and its metadata.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=8192)
def fold(name: str) -> str:
    """Case- and accent-insensitive form for comparing names."""
    nfd = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in nfd if not unicodedata.combining(c)).replace("’", "'")


def fold_loose(text: str) -> str:
    """Lowercase letters and digits only, for comparing names loosely."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())
