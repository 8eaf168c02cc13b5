"""Submission use cases (commands; they write, the request commits): submit.py (submit, withdraw),
reopen.py (reopen before the deadline), attachments.py (upload, delete)."""
