"""Partners: invitations, confirmations, the partnership page.

Importing the package connects services.confirmations.review_confirmations to
grants.signals.application_changed.
"""

from grants.partners.services import confirmations as _confirmations  # noqa: F401  (its receiver)
