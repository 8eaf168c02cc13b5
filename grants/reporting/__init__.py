"""Grant reports (docs/domain.md 7, Reports and Final amount): the interim and final reports the
lead writes and staff approve or return; the final amount, the balance and the recovery order."""
