"""The logical framework of an application (docs/domain.md 3): the applicant's page where the
objectives, the expected results and their indicators (unit, baseline, target, source of
verification) are entered. Evaluators, staff and the summary PDF read it through the application
pages and the receipt (grants.submission.versions)."""
