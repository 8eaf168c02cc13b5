"""Reports and exports of a call, built as background jobs (docs/domain.md 6).

Every kind of export has a builder `build(call_id, locale, progress, path) -> file name` that runs
in an application context, writes the file at `path`, calls `progress(percent)` between its queries
(never while a query's rows are still being read: the progress is committed on its own connection)
and returns the name the file is offered under. grants.exports.kinds lists them; grants.exports.jobs
runs them and keeps each request as a ReportJob.
"""
