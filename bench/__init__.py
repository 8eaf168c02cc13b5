"""Benchmarks: a generated call of 10,000 applications and the time and memory of its exports."""
