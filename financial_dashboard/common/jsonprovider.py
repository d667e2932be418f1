"""JSON encoding for the whole app: exact decimals, ISO 8601 dates, UTC timestamps, never NaN."""

import datetime as dt
import decimal
import math

import simplejson
from flask.json.provider import JSONProvider


def to_utc_iso(value: dt.datetime) -> str:
    """Naive datetimes are stored as UTC (SQLite drops the zone); render them with an explicit Z."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _default(value):
    if isinstance(value, dt.datetime):
        return to_utc_iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return to_utc_iso(value.to_pydatetime())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _clean(value):
    """Replace NaN and infinities (float or Decimal) with null, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return _plain_decimal(value) if value.is_finite() else None
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def _plain_decimal(value: decimal.Decimal) -> simplejson.RawJSON:
    """The exact digits without trailing zeros or an exponent (str() writes a satoshi as 1E-8).

    Formatted rather than normalize()d, which would round to the context's 28 digits.
    """
    if value.is_zero():
        return simplejson.RawJSON("0")
    text = format(value, "f")
    return simplejson.RawJSON(text.rstrip("0").rstrip(".") if "." in text else text)


class DecimalJSONProvider(JSONProvider):
    """Decimals go out as JSON numbers with their exact digits (``0.3``, never ``0.30000000000000004``)."""

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("use_decimal", True)
        kwargs.setdefault("default", _default)
        kwargs.setdefault("allow_nan", False)
        return simplejson.dumps(_clean(obj), **kwargs)

    def loads(self, s, **kwargs):
        # Parse numbers as Decimal so that money arrives exactly as the client wrote it.
        kwargs.setdefault("use_decimal", True)
        return simplejson.loads(s, **kwargs)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        indent = 2 if self._app.debug else None
        return self._app.response_class(self.dumps(obj, indent=indent) + "\n", mimetype="application/json")
