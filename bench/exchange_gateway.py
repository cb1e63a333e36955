"""The exchange gateway under real HTTP load: a provider called directly vs through the gateway.

Three kinds of process on loopback, side by side in one run:

* a **provider** — a minimal, fast HTTP server (``bench/_exchange_provider.py``: a raw ASGI app
  under uvicorn with uvloop and httptools) answering ``GET /persons/<citizen id>`` with a small
  JSON record, standing in for an agency's own REST server;
* the **gateway** — ddgov itself, ``uvicorn ddgov.asgi:application`` with ``BENCH_WORKERS``
  worker processes, on a throw-away database (SQLite in a temporary folder, or a throw-away
  PostgreSQL database), with the message log on: every call is signed, hash-chained and
  written. ``bench/_exchange_setup.py`` registers, through the exchange's services, the
  provider as an *external* service (personal data, the citizen ID as the subject), a consumer
  subsystem, a purpose, a grant and an OAuth2 client; the token comes from ``POST /o/token/``;
* a **load generator** — ``wrk`` when it is on PATH (Debian package ``wrk``; a Lua script sets
  the exchange's headers and rotates 200 citizen IDs), else the asyncio generator in
  ``bench/_exchange_load.py`` in its own process. Both keep connections alive and run a closed
  loop (each connection waits for its answer before the next request).

Phases, each ``BENCH_SECONDS`` long after a one-second warm-up, taking turns direct and through
the gateway: **latency** at concurrency 1 (p50/p90/p99; the gateway's *added p50* is the
difference) and **throughput** at ``BENCH_CONCURRENCY`` connections (requests/s, the ratio to
direct, errors — any answer >= 400 or socket error — which must be 0). Afterwards the gateway
is stopped (its log writer flushes), the message records are counted against the calls the
load generator saw answered, and the whole log is verified (``messagelog_verify``). The CPU
each process tree used during the throughput phases is printed, since all share the 2 cores.

Goals (issue #6): >= 1,000 requests/s through the gateway and <= 3 ms added p50 latency.

Options (after ``python -m bench exchange-gateway``) or environment variables:
``--seconds N`` (``BENCH_SECONDS``, 10), ``--concurrency N`` (``BENCH_CONCURRENCY``, 32),
``--workers N[,N]`` (``BENCH_WORKERS``, 2, which on 2 cores mostly beat 1; a list such as
``1,2`` measures each),
``--tool auto|wrk|python`` (``BENCH_EXCHANGE_TOOL``, auto), ``--database sqlite|<postgres URL>``
(``BENCH_EXCHANGE_DATABASE``, sqlite; a PostgreSQL *server* URL such as
``postgres://postgres@127.0.0.1:5432`` gets a throw-away database created and dropped).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOAL_RPS = 1_000
GOAL_ADDED_P50_MS = 3.0
WARMUP_SECONDS = 1
PROJECT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = """
wrk.method = "GET"
{headers}
local paths = {{{paths}}}
local n = #paths
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[(i % n) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {{"requests": %d, "duration_us": %d, "socket_errors": %d, "status_errors": %d,'
    .. ' "p50": %.4f, "p90": %.4f, "p99": %.4f, "mean": %.4f, "max": %.4f}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000))
end
"""


# -- settings and processes ---------------------------------------------------------------------
def _option(name: str, env: str, default: str) -> str:
    flag = f"--{name}"
    if flag in sys.argv:
        return sys.argv[sys.argv.index(flag) + 1]
    return os.environ.get(env, default)


def _settings() -> dict[str, Any]:
    tool = _option("tool", "BENCH_EXCHANGE_TOOL", "auto")
    if tool not in {"auto", "wrk", "python"}:
        msg = f"unknown load tool {tool!r}: choose auto, wrk or python"
        raise SystemExit(msg)
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    elif tool == "wrk" and not shutil.which("wrk"):
        msg = "wrk is not on PATH (apt-get install wrk), or use --tool python"
        raise SystemExit(msg)
    return {
        "seconds": max(1, round(float(_option("seconds", "BENCH_SECONDS", "10")))),
        "concurrency": max(1, int(_option("concurrency", "BENCH_CONCURRENCY", "32"))),
        "workers": [
            max(1, int(w)) for w in _option("workers", "BENCH_WORKERS", "2").split(",") if w
        ],
        "tool": tool,
        "database": _option("database", "BENCH_EXCHANGE_DATABASE", "sqlite"),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _database(spec: str, work: Path) -> Iterator[tuple[str, str]]:
    """A throw-away database: ``(DATABASE_URL, description)``; PostgreSQL ones are dropped after."""
    if spec == "sqlite":
        yield f"sqlite:///{work}/gateway.sqlite3", "SQLite (WAL)"
        return
    import psycopg  # noqa: PLC0415

    name = f"ddgov_bench_exchange_{os.getpid()}"
    server = spec.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}", "PostgreSQL"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Server:
    """A server process we started, with its stderr in a file for when it fails."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """Ask it to stop (SIGINT: uvicorn shuts down gracefully, lifespan flushes the log)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self) -> str:
        """The last lines it wrote to stderr."""
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return "\n".join(lines[-15:])


def _start(name: str, args: list[str], env: dict[str, str], work: Path) -> Server:
    log = work / f"{name}.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(args, env=env, cwd=PROJECT, stdout=err, stderr=err)
    return Server(name, proc, log)


def _wait_ready(server: Server, port: int, path: str, timeout: float = 60.0) -> None:
    """Poll until the server answers anything over HTTP (or fail with its stderr)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            msg = f"{server.name} exited with {server.proc.returncode}:\n{server.tail()}"
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    msg = f"{server.name} did not answer within {timeout:.0f} s:\n{server.tail()}"
    raise RuntimeError(msg)


def _child(step: str, config: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench._exchange_setup", step, json.dumps(config)],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        msg = f"bench._exchange_setup {step} failed:\n{out.stderr[-3000:]}"
        raise RuntimeError(msg)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _token(port: int, client_id: str, client_secret: str) -> str:
    """A client-credentials access token from One ID's token endpoint."""
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/o/token/",
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        headers={
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return str(json.loads(answer.read())["access_token"])


def _probe(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """One call; its status and a short description of the answer."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, answer.read()[:300].decode(errors="replace")
    except urllib.error.HTTPError as exc:
        error = exc.headers.get("X-Road-Error", "")
        return exc.code, f"{error} {exc.read()[:300].decode(errors='replace')}"


# -- CPU accounting ------------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(root: int) -> float:
    """CPU seconds used so far by ``root`` and its descendants (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / _TICK
    total, frontier = 0.0, [root]
    while frontier:
        pid = frontier.pop()
        total += used.get(pid, 0.0)
        frontier.extend(child for child, parent in parents.items() if parent == pid)
    return total


# -- load ----------------------------------------------------------------------------------------
@dataclass
class Target:
    """Where the load goes: a port, the paths to rotate and the headers to send."""

    name: str
    port: int
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    watch: dict[str, int] = field(default_factory=dict)


def _lua(target: Target) -> str:
    headers = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in target.headers.items()
    )
    return WRK_SCRIPT.format(headers=headers, paths=", ".join(json.dumps(p) for p in target.paths))


def _run_tool(
    tool: str, target: Target, concurrency: int, seconds: int, work: Path
) -> dict[str, Any]:
    """Run the load tool once; its summary plus the CPU seconds it used."""
    out_path = work / "load.out"
    if tool == "wrk":
        script = work / f"{target.name}.lua"
        script.write_text(_lua(target))
        args = [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{target.port}",
        ]
    else:
        config = {
            "host": "127.0.0.1",
            "port": target.port,
            "paths": target.paths,
            "headers": target.headers,
            "concurrency": concurrency,
            "seconds": seconds,
        }
        args = [sys.executable, "-m", "bench._exchange_load", json.dumps(config)]
    with out_path.open("wb") as out:
        proc = subprocess.Popen(args, cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text(errors="replace")
    if proc.returncode != 0:
        msg = f"{tool} failed ({proc.returncode}):\n{text[-2000:]}"
        raise RuntimeError(msg)
    if tool == "wrk":
        line = next(x for x in text.splitlines() if x.startswith("WRKJSON "))
        raw = json.loads(line[len("WRKJSON ") :])
        result = {
            **{k: raw[k] for k in ("requests", "p50", "p90", "p99", "mean", "max")},
            "errors": raw["socket_errors"] + raw["status_errors"],
            "seconds": raw["duration_us"] / 1e6,
        }
        result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    else:
        result = json.loads(text.strip().splitlines()[-1])
    result["tool_cpu"] = usage.ru_utime + usage.ru_stime
    return result


def _measure(
    tool: str, target: Target, concurrency: int, seconds: int, work: Path
) -> dict[str, Any]:
    """Warm up for a second, then measure; count every answered request (for the log check)."""
    warm = _run_tool(tool, target, concurrency, WARMUP_SECONDS, work)
    before = {name: _tree_cpu(pid) for name, pid in target.watch.items()}
    started = time.monotonic()
    result = _run_tool(tool, target, concurrency, seconds, work)
    wall = time.monotonic() - started
    cpu = {name: (_tree_cpu(pid) - before[name]) / wall for name, pid in target.watch.items()}
    cpu["load tool"] = result["tool_cpu"] / wall
    result["cpu"] = cpu
    result["answered"] = warm["requests"] + result["requests"]
    return result


# -- report --------------------------------------------------------------------------------------
def _cell(r: dict[str, Any] | None, what: str) -> str:
    if r is None:
        return "-"
    if what == "pct":
        return f"{r['p50']:.2f} / {r['p90']:.2f} / {r['p99']:.2f}"
    if what == "rps":
        return f"{r['rps']:,.0f}"
    return f"{r[what]:,}"


def _report(config: dict[str, Any], runs: dict[str, dict[str, Any]], log: dict[str, Any]) -> None:
    names = list(runs)
    width = 26
    print(f"{'':26s}" + "".join(f"{n:>{width}s}" for n in names))
    rows = [
        ("c=1    p50 / p90 / p99 ms", "latency", "pct"),
        ("c=1    req/s", "latency", "rps"),
        (f"c={config['concurrency']:<4d}  req/s", "throughput", "rps"),
        (f"c={config['concurrency']:<4d}  p50 / p90 / p99 ms", "throughput", "pct"),
        ("errors (>= 400, socket)", None, "errors"),
    ]
    for label, phase, what in rows:
        cells = []
        for name in names:
            run = runs[name]
            if phase is None:
                lat, thr = run.get("latency"), run.get("throughput")
                cells.append(
                    "-" if lat is None or thr is None else f"{lat['errors'] + thr['errors']:,}"
                )
            else:
                cells.append(_cell(run.get(phase), what))
        print(f"{label:26s}" + "".join(f"{c:>{width}s}" for c in cells))
    for name in names:
        thr = runs[name].get("throughput")
        if thr:
            busy = ", ".join(f"{k} {v:.2f}" for k, v in thr["cpu"].items())
            print(f"  CPU cores busy at c={config['concurrency']}, {name}: {busy}")
    direct = runs["direct"]
    for name in names[1:]:
        run = runs[name]
        if run.get("error"):
            print(f"{name}: not measured: {run['error']}")
            continue
        added = run["latency"]["p50"] - direct["latency"]["p50"]
        rps = run["throughput"]["rps"]
        ratio = rps / direct["throughput"]["rps"] if direct["throughput"]["rps"] else 0.0
        errors = run["latency"]["errors"] + run["throughput"]["errors"]
        print(
            f"{name}: added p50 latency {added:.2f} ms (goal <= {GOAL_ADDED_P50_MS:g} ms) -> "
            f"{'meets' if added <= GOAL_ADDED_P50_MS else 'MISSES'}; "
            f"{rps:,.0f} req/s at c={config['concurrency']} ({ratio:.2f}x direct; goal >= "
            f"{GOAL_RPS:,}) -> {'meets' if rps >= GOAL_RPS and errors == 0 else 'MISSES'}"
            f"{'' if errors == 0 else f' ({errors} errors)'}"
        )
    if log:
        answered = log["answered"]
        logged = log["service_records"]
        slack = log["in_flight_bound"]
        complete = answered <= logged <= answered + slack
        print(
            f"message log: {logged:,} records for the {answered:,} gateway calls the load tool saw"
            f" answered (up to {slack} more may have been in flight at the phases' ends) -> "
            f"{'every call logged' if complete else 'CALLS MISSING FROM THE LOG'};"
            f" {log['streams']} stream(s); verify: {'OK' if log['ok'] else 'FAILED'}"
            f" ({log['describe']})"
        )


# -- run -----------------------------------------------------------------------------------------
def _tool_name(tool: str) -> str:
    if tool == "wrk":
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        first = (version.stdout or version.stderr).strip().splitlines()
        return f"{first[0].split(' [')[0] if first else 'wrk'} (1 thread, Lua headers)"
    return "Python asyncio generator (bench/_exchange_load.py, 1 process)"


def _gateway_run(
    *,
    config: dict[str, Any],
    workers: int,
    env: dict[str, str],
    work: Path,
    setup: dict[str, Any],
    provider: Server,
) -> dict[str, Any]:
    """Start the gateway with ``workers`` processes, measure both phases, stop it."""
    port = _free_port()
    gateway = _start(
        f"gateway-{workers}",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "ddgov.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--no-server-header",
            "--timeout-graceful-shutdown",
            "5",
        ],
        env,
        work,
    )
    result: dict[str, Any] = {"answered": 0, "in_flight": 0}
    try:
        _wait_ready(gateway, port, "/x/listClients")
        token = _token(port, setup["client_id"], setup["client_secret"])
        headers = {
            "Authorization": f"Bearer {token}",
            "X-Road-Client": setup["client"],
            "X-Purpose": setup["purpose"],
        }
        status, answer = _probe(port, setup["gateway_paths"][0], headers)
        result["answered"] += 1
        if status != 200:
            result["error"] = f"the gateway answered {status}: {answer}"
            return result
        target = Target(
            f"gateway-{workers}",
            port,
            setup["gateway_paths"],
            headers,
            {"provider": provider.proc.pid, "gateway": gateway.proc.pid},
        )
        for phase, concurrency in (("latency", 1), ("throughput", config["concurrency"])):
            result["in_flight"] += 2 * concurrency  # warm-up and measured run may each leave some
            result[phase] = _measure(config["tool"], target, concurrency, config["seconds"], work)
            result["answered"] += result[phase]["answered"]
    except RuntimeError as exc:
        result["error"] = str(exc).splitlines()[0]
        sys.stderr.write(f"{exc}\n")
    finally:
        gateway.stop()
    return result


def run() -> None:
    config = _settings()
    load1 = os.getloadavg()[0]
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ddgov-bench-gdx-")))
        database_url, database = stack.enter_context(_database(config["database"], work))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ddgov.settings",
            "DATABASE_URL": database_url,
            "DDGOV_VAR_DIR": str(work),
            "DDGOV_LAKE_DIR": str(work / "lake"),
            "DDGOV_DEBUG": "false",
            "DDGOV_EXCHANGE_NODE": "bench",
            "DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK": "true",
            "DDGOV_EXCHANGE_RATE_PER_MINUTE": "2000000000",
        }
        provider_port = _free_port()
        provider = _start(
            "provider",
            [sys.executable, "-m", "bench._exchange_provider", "--port", str(provider_port)],
            env,
            work,
        )
        stack.callback(provider.stop)
        _wait_ready(provider, provider_port, "/")
        setup = _child("setup", {"provider_url": f"http://127.0.0.1:{provider_port}/"}, env)
        print(
            f"provider: uvicorn + raw ASGI (1 process); gateway: uvicorn ddgov.asgi, message log on"
            f" ({database}); load: {_tool_name(config['tool'])}; {os.cpu_count()} cores,"
            f" load average {load1:.2f} at start; {config['seconds']} s per phase after 1 s warm-up",
            flush=True,
        )
        direct = Target(
            "direct", provider_port, setup["direct_paths"], {}, {"provider": provider.proc.pid}
        )
        runs: dict[str, dict[str, Any]] = {"direct": {}}
        for phase, concurrency in (("latency", 1), ("throughput", config["concurrency"])):
            runs["direct"][phase] = _measure(
                config["tool"], direct, concurrency, config["seconds"], work
            )
        answered = in_flight = 0
        for workers in config["workers"]:
            name = f"gateway ({workers} worker{'s' if workers > 1 else ''})"
            runs[name] = _gateway_run(
                config=config, workers=workers, env=env, work=work, setup=setup, provider=provider
            )
            answered += runs[name]["answered"]
            in_flight += runs[name]["in_flight"]
        log = _child("verify", {"service_id": setup["service_id"]}, env)
        log["answered"] = answered
        log["in_flight_bound"] = in_flight
        _report(config, runs, log)
