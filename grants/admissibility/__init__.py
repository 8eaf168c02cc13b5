"""Staff administrative and eligibility check of submitted applications (docs/domain.md 3)."""
