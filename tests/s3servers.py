"""Real S3 servers for the test suite, all on 127.0.0.1, all started and stopped by the suite.

* :func:`start_moto` — moto's threaded server in this process (0.3 s). Fast and faithful on
  multipart, SSE headers and checksums, but it checks no signatures.
* :func:`start_rgw` — Ceph's RADOS Gateway: one monitor, one memstore OSD and ``radosgw``,
  cephx off, everything under a temporary directory (about 12 s). A production S3 server: it
  verifies signatures and presigned URLs and accepts bucket lifecycle and versioning.
* :class:`FaultProxy` — a small HTTP proxy in front of either server that drops, delays or
  answers 500 to a bounded number of chosen requests, and counts what passes through.

The RGW start-up follows the facts measured in ``shared/notes/s3-servers.md`` (memstore,
no cephx, ``osd crush update on start = false`` to avoid a start-up race, SSE allowed over
plain HTTP with a fixed test key). The daemons write PID files; :meth:`Server.stop` stops
them by those PIDs and nothing else. The ceph configuration is data (:data:`RGW_CONF`).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RGW_BINARIES = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph")
RGW_PACKAGES = "radosgw ceph-mon ceph-osd"
RGW_ACCESS_KEY, RGW_SECRET_KEY = "testkey", "testsecret"
# RGW 16 knows only STANDARD unless a storage class is added to the placement target; the
# suite adds the one that the lifecycle rule of `setup_bucket` moves old videos to.
RGW_EXTRA_STORAGE_CLASS = "STANDARD_IA"

RGW_CONF = """\
[global]
fsid = {fsid}
mon host = v1:127.0.0.1:{mon_port}
mon initial members = a
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
osd crush chooseleaf type = 0
ms bind ipv4 = true
ms bind ipv6 = false
ms bind msgr2 = false
log file = {d}/log/$name.log
mon cluster log file = default={d}/log/ceph.$channel.log cluster={d}/log/ceph.log
run dir = {d}/run
admin socket = {d}/run/$name.asok
keyring = /dev/null
[mon.a]
mon data = {d}/mon
mon addr = 127.0.0.1:{mon_port}
[osd.0]
osd data = {d}/osd
osd objectstore = memstore
memstore device bytes = {memstore_bytes}
osd max object name len = 256
osd max object namespace len = 64
osd memory target = 939524096
osd crush update on start = false
osd class update on start = false
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:{rgw_port}
rgw data = {d}/rgw
rgw dns name = localhost
rgw enable usage log = false
rgw lc debug interval = 10
rgw crypt require ssl = false
rgw crypt default encryption key = 4YSmvJtBv0aZ7geVgAsdpRnLBEwWSWlMIGnRS8a9TSA=
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running S3 endpoint and how to stop it."""

    name: str
    endpoint_url: str
    access_key: str
    secret_key: str
    checks_signatures: bool
    echoes_sse: bool  # does HEAD/GET answer with x-amz-server-side-encryption?
    started_in: float = 0.0
    pids: dict[str, int] = field(default_factory=dict)
    workdir: Path | None = None
    _stop: Callable[[], None] | None = None

    def client_env(self) -> dict[str, str]:
        """Environment for a process that should talk to this server through boto3."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None


# -- moto -----------------------------------------------------------------------------------
def start_moto() -> Server:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    started = time.monotonic()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return Server("moto", f"http://127.0.0.1:{port}", "testing", "testing",
                  checks_signatures=False, echoes_sse=True,
                  started_in=time.monotonic() - started, _stop=server.stop)


# -- Ceph RGW -------------------------------------------------------------------------------
def rgw_missing() -> list[str]:
    """The Ceph programs that are not installed (empty when RGW can start)."""
    return [b for b in RGW_BINARIES if shutil.which(b) is None]


def _run(args: list[str], timeout: float = 30, attempts: int = 1) -> subprocess.CompletedProcess:
    """Run a Ceph tool; ``attempts`` > 1 for monitor commands, which can fail with EPERM
    ("problem getting command descriptions from mon") while the monitor settles."""
    for _ in range(attempts):
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        if done.returncode == 0:
            return done
        time.sleep(0.5)
    raise RuntimeError(f"Ceph RGW: {' '.join(args[:1] + args[3:6])} exited "
                       f"{done.returncode}: {done.stderr.strip()[-300:]}")


def _wait(what: str, ready: Callable[[], bool], timeout: float, step: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(step)
    raise RuntimeError(f"Ceph RGW: {what} not ready after {timeout:.0f} s")


def _succeeds(args: list[str]) -> bool:
    try:
        return subprocess.run(args, capture_output=True, timeout=5).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _osd_up(conf: list[str]) -> bool:
    try:
        out = subprocess.run(["ceph", *conf, "osd", "stat"], capture_output=True, text=True,
                             timeout=5).stdout
    except subprocess.TimeoutExpired:
        return False
    return " 1 up" in out


def _http_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            return s.recv(12).startswith(b"HTTP/1.1")
    except OSError:
        return False


def _stop_pids(pids: dict[str, int], grace: float = 2.0) -> None:
    """SIGTERM the daemons by PID, then SIGKILL whatever is alive after ``grace`` seconds.

    radosgw takes about 11 s to honour SIGTERM; the cluster keeps everything in memory and
    is thrown away, so a short grace is enough.
    """
    alive = set(pids.values())
    for pid in list(alive):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            alive.discard(pid)
    deadline = time.monotonic() + grace
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = {pid for pid in alive if _is_alive(pid)}
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _read_pids(d: Path) -> dict[str, int]:
    return {n: int((d / f"{n}.pid").read_text()) for n in ("mon", "osd", "rgw")
            if (d / f"{n}.pid").exists()}


def start_rgw(timeout: float = 60, memstore_gib: int = 2, owner_pid: int | None = None
              ) -> Server:
    """1 mon + 1 memstore OSD + radosgw under a temporary directory, on free ports.

    The OSD keeps objects in RAM up to ``memstore_gib``; when that fills up, RGW stalls
    (deleted objects are only freed by RGW's garbage collector, hours later by default).
    A watchdog process stops the daemons if ``owner_pid`` (default: this process) dies
    without stopping them, e.g. when a test run is killed.
    """
    started = time.monotonic()
    d = Path(tempfile.mkdtemp(prefix="repcheck-rgw-"))
    for sub in ("mon", "osd", "rgw", "log", "run"):
        (d / sub).mkdir()
    mon_port, rgw_port = free_port(), free_port()
    fsid = str(uuid.uuid4())
    (d / "ceph.conf").write_text(RGW_CONF.format(fsid=fsid, mon_port=mon_port,
                                                 rgw_port=rgw_port, d=d,
                                                 memstore_bytes=memstore_gib << 30))
    conf = ["-c", str(d / "ceph.conf")]
    try:
        _start_ceph_daemons(d, conf, fsid, mon_port, rgw_port, timeout)
    except Exception:
        _stop_pids(_read_pids(d))
        shutil.rmtree(d, ignore_errors=True)
        raise
    pids = _read_pids(d)
    _start_watchdog(owner_pid or os.getpid(), pids, d)
    return rgw_server(f"http://127.0.0.1:{rgw_port}", pids, d, time.monotonic() - started)


WATCHDOG = """
import os, shutil, signal, sys, time
owner, workdir, pids = int(sys.argv[1]), sys.argv[2], [int(p) for p in sys.argv[3:]]
def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
while alive(owner) and any(alive(p) for p in pids):
    time.sleep(1)
for pid in pids:
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
shutil.rmtree(workdir, ignore_errors=True)
"""


def _start_watchdog(owner_pid: int, pids: dict[str, int], workdir: Path) -> None:
    import sys

    subprocess.Popen([sys.executable, "-c", WATCHDOG, str(owner_pid), str(workdir),
                      *map(str, pids.values())], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


def rgw_server(endpoint_url: str, pids: dict[str, int], workdir: Path,
               started_in: float) -> Server:
    """A handle on a running RGW (also rebuilt from JSON by another test process)."""
    def stop() -> None:
        _stop_pids(pids)
        shutil.rmtree(workdir, ignore_errors=True)

    return Server("rgw", endpoint_url, RGW_ACCESS_KEY, RGW_SECRET_KEY, checks_signatures=True,
                  echoes_sse=False, started_in=started_in, pids=pids, workdir=workdir,
                  _stop=stop)


@contextmanager
def shared_rgw(root: Path, owner_pid: int | None = None) -> Iterator[Server]:
    """One RGW for all pytest-xdist workers of a run: the first starts it, the last stops it.

    ``root`` is a directory every worker sees (the run's base temp dir). A lock file
    serialises start, the user count and stop.
    """
    info, users = root / "rgw.json", root / "rgw.users"
    with _flock(root / "rgw.lock"):
        if info.exists():
            data = json.loads(info.read_text())
            server = rgw_server(data["endpoint_url"], data["pids"], Path(data["workdir"]),
                                data["started_in"])
        else:
            server = start_rgw(owner_pid=owner_pid)
            info.write_text(json.dumps({"endpoint_url": server.endpoint_url,
                                        "pids": server.pids, "workdir": str(server.workdir),
                                        "started_in": server.started_in}))
        users.write_text(str(int(users.read_text() or 0) + 1 if users.exists() else 1))
    try:
        yield server
    finally:
        with _flock(root / "rgw.lock"):
            left = int(users.read_text()) - 1
            users.write_text(str(left))
            if left == 0:
                server.stop()
                info.unlink()


@contextmanager
def _flock(path: Path) -> Iterator[None]:
    import fcntl

    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _start_ceph_daemons(d: Path, conf: list[str], fsid: str, mon_port: int, rgw_port: int,
                        timeout: float) -> None:
    _run(["monmaptool", "--create", "--clobber", "--fsid", fsid, "--addv", "a",
          f"[v1:127.0.0.1:{mon_port}]", str(d / "monmap")])
    _run(["ceph-mon", *conf, "-i", "a", "--mkfs", "--monmap", str(d / "monmap"),
          "--keyring", "/dev/null"])
    _run(["ceph-mon", *conf, "-i", "a", "--pid-file", str(d / "mon.pid")])  # daemonizes
    _wait("monitor", lambda: _succeeds(["ceph", *conf, "--connect-timeout", "2", "-s"]),
          timeout)
    _run(["ceph", *conf, "osd", "create"], attempts=10)
    _run(["ceph-osd", *conf, "-i", "0", "--mkfs", "--osd-uuid", str(uuid.uuid4())])
    _run(["ceph", *conf, "osd", "crush", "add", "osd.0", "1.0", "host=localhost",
          "root=default"], attempts=10)
    _run(["ceph-osd", *conf, "-i", "0", "--pid-file", str(d / "osd.pid")])
    _wait("OSD", lambda: _osd_up(conf), timeout)
    _run(["radosgw", *conf, "-n", "client.rgw.a", "--pid-file", str(d / "rgw.pid")])
    _wait("radosgw", lambda: _http_answers(rgw_port), timeout)
    _add_storage_class(conf)
    _run(["radosgw-admin", *conf, "user", "create", "--uid=tester", "--display-name=tester",
          f"--access-key={RGW_ACCESS_KEY}", f"--secret={RGW_SECRET_KEY}"])


def _add_storage_class(conf: list[str]) -> None:
    """Give the default placement target a second storage class before radosgw starts."""
    sc = RGW_EXTRA_STORAGE_CLASS
    _run(["radosgw-admin", *conf, "zonegroup", "placement", "add", "--rgw-zonegroup=default",
          "--placement-id=default-placement", f"--storage-class={sc}"])
    _run(["radosgw-admin", *conf, "zone", "placement", "add", "--rgw-zone=default",
          "--placement-id=default-placement", f"--storage-class={sc}",
          "--data-pool=default.rgw.standard-ia.data"])


# -- fault-injecting proxy ------------------------------------------------------------------
def s3_operation(method: str, path: str) -> str:
    """Name the S3 call behind an HTTP request, coarsely (enough to target faults)."""
    query = path.partition("?")[2]
    if method == "PUT" and "partNumber=" in query:
        return "UploadPart"
    if method == "POST" and "uploads" in query.split("&"):
        return "CreateMultipartUpload"
    if method == "POST" and "uploadId=" in query:
        return "CompleteMultipartUpload"
    if method == "GET" and "uploadId=" in query:
        return "ListParts"
    if method == "DELETE" and "uploadId=" in query:
        return "AbortMultipartUpload"
    return {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject",
            "DELETE": "DeleteObject", "POST": "Post"}.get(method, method)


@dataclass
class Fault:
    """Misbehave on the next ``count`` requests whose operation is ``op`` ("*": any)."""

    op: str
    action: str  # "500" | "503" | "drop" | "delay"
    count: int
    delay: float = 0.0
    match: str = ""  # only requests whose path contains this


_ERROR_BODY = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code>"
               "<Message>injected by the test proxy</Message></Error>")
_HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
                "upgrade", "trailer"}


class FaultProxy:
    """HTTP/1.1 proxy on 127.0.0.1 in front of ``upstream``; faults come from a bounded list.

    Requests are forwarded unchanged, Host header included, so SigV4 signatures made for the
    proxy's address still verify upstream. ``seen`` counts requests by operation and
    ``injected`` counts the faults actually served.
    """

    def __init__(self, upstream_url: str) -> None:
        host, _, port = upstream_url.split("//", 1)[1].rstrip("/").partition(":")
        self.upstream = (host, int(port or 80))
        self.faults: list[Fault] = []
        self.seen: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self.headers: list[tuple[str, dict[str, str]]] = []  # (operation, lower-case headers)
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # clients hang up on purpose
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def inject(self, op: str, action: str, count: int, delay: float = 0.0,
               match: str = "") -> None:
        with self.lock:
            self.faults.append(Fault(op, action, count, delay, match))

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()
            self.seen.clear()
            self.injected.clear()
            self.headers.clear()

    def pick_fault(self, op: str, path: str, headers: dict[str, str]) -> Fault | None:
        with self.lock:
            self.seen[op] += 1
            self.headers.append((op, headers))
            for fault in self.faults:
                if fault.count > 0 and fault.op in (op, "*") and fault.match in path:
                    fault.count -= 1
                    self.injected[f"{op}:{fault.action}"] += 1
                    return fault
        return None

    def _handler_class(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                body = self._read_body()
                headers = {k.lower(): v for k, v in self.headers.items()}
                fault = proxy.pick_fault(s3_operation(self.command, self.path), self.path,
                                         headers)
                if fault and fault.action == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault and fault.action in ("500", "503"):
                    code = "InternalError" if fault.action == "500" else "SlowDown"
                    self._reply(int(fault.action), {"Content-Type": "application/xml"},
                                _ERROR_BODY.format(code=code).encode())
                    return
                if fault and fault.action == "delay":
                    time.sleep(fault.delay)
                self._forward(body)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

            def _read_body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _forward(self, body: bytes) -> None:
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items()
                               if k.lower() not in _HOP_HEADERS}
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    out = {k: v for k, v in resp.getheaders() if k.lower() not in _HOP_HEADERS}
                    self._reply(resp.status, out, data, head=self.command == "HEAD")
                finally:
                    conn.close()

            def _reply(self, status: int, headers: dict, data: bytes, head: bool = False):
                self.send_response_only(status)
                for k, v in headers.items():
                    if k.lower() != "content-length":
                        self.send_header(k, v)
                length = headers.get("Content-Length") or headers.get("content-length")
                self.send_header("Content-Length", length if head and length else str(len(data)))
                self.end_headers()
                if not head:
                    self.wfile.write(data)

        return Handler
