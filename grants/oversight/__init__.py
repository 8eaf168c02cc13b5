"""Oversight of the grants (docs/domain.md 7, Oversight): money per call, lot, province and partner
country; reports and payments due and overdue."""
