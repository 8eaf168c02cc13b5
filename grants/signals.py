"""Signals between features, so that a lower feature can tell a higher one without importing it.

A signal is sent synchronously, inside the sender's unit of work (the request's transaction), so what a receiver
writes is committed or rolled back with the sender's writes. The receiving feature connects when it is imported;
the app factory imports every feature (grants.register_blueprints) in every process: web, CLI and rq worker.

- `stage_withdrawn(application, stage=...)`: submission withdrew the application's current stage (its status is
  withdrawn and flushed). Awards gives back to the budget what the stage had been awarded.
"""
from __future__ import annotations

from blinker import Namespace

signals = Namespace()

stage_withdrawn = signals.signal("stage-withdrawn")
