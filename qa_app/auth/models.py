"""Users and the schools that school users belong to."""

import secrets

from qa_app.dates import utcnow
from qa_app.extensions import db

ROLES = {
    "officer": "QA officer",
    "head_of_access": "Head of Access",
    "school": "School staff",
    "admin": "Administrator",
    "provider": "Provider staff",
}


def new_session_token():
    """A random token that identifies one generation of a user's sessions."""
    return secrets.token_urlsafe(32)


# A school's phase of education, as the DfE's register of schools names them.
SCHOOL_PHASES = {
    "primary": "Primary",
    "secondary": "Secondary",
    "all_through": "All-through",
    "special": "Special school",
    "pupil_referral_unit": "Pupil referral unit",
}


class School(db.Model):
    """A school that commissions alternative provision: its staff check the register
    before placing a pupil and record every placement they make (docs/domain.md §2.6)."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False, unique=True)
    # The DfE's unique reference number: six digits, or none for a school not yet known.
    urn = db.Column(db.String(6), unique=True)
    borough = db.Column(db.String(80), nullable=False, default="", server_default="")
    phase = db.Column(db.String(20), nullable=False, default="secondary", server_default="secondary")
    # The officer who visits this school (docs/domain.md §2.7), and sees its referrals.
    officer_id = db.Column(db.ForeignKey("user.id", use_alter=True), index=True)

    officer = db.relationship("User", foreign_keys=[officer_id])

    __table_args__ = (
        db.CheckConstraint(
            "phase IN ('primary', 'secondary', 'all_through', 'special', 'pupil_referral_unit')",
            name="phase_known",
        ),
    )

    def __repr__(self):
        return f"<School {self.name}>"


class User(db.Model):
    """A person who signs in; one role each; school users belong to a school, provider staff
    to a provider."""

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    role = db.Column(db.String(20), nullable=False)
    school_id = db.Column(db.ForeignKey("school.id"), nullable=True)
    # Provider staff belong to one provider and see nothing of any other.
    provider_id = db.Column(db.ForeignKey("provider.id", use_alter=True), nullable=True, index=True)
    password_hash = db.Column(db.String(200), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    # An officer the Head of Access has named to sign off visits besides her.
    sign_off_deputy = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # Flask-Login stores this token, not the id, in the session cookie; rotating it on
    # sign-out or disablement makes every copied cookie stop working.
    session_token = db.Column(db.String(64), nullable=False, unique=True, default=new_session_token)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_sign_in_at = db.Column(db.DateTime)

    school = db.relationship(School, foreign_keys=[school_id])
    provider = db.relationship("Provider", foreign_keys=[provider_id])

    __table_args__ = (
        db.CheckConstraint(
            "role IN ('officer', 'head_of_access', 'school', 'admin', 'provider')", name="role_known"
        ),
        db.CheckConstraint(
            "role != 'provider' OR provider_id IS NOT NULL", name="provider_staff_have_provider"
        ),
    )

    # Flask-Login's interface.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return self.session_token

    def end_sessions(self):
        """Invalidate every session cookie issued to this user so far."""
        self.session_token = new_session_token()

    @property
    def role_label(self):
        return ROLES[self.role]

    def __repr__(self):
        return f"<User {self.email} {self.role}>"
