"""Marshmallow building blocks: the base schema, exact money and price fields, pagination."""

import datetime as dt
import decimal
import re

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from . import clock

MAX_PER_PAGE = 100
# Ids and page numbers are SQL INTEGERs: a larger number cannot name a row, and the drivers refuse to bind it.
MAX_INT = 2**31 - 1


# NUL cannot be stored in a PostgreSQL text column, and a lone surrogate (JSON allows "\ud800") cannot be
# encoded as UTF-8 by any driver: both would fail deep in the database layer, so no text field takes them.
# (A str holds a surrogate only unpaired: the JSON parser joins a valid pair into one character.)
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "Must not contain a NUL character or an unpaired surrogate."


def storable_text(value):
    if isinstance(value, str) and UNSTORABLE.search(value):
        raise ValidationError(UNSTORABLE_MESSAGE)


class StorableText:
    """Every text field of a schema refuses what no database can store (the one rule; see UNSTORABLE)."""

    def on_bind_field(self, field_name, field_obj):
        super().on_bind_field(field_name, field_obj)
        if isinstance(field_obj, fields.String) and not field_obj.dump_only:
            field_obj.validators = [storable_text, *field_obj.validators]


class BaseSchema(StorableText, Schema):
    """Unknown fields are an error, so a typo is reported instead of silently ignored."""

    class Meta:
        unknown = RAISE
        ordered = True


class QuerySchema(StorableText, Schema):
    """Query strings may carry parameters meant for other layers (cache busters, tracking), so ignore extras."""

    class Meta:
        unknown = EXCLUDE


class Exact(fields.Decimal):
    """A decimal with at most ``places`` digits after the point, rejected (never rounded) beyond that."""

    def __init__(
        self, places=2, minimum=decimal.Decimal(0), maximum=decimal.Decimal(10**12), min_inclusive=True, **kwargs
    ):
        self.max_places = places
        validators = list(kwargs.pop("validate", []))
        validators.append(validate.Range(min=minimum, max=maximum, min_inclusive=min_inclusive, max_inclusive=False))
        super().__init__(as_string=False, allow_nan=False, validate=validators, **kwargs)

    def _validated(self, value):
        num = super()._validated(value)
        # Read the digits instead of quantizing: quantize() fails on numbers longer than the context precision.
        _, digits, exponent = num.as_tuple()
        extra = -exponent - self.max_places
        if extra > 0 and any(digits[-extra:]):
            raise ValidationError(f"At most {self.max_places} decimal places.")
        return num

    def _serialize(self, value, attr, obj, **kwargs):
        # Keep the Decimal: the JSON provider writes it as an exact number.
        return None if value is None else decimal.Decimal(value)


def Money(**kwargs):
    """An amount of money: cents precision, zero or more, below a trillion."""
    return Exact(places=2, **kwargs)


def Price(**kwargs):
    """A unit price: up to 8 decimal places (crypto), strictly positive."""
    kwargs.setdefault("min_inclusive", False)
    return Exact(places=8, maximum=decimal.Decimal(10**10), **kwargs)


def Quantity(**kwargs):
    """A number of units held: up to 8 decimal places, strictly positive."""
    kwargs.setdefault("min_inclusive", False)
    return Exact(places=8, maximum=decimal.Decimal(10**10), **kwargs)


class PageQuerySchema(QuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_INT))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def trimmed(max_length, min_length=1, **kwargs):
    """A string field stripped of surrounding blanks and length-checked after stripping."""
    extra = kwargs.pop("validate", [])
    return Trimmed(validate=[validate.Length(min=min_length, max=max_length), *extra], **kwargs)


class Trimmed(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class NormalizedEmail(fields.Email):
    """An email address, stripped and lower-cased before it is validated and stored."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.strip().lower()
        return super()._deserialize(value, attr, data, **kwargs)


class UTCTimestamp(fields.DateTime):
    """A timestamp written as ISO 8601 in UTC with a ``Z``, the same way everywhere in the API.

    The column type that stores timestamps is ``common.models.UTCDateTime``.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        from .jsonprovider import to_utc_iso

        return None if value is None else to_utc_iso(value)


EARLIEST_DATE = dt.date(1900, 1, 1)


class DateBetween(validate.Validator):
    """The date lies between ``earliest`` and today (UTC) plus ``years_ahead`` years (None: no upper bound).

    Dates far outside would only overflow the growth formulas and pandas. The OpenAPI spec states the
    same bounds as a pattern (common/openapi.py).
    """

    def __init__(self, earliest: dt.date = EARLIEST_DATE, years_ahead: int | None = 0):
        self.earliest = earliest
        self.years_ahead = years_ahead

    def latest(self) -> dt.date | None:
        if self.years_ahead is None:
            return None
        today = clock.today_utc()
        try:
            return today.replace(year=today.year + self.years_ahead)
        except ValueError:  # 29 February, and that year has none
            return today.replace(year=today.year + self.years_ahead, day=28)

    def __call__(self, value: dt.date) -> dt.date:
        if value < self.earliest:
            raise ValidationError(f"Must be on or after {self.earliest.isoformat()}.")
        latest = self.latest()
        if latest is not None and value > latest:
            raise ValidationError(
                "Must not be in the future." if self.years_ahead == 0 else f"Must be on or before {latest.isoformat()}."
            )
        return value


def date_between(earliest=EARLIEST_DATE, latest_years_ahead: int | None = 0) -> DateBetween:
    """A validator: the date lies between ``earliest`` and today (UTC) plus ``latest_years_ahead`` years."""
    return DateBetween(earliest, latest_years_ahead)


class DateRangeQuerySchema(QuerySchema):
    """``?from=&to=`` ISO dates, both optional and inclusive; ``to`` may not come before ``from``."""

    from_ = fields.Date(
        data_key="from",
        validate=date_between(latest_years_ahead=None),
        metadata={"description": "First date to include (ISO)."},
    )
    to = fields.Date(
        validate=date_between(latest_years_ahead=None), metadata={"description": "Last date to include (ISO)."}
    )

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("Must not be before 'from'.", "to")
