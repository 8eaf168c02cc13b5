"""Login timing (docs/security.md M5): the login answer for an unknown address, a known address with
a wrong password and a right one, measured through the app's own test client on SQLite in memory.
Writes its section of bench/BENCHMARKS.md. Run: .venv/bin/python -m bench.login_timing"""

from __future__ import annotations

import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from config import TestConfig
from grants import create_app
from grants.extensions import db
from grants.models import Role, User

ROUNDS = 40
START, END = "<!-- login timing: start -->", "<!-- login timing: end -->"


class Timing(TestConfig):
    RATELIMIT_ENABLED = False  # the per-account limit would answer before the password check
    WTF_CSRF_ENABLED = False


def _time_login(app, email: str, password: str) -> float:
    client = app.test_client()  # a new visitor each time: no session left signed in
    started = time.perf_counter()
    client.post("/auth/login", data={"email": email, "password": password})
    return (time.perf_counter() - started) * 1000


def measure() -> dict[str, list[float]]:
    app = create_app(Timing)
    with app.app_context():
        db.create_all()
        user = User(name="Known", email="known@example.org", role=Role.applicant)
        user.set_password("the right password 1")
        db.session.add(user)
        db.session.commit()
    # requests outside that app context: inside it, they would share its g and so the signed-in user
    cases = {
        "unknown address": ("nobody@example.org", "a guess 12345"),
        "known address, wrong password": ("known@example.org", "a guess 12345"),
        "known address, right password": ("known@example.org", "the right password 1"),
    }
    times = {name: [] for name in cases}
    for _ in range(
        ROUNDS
    ):  # interleaved, so that drift in the machine's speed hits every case alike
        for name, (email, password) in cases.items():
            times[name].append(_time_login(app, email, password))
    return times


def main() -> None:
    times = measure()
    wrong = statistics.median(times["known address, wrong password"])
    rows = [
        f"| {name} | {statistics.median(t):.1f} | {statistics.quantiles(t, n=10)[-1]:.1f} | "
        f"{statistics.median(t) / wrong:.2f} |"
        for name, t in times.items()
    ]
    section = "\n".join(
        [
            START,
            "## Login timing (bench/login_timing.py)",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python "
            f"{platform.python_version()}; "
            f"{ROUNDS} logins of each kind, interleaved, through the app's test client (SQLite in "
            f"memory, rate limit off).",
            "",
            "| login | median ms | p90 ms | median / wrong password |",
            "|---|---:|---:|---:|",
            *rows,
            "",
            "Target (probe M5): a failed login takes the same time whether or not the address has "
            "an account "
            "(unknown over wrong password within 0.8 to 1.25), so that timing tells no one which "
            "addresses have "
            "accounts. A successful login costs more (it starts a session); an attacker without "
            "the password "
            "never sees that path.",
            END,
        ]
    )
    path = Path(__file__).with_name("BENCHMARKS.md")
    text = path.read_text()
    text = (
        text.split(START)[0] + section + text.split(END)[1]
        if START in text
        else text.rstrip() + "\n\n" + section + "\n"
    )
    path.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
