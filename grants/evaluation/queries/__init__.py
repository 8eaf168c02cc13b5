"""Evaluation's read models for pages (no writes): the evaluator's calls and assignments, staff
progress and one application's scores side by side. Final scores: grants.evaluation.scores."""
