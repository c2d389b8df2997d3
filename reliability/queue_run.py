"""Queue run: two Odoo servers on one database ("two machines"), each with its HTTP workers and
``server_wide_modules = web,queue_job``, the first one running queue_job's job runner, which
dispatches the jobs through a round-robin proxy (the load balancer) to both. The fetch job lists and
acknowledges ``--orders`` new Taiwan orders and queues one job per page; while the first page job
runs, its HTTP worker process is killed with SIGKILL. queue_job requeues the job, which completes;
every order is imported once. Then every delivery is validated and the push jobs send each tracking
number once. Prints the import's orders per second.

Usage: python3 -m reliability.queue_run --conf odoo.conf --db DB [--orders 2000] [--workers 2]
  (the database has ec_coupang installed; the run installs ec_coupang_queue_job into it)
"""

import argparse
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench import harness

from . import common

PAGE = 50
JOB_TIMEOUT = 1200  # seconds for every job of a stage to end; a stuck run fails instead of hanging
POLL = 0.1
# A started page job is killed once it ran this long: inside its page, before its commit.
KILL_AFTER = 1.0


def main():
    install_queue_addon()
    with common.started(__doc__, "Queue run", add_arguments) as run, balancer() as proxy:
        with servers(run.args, proxy):
            problems, proved = import_and_push(run)
    return common.verdict("queue run", problems, proved)


def import_and_push(run):
    with harness.environment(run.registry) as env:
        env["ec.fetch.schedule"]._cron_fetch_orders(run.schedule_id)  # queues the fetch job
    start = time.monotonic()
    killed = kill_first_page_job(run)
    problems = wait_for_jobs(run)
    seconds = time.monotonic() - start
    with harness.environment(run.registry) as env:
        problems += common.imported_once_problems(env, run)
        problems += killed_job_problems(env, killed)
        pages = env["queue.job"].search_count([("method_name", "=", "_ec_job_import_page")])
        if pages < math.ceil(len(run.orders) / PAGE):
            problems.append(f"{pages} page jobs for {len(run.orders)} orders")
        orders = harness.account_orders(env["ec.account"].browse(run.account_id))
        picking_ids = harness.ship_orders(orders).ids
    with harness.environment(run.registry) as env:
        env["ec.tracking.push"]._cron_push_tracking()
    problems += wait_for_jobs(run)
    problems += common.pushed_once_problems(run, picking_ids)
    rate = len(run.orders) / seconds
    print(
        f"queue run: {len(run.orders)} orders imported in {seconds:.1f} s by {run.args.servers} servers x "
        f"{run.args.workers} HTTP workers: {rate:.1f} orders/s"
    )
    proved = (
        f"{len(run.orders)} orders in {pages} page jobs on {run.args.servers} servers, a worker killed inside page job "
        f"{killed['uuid'][:8]} (requeued, done after {killed['retry']} retries): every order imported once, "
        f"every tracking number pushed once; {rate:.1f} orders/s"
    )
    return problems, proved


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
    """The running servers: their ports, and which one a worker process belongs to."""

    def __init__(self, ports, processes):
        self.ports = ports
        self.processes = processes

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
        yield Servers(ports, processes)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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


def kill_first_page_job(run):
    """SIGKILLs the HTTP worker process of the first page job once it ran KILL_AFTER inside its page;
    returns the job's uuid and worker pid."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        started = query(
            run,
            """SELECT uuid, worker_pid FROM queue_job
                WHERE method_name = '_ec_job_import_page' AND state = 'started'
                  AND worker_pid IS NOT NULL AND date_started < (now() AT TIME ZONE 'utc') - %s * interval '1 s'
                ORDER BY date_started LIMIT 1""",
            [KILL_AFTER],
        )
        if started:
            uuid, pid = started[0]
            os.kill(pid, signal.SIGKILL)
            return {"uuid": uuid, "pid": pid, "retry": None}
        time.sleep(POLL)
    raise RuntimeError("no page job started")


def wait_for_jobs(run):
    """Waits until no job is pending, queued or running; returns the problems (failed jobs, time out).
    ``run``: anything with the database's ``registry``."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        states = dict(query(run, "SELECT state, count(*) FROM queue_job GROUP BY state"))
        if not set(states) - {"done", "failed"}:
            break
        time.sleep(0.5)
    else:
        return [f"jobs still not done after {JOB_TIMEOUT} s: {states}"]
    failed = query(run, "SELECT name, exc_message FROM queue_job WHERE state = 'failed' LIMIT 3")
    return [f"job failed: {name}: {message}" for name, message in failed]


def killed_job_problems(env, killed):
    job = env["queue.job"].search([("uuid", "=", killed["uuid"])])
    killed["retry"] = job.retry
    if job.state != "done" or not job.retry:
        return [f"the killed job {killed['uuid']} is {job.state} after {job.retry} retries, not requeued and done"]
    return []


def query(run, sql, params=None):
    with run.registry.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


if __name__ == "__main__":
    common.run(main)
