"""Reads of grants.models.GrantDue at the reader's clock: each grant's day is its call's day at
`now` (its zone), worked out here for each zone the calls use and handed to the database as a CASE
on the call's zone, so that *due*, *overdue* and *later* are judged, counted, sorted and paged in
SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, func, literal, select

from grants.extensions import db
from grants.models import Call, GrantDue
from grants.rules.grant_oversight import DUE_WINDOW


def _on(days: dict[str, date]):
    """The day per zone, as an SQL expression on Call.timezone (the calls must be joined)."""
    if len(days) == 1:
        return literal(next(iter(days.values())), Date)
    return case(
        {zone: literal(day, Date) for zone, day in days.items()},
        value=Call.timezone,
        else_=literal(date.min, Date),
    )


@dataclass(frozen=True)
class Clock:
    """The days at `now` in each call's zone, and what GrantDue's rows are on them."""

    days: dict[str, date]

    @property
    def today(self):
        """The grant's day (SQL)."""
        return _on(self.days)

    @property
    def due_on(self):
        """An item's date: a payment without one of its own is due on the day itself (SQL)."""
        return func.coalesce(GrantDue.due_on, self.today)

    @property
    def payment_state(self):
        """'overdue' once its date has passed, else 'due' (SQL; every payment kept is open)."""
        return case((GrantDue.due_on < self.today, "overdue"), else_="due")

    @property
    def state(self):
        """A payment's state, or a report's: 'overdue' once its date has passed, 'due' when it
        falls within the window (grants.rules.grant_oversight.state), else NULL: later (SQL)."""
        window = _on({zone: day + timedelta(days=DUE_WINDOW) for zone, day in self.days.items()})
        return case(
            (GrantDue.family == "payment", self.payment_state),
            (GrantDue.due_on.is_(None), "due"),
            (GrantDue.due_on < self.today, "overdue"),
            (GrantDue.due_on <= window, "due"),
            else_=None,
        )


def clock(now: datetime) -> Clock:
    """The calls' zones read once (one query)."""
    zones = db.session.scalars(select(Call.timezone).distinct()).all()
    return Clock(
        {zone: now.astimezone(ZoneInfo(zone)).date() for zone in zones}
        or {"UTC": now.astimezone(UTC).date()}
    )
