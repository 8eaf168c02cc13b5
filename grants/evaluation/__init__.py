"""Evaluation: the evaluator pool, declarations of impartiality and conflicts, assignments
(docs/domain.md 4)."""
