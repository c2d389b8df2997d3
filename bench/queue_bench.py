"""Orders per second of the import: the cron path (the fetch schedule's run, in this process, committing
page by page) against ec_coupang_queue_job's page jobs with 1 and with 2 job workers (one prefork
Odoo server, ``--workers`` 1 or 2, its job runner), in the same run, on the same database and sandbox
(Coupang's 10 calls per second per vendor enforced). Each measurement imports ``--orders`` new
Taiwan orders of 1-3 items; the clock runs from the fetch's start (the job queued) until every order
is a confirmed sale order (every job done). Beside the wall time, the CPU time of the measurement:
this process (the sandbox, the proxy and the cron path's import), the Odoo servers' processes (HTTP
workers, the job runner) and PostgreSQL's. After each job path, its job timeline: how long one job
ran alone at the start (the serial head: until two jobs first run at once) and at the end (the
serial tail), as shares of the run, and per slice of the run how many jobs of each kind ran.

Usage: python3 -m bench.queue_bench --conf odoo.conf --db DB [--orders 2000]
  (the database has ec_coupang installed; the benchmark installs ec_coupang_queue_job into it)
Exit status: non-zero only when a measurement fails (an error or a wrong result), never for slowness.
"""

import argparse
import math
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from coupang_sandbox import CoupangSandbox
from testbed import harness
from testbed.servers import balancer, install_queue_addon, query, servers, tree_cpu_seconds, wait_for_jobs

RATE_LIMIT = 10
# The job runner starts 5 s after its server; the clock starts once it surely runs.
RUNNER_START = 8
# The jobs' kinds in the timeline, by method.
KINDS = {"_ec_job_fetch_orders": "fetch", "_ec_job_import_page": "page", "_ec_job_reserve": "reserve"}
# The timeline's width in slices at most.
TIMELINE_SLICES = 60


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--logfile")
    args = parser.parse_args()
    install_queue_addon()
    registry = harness.open_registry(args.conf, args.db, log_level="critical", logfile=args.logfile)
    sandbox = CoupangSandbox(seed=1, tw_orders=0, kr_orders=0, rate_limit=RATE_LIMIT)
    with sandbox:
        with harness.environment(registry) as env:
            harness.prepare_database(env)
            account, schedule = harness.create_account(env, sandbox, "Queue benchmark")
        bench = SimpleNamespace(
            args=args,
            registry=registry,
            sandbox=sandbox,
            account_id=account.id,
            schedule_id=schedule.id,
            postmaster_pid=postmaster_pid(registry),
        )
        results = [("cron", measure_cron(bench))]
        for workers in (1, 2):
            results.append((f"{workers} job worker{'s' * (workers > 1)}", measure_jobs(bench, workers)))
    print_table(args.orders, results)
    for name, result in results[1:]:
        print_timeline(name, result["timeline"])
    return 0


def postmaster_pid(registry):
    """The PostgreSQL server's main process: the parent of this connection's backend."""
    with registry.cursor() as cr:
        cr.execute("SELECT pg_backend_pid()")
        backend = cr.fetchone()[0]
    return int(Path(f"/proc/{backend}/stat").read_text().rpartition(")")[2].split()[1])


def measure_cron(bench):
    def fetch():
        with harness.environment(bench.registry) as env:
            account = env["ec.account"].browse(bench.account_id)
            schedule = env["ec.fetch.schedule"].browse(bench.schedule_id)
            from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun  # noqa: PLC0415 - needs Odoo's addons path

            account._fetch_orders(schedule, CoupangRun.for_cron(account))  # what the cron path runs

    return measured(bench, fetch)


def measure_jobs(bench, workers):
    args = SimpleNamespace(**vars(bench.args), servers=1, workers=workers, fetch_capacity=workers)

    def fetch():
        with harness.environment(bench.registry) as env:
            env["ec.fetch.schedule"]._cron_fetch_orders(bench.schedule_id)  # queues the fetch job
        problems = wait_for_jobs(bench)
        if problems:
            raise RuntimeError("; ".join(problems))

    with balancer() as proxy, servers(args, proxy) as running:
        time.sleep(RUNNER_START)
        (last_job,) = query(bench, "SELECT coalesce(max(id), 0) FROM queue_job")[0]
        result = measured(bench, fetch, running.cpu_seconds)
        result["timeline"] = job_timeline(bench, last_job)
        problems = running.gevent.problems()
        if problems:
            raise RuntimeError("; ".join(problems))
        return result


def measured(bench, fetch, servers_cpu=lambda: 0.0):
    """Wall and CPU seconds ``fetch()`` takes to import new orders (CPU: this process, ``servers_cpu()``
    and PostgreSQL); checks each order became one sale order, then ships them on Coupang so that the
    next measurement's lists hold only its own orders."""
    orders = bench.sandbox.generate_orders(bench.args.orders, "TW")
    with harness.environment(bench.registry) as env:
        # The sandbox's orders spread over the last days: each fetch reads them all, as the first does.
        env["ec.account"].browse(bench.account_id).last_fetch_watermark = False

    def cpu():
        # The sandbox stands for Coupang's servers: its CPU time is not the flow's.
        return time.process_time() - bench.sandbox.cpu_seconds + servers_cpu() + tree_cpu_seconds(bench.postmaster_pid)

    start_cpu = cpu()
    start = time.monotonic()
    fetch()
    seconds = time.monotonic() - start
    cpu_seconds = cpu() - start_cpu
    with harness.environment(bench.registry) as env:
        counts = harness.box_counts(env, bench.account_id)
    wrong = [order.shipment_box_id for order in orders if counts.get(str(order.shipment_box_id)) != 1]
    if wrong:
        raise RuntimeError(f"{len(wrong)} of {len(orders)} orders not imported exactly once")
    with bench.sandbox.store.lock:
        for order in orders:
            order.status = "DEPARTURE"
    return {"seconds": seconds, "cpu_seconds": cpu_seconds}


# === the job timeline === #


def job_timeline(bench, after_id):
    """The jobs queued after the job ``after_id``: ``jobs``, (kind, started, done) in seconds from the
    first one's queueing (the last try of each), and ``retried``, how many were tried again (a
    serialization failure, a worker that died)."""
    rows = query(
        bench,
        """SELECT method_name, date_created, date_started, date_done, retry FROM queue_job
            WHERE id > %s AND date_started IS NOT NULL AND date_done IS NOT NULL ORDER BY date_started""",
        [after_id],
    )
    if not rows:
        return {"jobs": [], "retried": 0}
    origin = min(row[1] for row in rows)
    jobs = [
        (KINDS.get(method, method), (started - origin).total_seconds(), (done - origin).total_seconds())
        for method, _created, started, done, _retry in rows
    ]
    return {"jobs": jobs, "retried": sum(row[4] > 1 for row in rows)}  # queue_job counts the first try


def serial_parts(jobs):
    """(head, tail, span) in seconds: from the run's start until two jobs first run at once, from the
    last moment two jobs ran at once until the last job's end, and the whole run."""
    span = max(done for _kind, _started, done in jobs)
    events = sorted([(started, 1) for _kind, started, _done in jobs] + [(done, -1) for _kind, _started, done in jobs])
    running, together = 0, []
    for moment, change in events:
        if running >= 2:
            together.append(moment)  # the end of a stretch with two jobs or more at once
        running += change
        if running >= 2:
            together.append(moment)
    if not together:
        return span, span, span
    return together[0], span - together[-1], span


def print_timeline(name, timeline):
    jobs = timeline["jobs"]
    if not jobs:
        print(f"\njob timeline, {name}: no job")
        return
    head, tail, span = serial_parts(jobs)
    busy = sum(done - started for _kind, started, done in jobs)
    counts = {kind: sum(job[0] == kind for job in jobs) for kind in dict.fromkeys(job[0] for job in jobs)}
    print(
        f"\njob timeline, {name}: {span:.1f} s from the fetch job queued to the last job done; "
        + ", ".join(f"{count} {kind}" for kind, count in counts.items())
        + f" jobs ({timeline['retried']} tried again); {busy:.1f} s of jobs ({busy / span:.2f} running on average)"
    )
    print(f"serial head {head:.1f} s ({head / span:.0%}), serial tail {tail:.1f} s ({tail / span:.0%})")
    slice_seconds = max(1, math.ceil(span / TIMELINE_SLICES))
    slices = math.ceil(span / slice_seconds)
    print(f"jobs running per {slice_seconds} s (a digit: jobs of that kind on average in the slice, rounded up)")
    for kind in counts:
        row = []
        for index in range(slices):
            low, high = index * slice_seconds, (index + 1) * slice_seconds
            overlap = sum(max(0.0, min(done, high) - max(started, low)) for k, started, done in jobs if k == kind)
            row.append(str(math.ceil(overlap / slice_seconds - 1e-9)) if overlap else ".")
        print(f"  {kind:>8} {''.join(row)}")
    moments = [index * slice_seconds for index in range(slices)]
    ticks = [str(moment // 10 % 10) if moment % 10 == 0 else " " for moment in moments]
    print(f"  {'tens of s':>8} {''.join(ticks)}")


def print_table(count, results):
    cron = results[0][1]
    print(f"\nimport of {count} new orders (per 50: 3 Coupang calls, at most {RATE_LIMIT} calls per second)")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(
        "| path | wall | CPU | orders/s | wall against the cron path | CPU against the cron path |\n"
        "|---|---:|---:|---:|---:|---:|"
    )
    for name, result in results:
        seconds, cpu_seconds = result["seconds"], result["cpu_seconds"]
        print(
            f"| {name} | {seconds:.1f} s | {cpu_seconds:.1f} s | {count / seconds:.1f} | "
            f"{cron['seconds'] / seconds:.2f} | {cpu_seconds / cron['cpu_seconds']:.2f} |"
        )
    if len(results) == 3:
        one, two = results[1][1], results[2][1]
        print(
            f"2 job workers against 1: {one['seconds'] / two['seconds']:.2f}x faster (wall), "
            f"{two['cpu_seconds'] / one['cpu_seconds']:.2f}x the CPU time"
        )
    print(
        "  CPU: seconds of this process (the proxy, the cron path; not the sandbox's, which stands for Coupang), "
        "the Odoo servers' processes "
        "and PostgreSQL's, which other work on the machine does not add to"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
