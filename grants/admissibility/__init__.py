"""Staff administrative and eligibility check of submitted applications (domain.md 3)."""
