"""Small text helpers shared by the link modules.

>>> fold("（≥９５％）")
'(≥95%)'
>>> fold("满意度指 标 ")
'满意度指标'
>>> strip_brackets("城乡居民政策知晓率(≥**%)")
'城乡居民政策知晓率'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_TRAILING_PAREN = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC-fold (full-width → half-width) and drop all whitespace.

    Chinese cells are wrapped with stray spaces (``满意度指 标``); no space in a name
    or a target carries meaning, so matching works on the folded form.
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def strip_brackets(text: str) -> str:
    """Remove trailing parentheticals such as ``(≥**%)``, ``(人)``, ``（%）``."""
    out = text
    while True:
        new = _TRAILING_PAREN.sub("", out)
        if new == out or not new:
            return out
        out = new
