"""Account use cases (commands; they write, the request commits): accounts.py (registration, login,
passwords, member verification, the profile), confirmation.py (the e-mail address confirmed),
identity.py (a verified identity changed), reminders.py (the reminder choices), sessions.py
(server-side sessions: start, end, load)."""
