"""Evaluation: the evaluator pool, declarations of impartiality and conflicts, assignments (domain.md 4)."""
