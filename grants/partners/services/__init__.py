"""The partnership's use cases (commands; they write, the request commits): partnership.py (propose,
remove, contact), invitations.py (partners not registered yet), confirmations.py (confirm, decline,
and void what changed)."""
