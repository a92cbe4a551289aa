"""Forms of the auth feature. Error messages are message keys, translated in the templates."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import AnyOf, EqualTo, InputRequired, Length, Regexp

from safezone.models import Role
from safezone.services.staff import MIN_PASSWORD_LENGTH

MIN_PASSWORD = MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(validators=[InputRequired("err.required"), Length(max=64)])
    password = PasswordField(validators=[InputRequired("err.required"), Length(max=200)])


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField(validators=[InputRequired("err.required")])
    new = PasswordField(
        validators=[InputRequired("err.required"), Length(min=MIN_PASSWORD, max=200, message="err.password_short")]
    )
    confirm = PasswordField(validators=[EqualTo("new", message="err.password_mismatch")])


class SetupForm(FlaskForm):
    """The first administrator account."""

    username = StringField(
        validators=[
            InputRequired("err.required"),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="err.username_chars"),
        ]
    )
    display_name = StringField(validators=[InputRequired("err.required"), Length(max=64)])
    password = PasswordField(
        validators=[InputRequired("err.required"), Length(min=MIN_PASSWORD, max=200, message="err.password_short")]
    )
    confirm = PasswordField(validators=[EqualTo("password", message="err.password_mismatch")])


class StaffForm(FlaskForm):
    """A new staff account; it gets a one-time password."""

    username = StringField(
        validators=[
            InputRequired("err.required"),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="err.username_chars"),
        ]
    )
    display_name = StringField(validators=[InputRequired("err.required"), Length(max=64)])
    # Rendered as a <select> by the template (WTForms' SelectField API is changing).
    role = StringField(validators=[InputRequired("err.required"), AnyOf([r.value for r in Role], message="err.choice")])
