"""Forms of the kiosks feature (error messages are message keys)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from safezone.sync.tokens import NAME_MAX


class KioskForm(FlaskForm):
    """A new kiosk: only its name, e.g. ``1号地块5栋架空层``."""

    name = StringField(validators=[InputRequired("err.required"),
                                   Length(max=NAME_MAX, message="err.too_long")])


class RevokeKioskForm(FlaskForm):
    """Revoking asks for a ticked box: it is undone only by enrolling the kiosk again."""

    confirm = BooleanField(validators=[DataRequired("kiosks.revoke_tick_required")])
