"""Evaluation's use cases (they write, flush and audit; the request commits): the pool and
assignments (pool), declarations (declarations), scoring (scoring), rebalancing (rebalance) and what
follows an evaluation (settle: replacements, the extra evaluator, the stored final score)."""
