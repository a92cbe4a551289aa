"""Forms of the residents feature (error messages are message keys)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, Regexp

from safezone.models import AgeGroup


class ResidentForm(FlaskForm):
    """Editable personal fields of a resident."""

    full_name = StringField(validators=[InputRequired("err.required"), Length(max=64, message="err.too_long")])
    nickname = StringField(validators=[InputRequired("err.required"), Length(max=32, message="err.too_long")])
    age_group = StringField(
        validators=[InputRequired("err.required"), AnyOf([a.value for a in AgeGroup], message="err.choice")]
    )
    birth_year = IntegerField(
        validators=[Optional(), NumberRange(min=1900, max=2100, message="err.birth_year")]
    )
    phone = StringField(
        validators=[Optional(), Regexp(r"^\+?[0-9 -]{5,20}$", message="err.phone"), Length(max=32)]
    )


class ImportForm(FlaskForm):
    """Upload of a resident list."""

    file = FileField(
        validators=[
            FileRequired("err.file_required"),
            FileAllowed(["csv", "xlsx", "txt"], "err.file_type"),
        ]
    )


class RevokeForm(FlaskForm):
    """Why a card is being revoked."""

    reason = StringField(validators=[InputRequired("err.required"), Length(max=200, message="err.too_long")])
