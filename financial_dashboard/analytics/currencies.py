"""Which currencies a set of holdings is priced in, so a total is never a sum of dollars and rupees unawares."""

from collections.abc import Iterable, Mapping
from typing import Any


def currencies_of(positions: Iterable[Any]) -> list[str]:
    """The distinct known currencies of ``positions``, sorted (["EUR", "USD"]).

    A position is anything with a ``currency`` attribute (an asset, a position object) or a mapping with
    a ``"currency"`` key; a missing, None or blank currency is unknown and left out. More than one code
    means the positions cannot be added up without converting first.
    """
    found = set()
    for position in positions:
        code = position.get("currency") if isinstance(position, Mapping) else getattr(position, "currency", None)
        if isinstance(code, str) and code.strip():
            found.add(code.strip())
    return sorted(found)
