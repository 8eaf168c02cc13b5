"""Scale-out drill: the production processes of deploy/Procfile, each twice, behind HAProxy.

Started here as in production: two app instances (the Procfile's `web` line: gunicorn with
deploy/gunicorn.conf.py), two rq workers with the scheduler (its `worker` line), and HAProxy with
deploy/haproxy.cfg, all on 127.0.0.1 ports of their own, against a PostgreSQL database that the
drill creates on the server of DATABASE_URL and drops at the end (never the test database itself),
and Redis database 12 of REDIS_URL's server (emptied first). The demo data gives the call and the
staff account. Then:

1. a file (the letterhead logo) uploaded through one instance downloads through the other;
2. an export requested on one instance is built by a worker and downloads from the other;
3. a worker killed (SIGKILL) in the middle of an export: the export is shown lost within seconds
   (EXPORT_HEARTBEAT=1), staff retry it, and the other worker completes it;
4. under load through the load balancer (bounded: a few threads on loopback for a few seconds), one
   app instance is killed (SIGKILL, with its gunicorn workers): every request still succeeds, the
   other instance serves, and nothing is lost: the logo and the exports are still there;
5. the instances' logs are JSON lines with the request id the load balancer gave, and the metrics
   (with METRICS_TOKEN) hold the request latency and the queue gauges.

Files: when STORAGE_BACKEND and the S3_* variables are set (CI's PostgreSQL pass, with SeaweedFS),
they reach every process unchanged, and the instances share the object store. Without them both
instances and both workers share one local UPLOAD_DIR and EXPORT_DIR, as instances on one machine
(or on a shared disk) would.

Needs PostgreSQL (DATABASE_URL), Redis (REDIS_URL) and Debian's haproxy: skipped without them,
failed with REQUIRE_SERVICES=1. Takes about a minute and a half.
"""

from __future__ import annotations

import http.cookiejar
import io
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import pytest

from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "demo-password-2026"  # the demo accounts' (grants/demo.py)
TOKEN = "drill-metrics-token"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _procfile() -> dict[str, list[str]]:
    lines = (ROOT / "deploy" / "Procfile").read_text().splitlines()
    entries = (line.partition(":") for line in lines if line.strip() and not line.startswith("#"))
    return {name.strip(): shlex.split(command) for name, _, command in entries}


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kw):
        return None  # the redirect is the answer (a lost session would send staff to log in)


class Browser:
    """A browser's cookies over urllib: one sign-in serves every instance (same host, any port).
    `follow=False`: a redirect is answered as it is, not followed."""

    def __init__(self, jar: http.cookiejar.CookieJar | None = None, follow: bool = True) -> None:
        self.jar = jar or http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)] + ([] if follow else [_Stay()])
        self.opener = urllib.request.build_opener(*handlers)

    def open(self, url: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def get(self, url: str, **kw):
        return self.open(url, **kw)

    def token(self, url: str) -> str:
        status, body, _ = self.get(url)
        assert status == 200, (url, status)
        return _CSRF.search(body.decode()).group(1)

    def post(self, url: str, fields: dict, page: str | None = None, files: dict | None = None):
        fields = {**fields, "csrf_token": self.token(page or url)}
        if not files:
            return self.open(url, urlencode(fields).encode())
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content, mimetype) in files.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {mimetype}\r\n\r\n'.encode()
            )
            body.write(content + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        return self.open(
            url,
            body.getvalue(),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


class Cluster:
    """The processes of the drill, their addresses, and its database."""

    def __init__(self, tmp: Path, database_url: str, redis_url: str) -> None:
        self.tmp, self.database_url, self.redis_url = tmp, database_url, redis_url
        self.ports = {"lb": _free_port(), "web1": _free_port(), "web2": _free_port()}
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = self._environment()

    def url(self, name: str, path: str = "") -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "PROMETHEUS_MULTIPROC_DIR", "GUNICORN_"))
        }
        # STORAGE_BACKEND and S3_* pass through as they are; without them, one shared local disk
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            SECRET_KEY="drill-secret",
            BASE_URL=self.url("lb"),
            INSTANCE_DIR=str(self.tmp / "instance"),
            UPLOAD_DIR=str(self.tmp / "files"),
            EXPORT_DIR=str(self.tmp / "exports"),
            LOG_FORMAT="json",
            TRUSTED_PROXIES="1",
            METRICS_TOKEN=TOKEN,
            EXPORT_HEARTBEAT="1",
            LOGIN_RATE_LIMIT="1000 per minute",
            WEB_CONCURRENCY="2",
            GUNICORN_THREADS="4",
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        env.pop("APP_ENV", None)  # production would refuse plain http cookies: not the point here
        return env

    def run(self, args: list[str]) -> None:
        result = subprocess.run(
            args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"

    def start(self, name: str, args: list[str], **env: str) -> None:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own: killed with its gunicorn workers
        )

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def kill(self, name: str) -> None:
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def wait_ready(self, name: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for process_name, process in self.processes.items():
                assert process.poll() is None, f"{process_name} ended:\n{self.log(process_name)}"
            try:
                with urllib.request.urlopen(self.url(name, "/health/ready"), timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{name} was not ready in {seconds} s")

    def sql(self, query: str, *params):
        url = self.database_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()


def _services() -> tuple[str, str]:
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgresql"):
        service_missing("PostgreSQL (DATABASE_URL)")
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        service_missing("Redis (REDIS_URL)")
    from redis import Redis

    try:
        Redis.from_url(redis_url).ping()
    except Exception:  # noqa: BLE001 - any failure means the service is missing
        service_missing(f"Redis at {redis_url}")
    if _haproxy() is None:
        service_missing("HAProxy (Debian's haproxy package)")
    return database, redis_url


def _haproxy() -> str | None:
    """Debian installs it in /usr/sbin, which a user's PATH may lack."""
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")


def _own(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=path))


@pytest.fixture
def cluster(tmp_path):
    database, redis_url = _services()
    name = f"drill_{os.getpid()}"
    admin = database.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(_own(admin, "/postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    from redis import Redis

    drill_redis = _own(redis_url, "/12")
    Redis.from_url(drill_redis).flushdb()
    cluster = Cluster(tmp_path, _own(database, f"/{name}"), drill_redis)
    try:
        yield cluster
    finally:
        cluster.stop()
        Redis.from_url(drill_redis).flushdb()
        with psycopg.connect(_own(admin, "/postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _wait_for(what: str, check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s")


def _job(cluster: Cluster, job_id: int) -> tuple:
    return cluster.sql("SELECT status, claimed_by, progress FROM report_job WHERE id = %s", job_id)[
        0
    ]


def _request_export(browser: Browser, cluster: Cluster, via: str, call_id: int, kind: str) -> int:
    page = cluster.url(via, f"/staff/calls/{call_id}/exports")
    before = cluster.sql("SELECT coalesce(max(id), 0) FROM report_job")[0][0]
    status, _, _ = browser.post(f"{page}/{kind}", {"language": "en"}, page=page)
    assert status == 200
    return cluster.sql("SELECT id FROM report_job WHERE id > %s AND kind = %s", before, kind)[0][0]


def _request_lines(cluster: Cluster, name: str, until=lambda lines: True) -> list[dict]:
    """The JSON request log lines of an instance, once `until(lines)` (or after 5 s)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [json.loads(x) for x in cluster.log(name).splitlines() if x.startswith("{")]
        lines = [line for line in lines if line.get("name") == "grants.request"]
        if until(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def _load(url_of, paths: list[str], browser: Browser, stop: threading.Event, results: list):
    """One user of the load: GETs through the load balancer until told to stop."""
    n = 0
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        try:
            status = browser.get(url_of(path))[0]
        except OSError as error:  # a connection the load balancer failed to answer
            status = repr(error)
        results.append((time.monotonic(), path, status))
        time.sleep(0.02)


def test_two_instances_and_two_workers_behind_haproxy(cluster):
    procfile = _procfile()
    cluster.run(["flask", "--app", "wsgi", "db", "upgrade"])
    cluster.run(["flask", "--app", "wsgi", "demo", "--url", cluster.url("lb")])
    for web in ("web1", "web2"):
        cluster.start(
            web,
            procfile["web"],
            GUNICORN_BIND=f"127.0.0.1:{cluster.ports[web]}",
            PROMETHEUS_MULTIPROC_DIR=str(cluster.tmp / f"metrics-{web}"),
        )
    for worker in ("worker1", "worker2"):
        cluster.start(worker, procfile["worker"])
    cluster.start(
        "haproxy",
        [_haproxy(), "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
        LB_BIND=f"127.0.0.1:{cluster.ports['lb']}",
        APP1=f"127.0.0.1:{cluster.ports['web1']}",
        APP2=f"127.0.0.1:{cluster.ports['web2']}",
    )
    for name in ("web1", "web2", "lb"):
        cluster.wait_ready(name)
    staff = Browser()
    status, body, _ = staff.post(
        cluster.url("web1", "/auth/login"), {"email": "staff@example.org", "password": PASSWORD}
    )
    assert status == 200 and b"Log out" in body, body[:2000]
    call_id = cluster.sql("SELECT id FROM call WHERE reference = 'TTGS-DEMO'")[0][0]
    small = cluster.sql("SELECT id FROM call WHERE reference = 'TTGS-EVAL'")[0][0]  # 10 of them

    # 1. a file uploaded through one instance downloads through the other
    logo = _png()
    settings = cluster.url("web1", "/staff/settings/letters")
    status, body, _ = staff.post(
        settings,
        {
            "name_en": "Drill authority",
            "name_tr": "Tatbikat kurumu",
            "address": "1 Loopback Street",
            "signatory_name": "A. Signer",
            "signatory_title_en": "Director",
            "signatory_title_tr": "Müdür",
            "save": "Save",
        },
        files={"logo": ("logo.png", logo, "image/png")},
    )
    assert status == 200, body[:2000]
    status, downloaded, _ = staff.get(cluster.url("web2", "/staff/settings/letters/logo"))
    assert (status, downloaded) == (200, logo)

    # 2. an export requested on one instance, built by a worker, downloads from the other
    workbook = _request_export(staff, cluster, "web1", call_id, "workbook")
    _wait_for("the workbook built", lambda: _job(cluster, workbook)[0] == "finished", 60)
    status, data, headers = staff.get(cluster.url("web2", f"/staff/exports/{workbook}/download"))
    assert status == 200 and data[:2] == b"PK", (status, data[:200])  # an xlsx is a ZIP

    # 3. a worker killed in the middle of an export: lost within seconds, completed on retry
    pdfs = _request_export(staff, cluster, "web2", small, "application_pdfs")

    def started_by() -> str | None:
        status, worker, _progress = _job(cluster, pdfs)
        return worker if status == "running" and worker else None

    claimed = _wait_for("the ZIP of application PDFs started", started_by, 60)
    from redis import Redis

    pid = int(Redis.from_url(cluster.redis_url).hget(f"rq:worker:{claimed[3:]}", "pid"))
    killed = next(name for name in ("worker1", "worker2") if cluster.processes[name].pid == pid)
    cluster.kill(killed)
    assert _job(cluster, pdfs)[0] == "running"  # as the killed worker left it
    exports = cluster.url("web1", "/staff/exports")
    _wait_for(
        "the export shown lost",
        lambda: b"no longer alive" in staff.get(exports)[1],
        30,
    )
    status, _, _ = staff.post(cluster.url("web1", f"/staff/exports/{pdfs}/retry"), {}, exports)
    assert status == 200 and _job(cluster, pdfs)[0] in ("queued", "running", "finished")

    # 4. under load through the load balancer, one instance killed: the other serves, nothing lost
    results: list = []
    stop = threading.Event()
    paths = ["/", "/health/ready", "/staff/exports", "/calls/TTGS-DEMO"]
    as_is = Browser(staff.jar, follow=False)  # staff's session: a 302 to log in would fail
    users = [
        threading.Thread(
            target=_load, args=(lambda p: cluster.url("lb", p), paths, as_is, stop, results)
        )
        for _ in range(4)
    ]
    for user in users:
        user.start()
    time.sleep(2)
    assert "/calls/TTGS-DEMO" in cluster.log("web1")  # both instances were serving the load
    killed_at = time.monotonic()
    cluster.kill("web1")
    time.sleep(4)
    stop.set()
    for user in users:
        user.join(timeout=60)
    failed = [result for result in results if result[2] != 200]
    after = [result for result in results if result[0] > killed_at]
    assert not failed, failed[:10]
    assert len(after) >= 20, len(after)  # the other instance kept serving
    status, downloaded, _ = staff.get(cluster.url("lb", "/staff/settings/letters/logo"))
    assert (status, downloaded) == (200, logo)
    status, data, _ = staff.get(cluster.url("lb", f"/staff/exports/{workbook}/download"))
    assert status == 200 and data[:2] == b"PK"

    # ... and the export retried after its worker was killed completes on the other worker
    _wait_for("the retried ZIP built", lambda: _job(cluster, pdfs)[0] == "finished", 180)
    status, data, _ = staff.get(cluster.url("lb", f"/staff/exports/{pdfs}/download"))
    assert status == 200 and data[:2] == b"PK", (status, data[:200])
    events = [
        row[0]
        for row in cluster.sql(
            "SELECT action FROM audit_event WHERE object_type = 'ReportJob' "
            "AND object_id = %s ORDER BY id",
            str(pdfs),
        )
    ]
    assert events == [
        "export.requested",
        "export.lost",
        "export.retried",
        "export.finished",
    ], events

    # 5. JSON logs with the load balancer's request ids; metrics with latency and queue gauges
    requests = _request_lines(cluster, "web2")
    assert requests and all(line["request_id"] for line in requests)
    assert {"method", "path", "status", "duration_ms", "client"} <= set(requests[-1])
    through_lb = [line for line in requests if line["path"] == "/calls/TTGS-DEMO"]
    assert through_lb and all(":" in line["request_id"] for line in through_lb)  # HAProxy's ids
    status, _, headers = staff.get(
        cluster.url("lb", "/health/live"), headers={"X-Request-ID": "drill-1"}
    )
    assert status == 200 and headers["X-Request-ID"] == "drill-1"
    seen = _request_lines(cluster, "web2", lambda ls: any(x["request_id"] == "drill-1" for x in ls))
    assert any(line["request_id"] == "drill-1" for line in seen)
    assert staff.get(cluster.url("lb", "/metrics"))[0] == 404  # not on the public address
    status, text, _ = staff.get(
        cluster.url("web2", "/metrics"), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    text = text.decode()
    assert status == 200
    assert 'grants_request_duration_seconds_count{endpoint="public.index"' in text
    assert "grants_queue_length 0.0" in text and 'grants_pending_jobs{kind="exports"} 0.0' in text
