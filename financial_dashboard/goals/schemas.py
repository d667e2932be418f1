"""Request and response schemas for goals and their contributions."""

import decimal

from marshmallow import fields, validate

from ..common.schemas import (
    MAX_INT,
    BaseSchema,
    Exact,
    Money,
    UTCTimestamp,
    date_between,
    trimmed,
)

STATUSES = ("achieved", "on_track", "at_risk", "behind", "overdue")


class GoalSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = trimmed(120, required=True)
    target_amount = Money(required=True, min_inclusive=False)
    current_savings = Money(
        load_default=0,
        metadata={
            "description": "Saved so far; for a goal funded by a portfolio, that portfolio's current value.",
            # A portfolio's value has no upper bound: only what a request sets is below a trillion.
            "in_responses": {"maximum": None, "exclusiveMaximum": None},
        },
    )
    target_date = fields.Date(
        required=True,
        validate=date_between(latest_years_ahead=100),
        metadata={"description": "ISO date, e.g. 2027-06-30; at most 100 years ahead."},
    )
    monthly_contribution = Money(allow_none=True, metadata={"description": "What you plan to add each month."})
    expected_annual_return_pct = Exact(
        places=2,
        minimum=decimal.Decimal(-50),
        maximum=decimal.Decimal(100),
        allow_none=True,
        metadata={"description": "e.g. 5 for 5 % a year."},
    )
    portfolio_id = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_INT),
        metadata={"description": "One of your portfolios that funds this goal: its value becomes the savings."},
    )
    created_at = UTCTimestamp(dump_only=True)
    # The plan, computed on every read (see analytics/planning.py and README).
    progress_pct = fields.Float(dump_only=True)
    remaining = fields.Float(dump_only=True)
    months_left = fields.Float(dump_only=True)
    required_monthly = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Monthly amount to reach the target by the date, no growth."},
    )
    required_monthly_with_return = fields.Float(dump_only=True, allow_none=True)
    required_share_of_income_pct = fields.Float(dump_only=True, allow_none=True)
    months_to_target = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={"description": "n = ln((T + P/i) / (S + P/i)) / ln(1 + i) at the current contribution P."},
    )
    projected_at_target_date = fields.Float(dump_only=True, allow_none=True)
    projected_pct = fields.Float(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"enum": list(STATUSES)})
    reasons = fields.Dict(dump_only=True, keys=fields.String(), values=fields.String())


class GoalUpdateSchema(GoalSchema):
    current_savings = Money()


class ContributionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    goal_id = fields.Integer(dump_only=True)
    amount = Money(
        required=True,
        minimum=decimal.Decimal(-(10**12)),
        metadata={"description": "Positive adds to the savings, negative withdraws (never below zero)."},
    )
    # Not in the future: a contribution moves the savings when it is recorded, so one dated later would
    # count before its day (README "Parallel requests and data integrity").
    date = fields.Date(
        required=True,
        validate=date_between(),
        metadata={"description": "ISO date, from 1900-01-01 to today (UTC); future contributions are refused."},
    )
    note = trimmed(200, allow_none=True, min_length=0)
    created_at = UTCTimestamp(dump_only=True)
    current_savings = Money(dump_only=True, metadata={"description": "The goal's savings after this change."})


class ProjectionPointSchema(BaseSchema):
    date = fields.Date()
    balance = fields.Float()


class ProjectionSchema(BaseSchema):
    goal_id = fields.Integer()
    target_amount = fields.Float()
    target_date = fields.Date()
    projected = fields.List(fields.Nested(ProjectionPointSchema))
    contributions = fields.List(fields.Nested(ContributionSchema))
    actual = fields.List(
        fields.Nested(ProjectionPointSchema),
        metadata={"description": "Savings after each recorded contribution, in date order."},
    )
