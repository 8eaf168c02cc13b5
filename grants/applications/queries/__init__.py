"""Applications as read: starting.py (whether an organisation may start one, its open draft, the
applicant's dashboard), staff_list.py (the staff list of a call's submitted applications), page.py
(the application page: task list, e-mails sent, who saved last, its grant). Each list costs a fixed
number of queries whatever the number of rows."""
