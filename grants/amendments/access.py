"""Loaders of the amendments pages: the grant (grants.contracts.access) and a request on it."""

from __future__ import annotations

from grants.access import load_or_404
from grants.amendments.queries import amendment_of
from grants.models import Grant, GrantAmendment


def amendment_or_404(grant: Grant, amendment_id: int) -> GrantAmendment:
    return load_or_404(amendment_of(grant.id, amendment_id))
