"""Forms validate through the same marshmallow schemas as the API, so each rule exists once.

WTForms renders the fields and checks the CSRF token; ``load_form`` hands the submitted text to the
schema and puts any messages back on the matching fields, keeping what the user typed.
"""

from flask_wtf import FlaskForm
from marshmallow import ValidationError
from wtforms import TextAreaField

from ..errors import AppError
from ..extensions import db


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something (log out, revoke, delete, sync)."""


def _submitted(field):
    """The field's text with surrounding blanks removed, None when blank.

    A textarea keeps its text as typed: its lines are numbered in messages, so leading lines must stay.
    """
    value = field.data
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    return value if isinstance(field, TextAreaField) else value.strip()


def load_form(form: FlaskForm, schema, partial=False):
    """Validated data from ``form``, or None with the errors attached to the form's fields."""
    if not form.validate_on_submit():
        return None
    declared = schema._declared_fields
    data = {name: _submitted(field) for name, field in form._fields.items() if name in declared}
    # An empty optional input means "not given" (or "clear it" where the schema allows null).
    data = {k: v for k, v in data.items() if v is not None or declared[k].allow_none}
    try:
        return schema().load(data, partial=partial)
    except ValidationError as error:
        attach_errors(form, error.messages)
        return None


def attach_errors(form: FlaskForm, messages: dict):
    for name, field_messages in messages.items():
        target = form._fields.get(name)
        text = field_messages if isinstance(field_messages, list) else [str(field_messages)]
        if target is not None:
            target.errors = list(target.errors) + text
        else:
            form.form_errors.extend(text)


def service_error(form: FlaskForm, error: AppError):
    """Show a service's refusal (duplicate name, wrong password) on the form."""
    if error.fields:
        attach_errors(form, error.fields)
    else:
        form.form_errors.append(error.description)


def submit_form(form: FlaskForm, schema, action, partial=False):
    """Validate ``form`` with ``schema`` and run ``action(data)``; returns ``(True, result)``.

    Invalid input, or a service's refusal (duplicate name, wrong password), leaves the messages on the
    form, rolls back anything half-done and returns ``(False, None)`` so the view renders the form again.
    """
    data = load_form(form, schema, partial=partial)
    if data is None:
        return False, None
    try:
        return True, action(data)
    except AppError as error:
        db.session.rollback()
        service_error(form, error)
        return False, None
