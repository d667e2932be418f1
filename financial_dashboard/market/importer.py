"""Importing a user's OHLCV CSV (for example an exchange export): read it, then store it under source ``import``.

Reading is pure pandas: every bad row is reported with its line number, and nothing is returned unless all
rows are good; storing is one transaction. So an import is all or nothing.
"""

import re
import warnings

import pandas as pd

from ..errors import BadRequest
from ..extensions import db
from .providers.base import OHLCV_COLUMNS, symbol_syntax, with_meta
from .services import BARS_PER_YEAR
from .store import store_bars

TIME_COLUMNS = ("date", "timestamp", "time", "datetime", "open time", "open_time")


class CsvImportError(ValueError):
    """The file cannot be imported; ``problems`` lists each bad row or column."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:10]) + (f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""))
        self.problems = problems


def read_ohlcv_csv(source) -> pd.DataFrame:
    """Parse ``source`` (path or file object) into a UTC-indexed OHLCV frame, or raise CsvImportError."""
    try:
        with warnings.catch_warnings():
            # index_col=False: a delimiter at the end of each line is not an index column; more values than
            # columns in the first row would then be cut off with only a ParserWarning, so that is an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(source, dtype=str, skipinitialspace=True, index_col=False, skip_blank_lines=False)
    except pd.errors.ParserWarning:
        raise CsvImportError(["Not a readable CSV file: a row has more values than the header has columns."]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise CsvImportError([f"Not a readable CSV file: {error}"]) from None
    # Blank lines are read as empty rows and dropped here, so that line numbers stay the editor's.
    raw = raw.dropna(how="all")
    lines = pd.Series(raw.index + 2, index=raw.index)  # line 1 is the header
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    time_column = next((c for c in TIME_COLUMNS if c in raw.columns), None)
    missing = [c for c in ("open", "high", "low", "close") if c not in raw.columns]
    if time_column is None:
        missing.insert(0, "date")
    if missing:
        raise CsvImportError([f"Missing column(s): {', '.join(missing)}. Expected date,open,high,low,close[,volume]."])
    if raw.empty:
        raise CsvImportError(["The file has no rows."])
    if "volume" not in raw.columns:
        raw["volume"] = "0"
    times = _parse_times(raw[time_column])
    numbers = raw[list(OHLCV_COLUMNS)].apply(lambda column: pd.to_numeric(column.str.replace(",", ""), errors="coerce"))
    problems = []
    for position, line in enumerate(lines):
        row = numbers.iloc[position]
        if pd.isna(times.iloc[position]):
            problems.append(f"line {line}: {raw[time_column].iloc[position]!r} is not a date or time")
        bad = [c for c in OHLCV_COLUMNS if pd.isna(row[c]) or row[c] in (float("inf"), float("-inf"))]
        if bad:
            problems.append(f"line {line}: not a number in {', '.join(bad)}")
        elif (row[["open", "high", "low", "close"]] <= 0).any() or row["volume"] < 0:
            problems.append(f"line {line}: prices must be positive and volume not negative")
        elif row["high"] < max(row["open"], row["close"], row["low"]) or row["low"] > min(row["open"], row["close"]):
            problems.append(f"line {line}: high/low do not enclose open and close")
    duplicated = times.notna() & times.duplicated(keep=False)
    for time, group in lines[duplicated].groupby(times[duplicated]):
        problems.append(f"lines {', '.join(map(str, group))}: duplicate time {time.isoformat()}")
    if problems:
        raise CsvImportError(problems)
    frame = numbers.astype(float)
    frame.index = pd.DatetimeIndex(times, name="timestamp")
    return frame.sort_index()


def _parse_times(column: pd.Series) -> pd.Series:
    """ISO dates or times (naive means UTC), or epoch milliseconds as exchanges export them."""
    stripped = column.str.strip()
    if stripped.str.fullmatch(r"\d{12,13}").all():
        return pd.to_datetime(stripped.astype("int64"), unit="ms", utc=True)
    return pd.to_datetime(stripped, utc=True, errors="coerce", format="ISO8601")


# Looser than any provider's syntax: an imported symbol need not exist anywhere else.
SYMBOL_SYNTAX = symbol_syntax(32, slash=True, needs_alnum=False)
# ISO 4217 codes and crypto assets (USDT, FDUSD); prices are taken as given, so in the major unit.
CURRENCY_SYNTAX = re.compile(r"^[A-Z0-9]{2,12}$")


def import_bars(symbol: str, frame: pd.DataFrame, interval: str = "1d", currency: str | None = None) -> int:
    """Store a user's bars under source ``import`` in one transaction, in ``currency`` when given."""
    symbol = symbol.strip().upper()
    if not SYMBOL_SYNTAX.match(symbol):
        raise BadRequest(f"{symbol!r} is not a valid symbol (letters, digits and . ^ = & / -).")
    intervals = sorted({i for per_kind in BARS_PER_YEAR.values() for i in per_kind})
    if interval not in intervals:
        raise BadRequest(f"Unknown interval {interval!r}. Allowed: {', '.join(intervals)}.")
    if currency is not None and not CURRENCY_SYNTAX.match(currency.strip().upper()):
        raise BadRequest(f"{currency!r} is not a currency code (such as USD, EUR or USDT).")
    frame = with_meta(frame.copy(), currency.strip().upper() if currency else None)
    try:
        count = store_bars("import", symbol, interval, frame, commit=False)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return count
