"""Regular expressions that state a validator's rule in the OpenAPI spec: trimmed text, dates within bounds.

JSON Schema has no "length after stripping" nor "date between", so the spec carries a ``pattern`` that
accepts exactly what the server accepts. The patterns use only character classes, groups, alternation
and counted repetition, which Python, ECMA-262 and Rust regex engines read alike.
"""

import datetime as dt
import sys


def _char_class(codepoints, negate=False) -> str:
    """``[...]`` of the given code points, written as ranges of ``\\uXXXX`` escapes."""
    ranges, points = [], sorted(codepoints)
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    parts = "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
    return f"[{'^' if negate else ''}{parts}]"


# What str.strip() removes (str.isspace), spelled out: "\s" means something slightly different in each
# regex dialect (Python counts U+001C-U+001F, ECMA-262 counts U+FEFF, Rust neither).
_BLANK_POINTS = [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
BLANK = _char_class(_BLANK_POINTS)
SOLID = _char_class(_BLANK_POINTS, negate=True)
ANY = r"[\s\S]"


def trimmed_text(min_length: int, max_length: int | None, core: str | None = None) -> str:
    """Text whose stripped form has ``min_length`` to ``max_length`` (None: any number of) characters, each
    one of ``core`` (a character class without blanks) when given; blanks around it are allowed and removed."""
    most = "" if max_length is None else max_length
    if core is not None:
        inner = f"{core}{{{min_length},{most}}}"
    elif max_length == 1:
        inner = SOLID
    else:
        middle = f"{ANY}{{{max(min_length - 2, 0)},{'' if max_length is None else max_length - 2}}}"
        inner = f"{SOLID}{middle}{SOLID}" if min_length >= 2 else f"{SOLID}(?:{middle}{SOLID})?"
        if min_length == 0:
            inner = f"(?:{inner})?"
    return f"^{BLANK}*{inner}{BLANK}*$"


def _digits(low: int, high: int) -> str:
    return str(low) if low == high else f"[{low}-{high}]"


def _any_digits(count: int) -> str:
    return "[0-9]" if count == 1 else f"[0-9]{{{count}}}"


def _number(low: int, high: int, width: int) -> str:
    """Zero-padded ``width``-digit numbers from ``low`` to ``high``."""
    a, b = str(low).zfill(width), str(high).zfill(width)
    if a == b:
        return a
    if width == 1:
        return _digits(low, high)
    rest = width - 1
    if a[0] == b[0]:
        return a[0] + _number(int(a[1:]), int(b[1:]), rest)
    if a[1:] == "0" * rest and b[1:] == "9" * rest:
        return _digits(int(a[0]), int(b[0])) + _any_digits(rest)
    options = [a[0] + _number(int(a[1:]), 10**rest - 1, rest)]
    if int(b[0]) - int(a[0]) > 1:
        options.append(_digits(int(a[0]) + 1, int(b[0]) - 1) + _any_digits(rest))
    options.append(b[0] + _number(0, int(b[1:]), rest))
    return "(?:" + "|".join(options) + ")"


# (smallest, largest, width) of year, month and day; the spec's ``format: date`` rules out 02-30 and such.
_PARTS = ((1, 9999, 4), (1, 12, 2), (1, 31, 2))


def _dates(low: tuple, high: tuple, parts=_PARTS) -> str:
    (first, *low_rest), (last, *high_rest) = low, high
    smallest, largest, width = parts[0]
    if not low_rest:
        return _number(first, last, width)
    if first == last:
        return f"{str(first).zfill(width)}-{_dates(low_rest, high_rest, parts[1:])}"
    floor, ceiling = tuple(p[0] for p in parts[1:]), tuple(p[1] for p in parts[1:])
    options = [f"{str(first).zfill(width)}-{_dates(low_rest, ceiling, parts[1:])}"]
    if last - first > 1:
        options.append(f"{_number(first + 1, last - 1, width)}-{_dates(floor, ceiling, parts[1:])}")
    options.append(f"{str(last).zfill(width)}-{_dates(floor, high_rest, parts[1:])}")
    return "(?:" + "|".join(options) + ")"


def date_range(earliest: dt.date, latest: dt.date | None) -> str:
    """ISO dates (YYYY-MM-DD) from ``earliest`` to ``latest`` inclusive (no upper bound: None)."""
    latest = latest or dt.date.max
    return f"^{_dates((earliest.year, earliest.month, earliest.day), (latest.year, latest.month, latest.day))}$"


def at_least_one(required: str, others: str, max_length: int, blanks=True) -> str:
    """1 to ``max_length`` characters of the classes ``required`` and ``others``, one of them ``required``
    (and blanks around, if ``blanks``). No lookahead: Rust's regex engine, which some tools use, has none."""
    either = required[:-1] + others[1:]  # "[A-Z]" + "[.-]" -> "[A-Z.-]"
    options = [f"{others}{{{before}}}{required}{either}{{0,{max_length - 1 - before}}}" for before in range(max_length)]
    around = f"{BLANK}*" if blanks else ""
    return f"^{around}(?:{'|'.join(options)}){around}$"


def word_list(words) -> str:
    """Comma-separated ``words`` in any case, each optional and with blanks around."""
    spelled = "|".join("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word) for word in words)
    item = f"{BLANK}*(?:{spelled})?{BLANK}*"
    return f"^{item}(?:,{item})*$"
