"""The security suite (issue 7): every route against every role (test_route_matrix, with the table
in access_table.py and the shared fixture world in world.py), CSRF refusal (test_csrf), typed text
escaped in pages, PDFs and spreadsheets (test_xss), the login rate limit (test_login_limit) and
bandit (test_static_analysis).

Uploads whose name lies about their content are refused by content, not by name: see
tests/integration/submission/test_attachments.py (test_refused_files_say_why_and_store_nothing).
"""
