"""Amendments and termination of a grant (docs/domain.md 7, Amendments): the lead requests, staff
approve (a new contract version) or refuse with a reason; staff terminate a grant in force."""
