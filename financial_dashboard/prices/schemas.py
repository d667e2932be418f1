"""Request and response schemas for price history, and the pasted "date,price" lines of the asset page."""

import re

from marshmallow import ValidationError, fields

from ..common.schemas import (
    BaseSchema,
    DateRangeQuerySchema,
    PageQuerySchema,
    Price,
    UTCTimestamp,
    date_between,
)


class PriceSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    asset_id = fields.Integer(dump_only=True)
    date = fields.Date(
        required=True, validate=date_between(), metadata={"description": "ISO date, from 1900-01-01 to today (UTC)."}
    )
    price = Price(required=True)
    source = fields.String(
        dump_only=True,
        metadata={
            "description": "manual, or the market source of a sync: yfinance, ccxt:<exchange>, sample (bundled data), import."
        },
    )


class PriceLines(fields.Field):
    """Pasted ``date,price`` lines (comma, semicolon or tab between; blank lines skipped), loaded into the
    rows the API's bulk POST takes. The first bad line is reported by its number, so nothing is saved
    until every line is right."""

    SEPARATOR = re.compile(r"[,;\t]")
    default_error_messages = {"required": "Paste at least one “date,price” line.", "invalid": "Not text."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        rows, seen, schema = [], {}, PriceSchema()
        for number, line in enumerate(value.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in self.SEPARATOR.split(line)]
            if len(parts) != 2:
                raise ValidationError(f"Line {number}: expected “date,price”, got “{line.strip()}”.")
            try:
                row = schema.load({"date": parts[0], "price": parts[1]})
            except ValidationError as error:
                problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.messages.items())
                raise ValidationError(f"Line {number}: {problems}") from None
            if row["date"] in seen:
                raise ValidationError(f"Line {number}: {row['date'].isoformat()} is also on line {seen[row['date']]}.")
            seen[row["date"]] = number
            rows.append(row)
        if not rows:
            raise self.make_error("required")
        return rows


class PriceLinesSchema(BaseSchema):
    lines = PriceLines(required=True)


class PriceRangeQuerySchema(PageQuerySchema, DateRangeQuerySchema):
    """A page of prices between two dates."""


class SyncResultSchema(BaseSchema):
    asset_id = fields.Integer()
    symbol = fields.String()
    source = fields.String(metadata={"description": "yfinance, ccxt:<exchange>, sample or import."})
    stale = fields.Boolean(metadata={"description": "The provider failed; stored bars were used."})
    sample = fields.Boolean(metadata={"description": "Bundled sample data or a user's import."})
    created = fields.Integer()
    updated = fields.Integer(metadata={"description": "Synced prices replaced by a different close."})
    unchanged = fields.Integer()
    kept_manual = fields.Integer(
        metadata={"description": "Dates with a price the user typed, which a sync never overwrites."}
    )
    kept_manual_dates = fields.List(
        fields.Date(), metadata={"description": "The first 20 of those dates, oldest first."}
    )
    currency = fields.String(
        allow_none=True,
        metadata={
            "description": "The currency of the closes (major unit: GBP, not pence), null when the source did not say."
        },
    )
    currency_changed = fields.Boolean(
        metadata={"description": "The asset had no currency or another one, and now has this one."}
    )
    previous_currency = fields.String(allow_none=True, metadata={"description": "The asset's currency before."})
    from_ = fields.Date(data_key="from", allow_none=True)
    to = fields.Date(allow_none=True)
    as_of = UTCTimestamp(allow_none=True)
