"""Grant contracts (docs/domain.md 7): prepared by staff from an awarded application, signed by
the lead, countersigned by staff; the grant's page."""
