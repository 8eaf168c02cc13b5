"""Operations: liveness and readiness checks and the Prometheus metrics (docs/operations.md)."""
