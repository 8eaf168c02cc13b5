"""Signals between features, so that a lower feature can tell a higher one without importing it.

A signal is sent synchronously, inside the sender's unit of work (the request's transaction), so
what a receiver writes is committed or rolled back with the sender's writes. The receiving feature
connects when it is imported; the app factory imports every feature (grants.register_blueprints) in
every process: web, CLI and rq worker.

- `application_changed(application)`: applications saved the project or the budget (flushed and
  audited). Partners voids each confirmation that no longer covers what its page shows; each
  receiver returns the partners it voided (a list), which the save reports to the page.
- `stage_withdrawn(application, stage=...)`: submission withdrew the application's current stage
  (its status is withdrawn and flushed). Awards gives back to the budget what the stage had been
  awarded.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

application_changed = signals.signal("application-changed")
stage_withdrawn = signals.signal("stage-withdrawn")
