"""Users and their roles."""

from __future__ import annotations

import enum

from flask_login import UserMixin
from sqlalchemy import ColumnElement, ForeignKey, String, and_, event, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from grants.models.base import Base, Timestamp, enum_column, now_utc
from grants.models.organisations import Organisation
from grants.rules.text import fold


class Role(enum.Enum):
    applicant = "applicant"
    evaluator = "evaluator"
    staff = "staff"
    admin = "admin"


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)  # bundle key (evaluators)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(
        String(200), default="", index=True
    )  # folded, for staff search
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, default=Role.applicant)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    last_login_at: Mapped[Timestamp | None]
    # the owner opened the link sent to the address (or set a password through an e-mailed link)
    email_confirmed_at: Mapped[Timestamp | None]

    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # a user acts for the organisation only once a member verification is recorded and the
    # organisation itself is verified (docs/domain.md 1): see acts_for_organisation
    member_verified_at: Mapped[Timestamp | None]
    member_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    organisation = relationship(
        "Organisation", back_populates="members", foreign_keys=[organisation_id]
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str | Role) -> bool:
        wanted = {r.value if isinstance(r, Role) else r for r in roles}
        if self.role is Role.admin and "staff" in wanted:
            return True  # admin may do everything staff may
        return self.role.value in wanted

    @hybrid_property
    def acts_for_organisation(self) -> bool:
        """An active member with a confirmed e-mail address and a recorded member verification, of a
        verified organisation. The same condition in SQL below
        (`select(User).where(User.acts_for_organisation)`, as grants.auth.queries.acting_members
        does): change both together."""
        org = self.organisation
        return bool(
            org
            and org.verified
            and self.member_verified_at is not None
            and self.active
            and self.email_confirmed
        )

    @acts_for_organisation.inplace.expression
    @classmethod
    def _acts_for_organisation_sql(cls) -> ColumnElement[bool]:
        return and_(
            cls.organisation_id.in_(
                select(Organisation.id).where(Organisation.verified_at.is_not(None))
            ),
            cls.member_verified_at.is_not(None),
            cls.active.is_(True),
            cls.email_confirmed_at.is_not(None),
        )

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    session_key = (
        None  # the signed-in session this object was loaded for (a plain attribute, not a column)
    )

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the user and the
        server-side session, so that ending the session ends every copy of the cookie."""
        return f"{self.id}:{self.session_key}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class UserSession(Base):
    """A signed-in session, kept on the server: logging out, a password change or reset, and 'log
    out everywhere' end it, whatever copies of the cookie exist (docs/security.md M1)."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    expires_at: Mapped[Timestamp]
    ended_at: Mapped[Timestamp | None]


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _refresh_name_key(mapper, connection, user: User) -> None:
    user.name_key = fold(user.name)[:200]
