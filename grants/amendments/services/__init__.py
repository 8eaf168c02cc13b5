"""Amendment and termination commands (docs/domain.md 7, Amendments): requests.py (the lead's
requests and their withdrawal), decisions.py (staff approve or refuse), termination.py, notices.py
(the e-mails); _guards.py: the grant's row locked, in force, the request still open. Every request
and decision is made with the grant's row locked."""
