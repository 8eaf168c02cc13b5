"""The payments a user may act on: a payment of the grant in the URL (staff routes), else 404."""

from __future__ import annotations

from sqlalchemy import select

from grants.access import load_or_404
from grants.extensions import db
from grants.models import Grant, GrantPayment


def payment_or_404(grant: Grant, payment_id: int) -> GrantPayment:
    return load_or_404(
        db.session.scalar(
            select(GrantPayment).where(
                GrantPayment.id == payment_id, GrantPayment.grant_id == grant.id
            )
        )
    )
