"""Odoo servers started from a plain script, as a deployment runs them: prefork servers on one
database behind a round-robin proxy (the load balancer), the first one running queue_job's job
runner, and the wait for their jobs. Used by the benchmarks (bench/) and the reliability runs
(reliability/).
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

JOB_TIMEOUT = 1200  # seconds for every job of a stage to end; a stuck run fails instead of hanging


def add_arguments(parser):
    parser.add_argument("--servers", type=int, default=2, help="Odoo servers on the database")
    parser.add_argument("--workers", type=int, default=2, help="HTTP workers per server")
    parser.add_argument("--fetch-capacity", type=int, default=4, help="capacity of the root.coupang.fetch channel")


def install_queue_addon():
    """Installs ec_coupang_queue_job (and queue_job) into the run's database, before the run opens it."""
    parser = argparse.ArgumentParser(add_help=False)
    for option in ("--conf", "--db", "--logfile"):
        parser.add_argument(option)
    args, _others = parser.parse_known_args()
    subprocess.run(
        [*odoo_command(args.conf, args.db), "-i", "ec_coupang_queue_job", "--stop-after-init", "--log-level=warn"]
        + ([f"--logfile={args.logfile}"] if args.logfile else []),
        check=True,
    )


def odoo_command(conf, db):
    # The odoo script beside the Python where there is one: a prefork server starts its websocket
    # process with its own argv[0].
    odoo_bin = os.path.join(os.path.dirname(sys.executable), "odoo")
    if os.path.exists(odoo_bin):
        return [sys.executable, odoo_bin, "-c", conf, "-d", db]
    return [sys.executable, "-c", "import sys, odoo.cli; sys.argv[0] = 'odoo'; odoo.cli.main()", "-c", conf, "-d", db]


# === the two servers and their load balancer === #


@contextmanager
def balancer():
    """A round-robin TCP proxy on loopback, as a load balancer in front of the servers: yields it; its
    ``backends`` (ports) are set once the servers listen."""
    proxy = Proxy()
    thread = threading.Thread(target=proxy.serve, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.stop()


class Proxy:
    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.backends = []
        self._next = 0
        self._stopped = False

    def serve(self):
        while not self._stopped:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            backend = self.backends[self._next % len(self.backends)]
            self._next += 1
            threading.Thread(target=self._relay, args=(client, backend), daemon=True).start()

    def _relay(self, client, port):
        try:
            upstream = socket.create_connection(("127.0.0.1", port))
        except OSError:
            client.close()
            return
        for source, target in ((client, upstream), (upstream, client)):
            threading.Thread(target=pipe, args=(source, target), daemon=True).start()

    def stop(self):
        self._stopped = True
        self.listener.close()


def pipe(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Servers:
    """The running servers: their ports, which one a worker process belongs to, the CPU time of their
    processes, and their gevent processes (``gevent``)."""

    def __init__(self, ports, processes, gevent=None):
        self.ports = ports
        self.processes = processes
        self.gevent = gevent

    def cpu_seconds(self):
        """CPU time (user + system) used so far by the servers' processes: each server's own (with the
        job runner's thread) and its children's, living ones and those that ended (their parent waited
        for them)."""
        return sum(tree_cpu_seconds(process.pid) for process in self.processes)

    def server_of(self, pid):
        """The index of the server whose worker ``pid`` is (or was, while it lives), else None."""
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return None
        return next((index for index, process in enumerate(self.processes) if process.pid in (pid, parent)), None)


@contextmanager
def servers(args, proxy, environ=None):
    """Starts ``args.servers`` servers on ``args.db`` (prefork, ``args.workers`` HTTP workers each, no
    cron thread), with ``environ`` added to their environment; the first runs the job runner and sends
    the jobs to the proxy. Yields them (``Servers``); stops them at the end."""
    ports = [free_port() for _server in range(args.servers)]
    proxy.backends = ports
    capacity = args.servers * args.workers
    channels = f"root:{capacity},root.coupang.fetch:{args.fetch_capacity},root.coupang.reserve:1,root.coupang.push:1"
    processes = []
    try:
        for index, port in enumerate(ports):
            env = dict(os.environ, **(environ or {}))
            env.update(ODOO_QUEUE_JOB_CHANNELS=channels if index == 0 else "root:0")
            env.update(ODOO_QUEUE_JOB_HOST="127.0.0.1", ODOO_QUEUE_JOB_PORT=str(proxy.port))
            command = [
                *odoo_command(args.conf, args.db),
                f"--db-filter=^{args.db}$",
                "--load=base,web,queue_job",
                f"--workers={args.workers}",
                "--max-cron-threads=0",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                "--gevent-port=0",
                "--limit-time-real=900",
                "--limit-time-cpu=600",
                "--log-level=warn",
                "--log-handler=odoo.addons.queue_job:INFO",
                *([f"--logfile={args.logfile}"] if args.logfile else []),
            ]
            processes.append(subprocess.Popen(command, env=env))
        for port in ports:
            wait_for_port(port)
        with GeventWatch(processes) as gevent:
            yield Servers(ports, processes, gevent)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# === the servers' processes === #


def process_stat(pid):
    """The fields of /proc/<pid>/stat after the command's name (the state is the first), or None once
    the process ended."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace").rpartition(")")[2].split()
    except OSError:
        return None


def children(pid):
    """The pids of the living child processes of ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := process_stat(entry)) and fields[1] == str(pid):
            found.append(int(entry))
    return found


def tree_cpu_seconds(pid):
    """CPU seconds of the process ``pid`` and all its descendants: each living one's own time and that
    of its children which ended and were waited for."""
    fields = process_stat(pid)
    if not fields:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK") + sum(tree_cpu_seconds(child) for child in children(pid))


def is_gevent(pid):
    """Whether ``pid`` is a prefork server's gevent process (``odoo gevent ...``, the websocket server)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[2:3] == [b"gevent"]
    except OSError:
        return False


class GeventWatch:
    """Each server's gevent process while the servers run: a prefork server starts it once, at its
    start, and starts it again whenever it ends. One that cannot start (its imports fail) is started
    again and again, several times a second, with nothing but a traceback in the log: the process
    running at the end is then not the one that ran at the start (``problems()``). No polling meanwhile:
    the measurements' CPU time stays the servers' own."""

    START_TIMEOUT = 60

    def __init__(self, processes):
        self.processes = processes
        self.first = [None for _process in processes]  # each server's gevent pid at its start

    def __enter__(self):
        deadline = time.monotonic() + self.START_TIMEOUT
        while None in self.first and time.monotonic() < deadline:
            for index, process in enumerate(self.processes):
                self.first[index] = self.first[index] or next(iter(gevent_children(process.pid)), None)
            time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        return False

    def problems(self):
        """What went wrong with the servers' gevent processes so far: none started, or the one running
        now is not the one started with its server (it ended and was started again)."""
        problems = []
        for index, (process, first) in enumerate(zip(self.processes, self.first, strict=True)):
            running = gevent_children(process.pid)
            if first is None or running != [first]:
                problems.append(
                    f"server {index + 1}: its gevent process {first or '(none)'} started with the server is not "
                    f"the one running now ({', '.join(map(str, running)) or 'none'}): it ended and was started again"
                )
        return problems


def gevent_children(pid):
    return [child for child in children(pid) if is_gevent(child)]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no Odoo server listens on port {port}")


# === the jobs === #


def wait_for_jobs(run, timeout=JOB_TIMEOUT):
    """Waits until no job is pending, queued or running; returns the problems (failed jobs, time out
    after ``timeout`` seconds). ``run``: anything with the database's ``registry``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = dict(query(run, "SELECT state, count(*) FROM queue_job GROUP BY state"))
        if not set(states) - {"done", "failed"}:
            break
        time.sleep(0.5)
    else:
        return [f"jobs still not done after {timeout} s: {states}"]
    failed = query(run, "SELECT name, exc_message FROM queue_job WHERE state = 'failed' LIMIT 3")
    return [f"job failed: {name}: {message}" for name, message in failed]


def query(run, sql, params=None):
    with run.registry.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()
