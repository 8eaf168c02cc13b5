"""Reminders (docs/domain.md 8): scheduled scans that e-mail each reminder once, in the recipient's
language. No blueprint: the user's choices are on the account page (grants.auth), the scan runs from
`flask reminders send`, rq's scheduler (scheduling.py) or the app's runner thread (runner.py)."""
