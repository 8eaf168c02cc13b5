"""The staff audit-log page: every audit event (grants.audit), filtered by call, application, user
and days."""
