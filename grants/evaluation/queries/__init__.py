"""Evaluation's read models for pages (no writes): the evaluator's calls and assignments, staff
progress and one application's scores side by side (queries/*.py), and the final scores (scores.py),
which ranking, letters and exports read."""
