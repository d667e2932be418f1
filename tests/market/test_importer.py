"""read_ohlcv_csv: good files become the normalised frame; every bad row is named by its line number."""

import io

import pandas as pd
import pytest

from financial_dashboard.market.importer import CsvImportError, read_ohlcv_csv

HEADER = "date,open,high,low,close,volume"


def read(*lines):
    return read_ohlcv_csv(io.StringIO("\n".join(lines) + "\n"))


def problems(*lines):
    with pytest.raises(CsvImportError) as raised:
        read(*lines)
    return raised.value.problems


def utc(text):
    return pd.Timestamp(text, tz="UTC")


def test_iso_dates_give_a_sorted_utc_frame():
    frame = read(
        HEADER,
        "2024-01-03,12,13,11.5,12.5,300",
        "2024-01-02,11,12.5,10,12,200",
        "2024-01-04T12:00:00+02:00,12.5,14,12,13.75,400",
    )
    assert frame.index.tolist() == [utc("2024-01-02"), utc("2024-01-03"), utc("2024-01-04 10:00")]
    assert frame.index.name == "timestamp"
    assert list(frame.columns) == ["open", "high", "low", "close", "volume"]
    assert (frame.dtypes == "float64").all()
    assert frame.loc[utc("2024-01-02")].tolist() == [11.0, 12.5, 10.0, 12.0, 200.0]


def test_exchange_export_with_epoch_milliseconds_and_extra_columns():
    # The shape of a Binance kline export: open time in ms, then OHLCV and columns we ignore.
    frame = read(
        "Open time,Open,High,Low,Close,Volume,Close time,Quote asset volume",
        "1704067200000,42000.10,43000.00,41000.50,42500.00,100.5,1704153599999,4270000",
        "1704153600000,42500.00,44000.00,42100.00,43900.25,80.25,1704239999999,3500000",
    )
    assert frame.index.tolist() == [utc("2024-01-01"), utc("2024-01-02")]
    assert frame["close"].tolist() == [42500.0, 43900.25]
    assert frame["volume"].tolist() == [100.5, 80.25]


def test_volume_is_optional_and_thousands_separators_are_read():
    frame = read("Date,Open,High,Low,Close", '2024-01-02,"1,000.5","1,010",990,"1,005"')
    assert frame.iloc[0].tolist() == [1000.5, 1010.0, 990.0, 1005.0, 0.0]


def test_a_delimiter_at_the_end_of_every_line_is_accepted():
    # Spreadsheet exports often end each row with a comma; the rows are still perfectly good.
    frame = read(HEADER, "2024-01-02,11,12.5,10,12,200,", "2024-01-03,12,13,11.5,12.5,300,")
    assert frame.index.tolist() == [utc("2024-01-02"), utc("2024-01-03")]
    assert frame["close"].tolist() == [12.0, 12.5]


def test_more_values_than_columns_is_refused_rather_than_cut():
    assert problems("date,open,high,low,close", "2024-01-02,11,12.5,10,12,200,7") == [
        "Not a readable CSV file: a row has more values than the header has columns."
    ]
    (found,) = problems("date,open,high,low,close", "2024-01-02,11,12.5,10,12", "2024-01-03,11,12.5,10,12,200,7")
    assert "Expected 5 fields in line 3, saw 7" in found


@pytest.mark.parametrize(
    "header, missing",
    [
        ("date,open,high,close,volume", "low"),
        ("open,high,low,close", "date"),
        ("when,open,high,low,close", "date"),
        ("date,price,volume", "open, high, low, close"),
    ],
)
def test_missing_columns_are_named(header, missing):
    (problem,) = problems(header, ",".join(["2024-01-02", "1", "2", "3", "4"][: header.count(",") + 1]))
    assert f"Missing column(s): {missing}." in problem


def test_a_header_without_rows_and_an_empty_file():
    assert problems(HEADER) == ["The file has no rows."]
    with pytest.raises(CsvImportError, match="Not a readable CSV file"):
        read_ohlcv_csv(io.StringIO(""))


@pytest.mark.parametrize(
    "row, message",
    [
        ("2024-13-45,11,12.5,10,12,200", "line 3: '2024-13-45' is not a date or time"),
        ("yesterday,11,12.5,10,12,200", "line 3: 'yesterday' is not a date or time"),
        ("2024-01-03,eleven,12.5,10,12,200", "line 3: not a number in open"),
        ("2024-01-03,11,12.5,10,,200", "line 3: not a number in close"),
        ("2024-01-03,11,12.5,10,12,inf", "line 3: not a number in volume"),
        ("2024-01-03,-11,12.5,10,12,200", "line 3: prices must be positive and volume not negative"),
        ("2024-01-03,11,12.5,0,12,200", "line 3: prices must be positive and volume not negative"),
        ("2024-01-03,11,12.5,10,12,-1", "line 3: prices must be positive and volume not negative"),
        ("2024-01-03,11,11.5,10,12,200", "line 3: high/low do not enclose open and close"),
        ("2024-01-03,11,12.5,11.2,12,200", "line 3: high/low do not enclose open and close"),
    ],
)
def test_each_bad_row_is_reported_with_its_line(row, message):
    assert problems(HEADER, "2024-01-02,11,12.5,10,12,200", row, "2024-01-04,12,13,11.5,12.5,300") == [message]


def test_every_bad_row_is_reported_not_only_the_first():
    found = problems(HEADER, "2024-01-02,x,12.5,10,12,200", "2024-01-03,11,12.5,10,12,200", "nope,11,12.5,10,12,200")
    assert found == ["line 2: not a number in open", "line 4: 'nope' is not a date or time"]


def test_line_numbers_count_blank_lines():
    # Line numbers are what an editor shows; pandas skips blank lines, so they must not shift the count.
    found = problems(HEADER, "2024-01-02,11,12.5,10,12,200", "", "2024-01-03,x,12.5,10,12,200")
    assert found == ["line 4: not a number in open"]
    assert len(read(HEADER, "2024-01-02,11,12.5,10,12,200", "", "2024-01-03,11,12.5,10,12,200", "")) == 2


def test_duplicate_dates_are_reported_with_their_lines():
    found = problems(
        HEADER, "2024-01-02,11,12.5,10,12,200", "2024-01-03,11,12.5,10,12,200", "2024-01-02,11,12.5,10,12,201"
    )
    assert len(found) == 1
    assert "lines 2, 4" in found[0] and "2024-01-02" in found[0]
    # The same instant written two ways is a duplicate too.
    (found,) = problems(HEADER, "2024-01-02T00:00:00Z,11,12.5,10,12,200", "2024-01-02T01:00:00+01:00,11,12.5,10,12,1")
    assert "lines 2, 3" in found


def test_the_message_summarises_long_lists():
    rows = [f"2024-01-{day:02d},x,12.5,10,12,200" for day in range(1, 16)]
    with pytest.raises(CsvImportError) as raised:
        read(HEADER, *rows)
    assert len(raised.value.problems) == 15
    assert str(raised.value).endswith("(and 5 more)")
