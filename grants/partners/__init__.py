"""Partners: invitations, confirmations, the partnership page.

Importing the package connects confirmations.review_confirmations to
grants.signals.application_changed.
"""

from grants.partners import confirmations as _confirmations  # noqa: F401  (connects its receiver)
