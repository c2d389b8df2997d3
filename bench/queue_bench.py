"""Orders per second of the import: the cron path (the fetch schedule's run, in this process, committing
page by page) against ec_coupang_queue_job's page jobs with 1 and with 2 job workers (one prefork
Odoo server, ``--workers`` 1 or 2, its job runner), in the same run, on the same database and sandbox
(Coupang's 10 calls per second per vendor enforced). Each measurement imports ``--orders`` new
Taiwan orders of 1-3 items; the clock runs from the fetch's start (the job queued) until every order
is a confirmed sale order (every job done).

Usage: python3 -m bench.queue_bench --conf odoo.conf --db DB [--orders 400]
  (the database has ec_coupang installed; the benchmark installs ec_coupang_queue_job into it)
Exit status: non-zero only when a measurement fails (an error or a wrong result), never for slowness.
"""

import argparse
import sys
import time
from types import SimpleNamespace

from coupang_sandbox import CoupangSandbox
from testbed import harness
from testbed.servers import balancer, install_queue_addon, servers, wait_for_jobs

RATE_LIMIT = 10
# The job runner starts 5 s after its server; the clock starts once it surely runs.
RUNNER_START = 8


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--orders", type=int, default=400)
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
            args=args, registry=registry, sandbox=sandbox, account_id=account.id, schedule_id=schedule.id
        )
        results = [("cron", measure_cron(bench))]
        for workers in (1, 2):
            results.append((f"{workers} job worker{'s' * (workers > 1)}", measure_jobs(bench, workers)))
    print_table(args.orders, results)
    return 0


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

    with balancer() as proxy, servers(args, proxy):
        time.sleep(RUNNER_START)
        return measured(bench, fetch)


def measured(bench, fetch):
    """Seconds ``fetch()`` takes to import new orders; checks each became one sale order, then ships
    them on Coupang so that the next measurement's lists hold only its own orders."""
    orders = bench.sandbox.generate_orders(bench.args.orders, "TW")
    with harness.environment(bench.registry) as env:
        # The sandbox's orders spread over the last days: each fetch reads them all, as the first does.
        env["ec.account"].browse(bench.account_id).last_fetch_watermark = False
    start = time.monotonic()
    fetch()
    seconds = time.monotonic() - start
    with harness.environment(bench.registry) as env:
        counts = harness.box_counts(env, bench.account_id)
    wrong = [order.shipment_box_id for order in orders if counts.get(str(order.shipment_box_id)) != 1]
    if wrong:
        raise RuntimeError(f"{len(wrong)} of {len(orders)} orders not imported exactly once")
    with bench.sandbox.store.lock:
        for order in orders:
            order.status = "DEPARTURE"
    return seconds


def print_table(count, results):
    cron_seconds = results[0][1]
    print(f"\nimport of {count} new orders (per 50: 3 Coupang calls, at most {RATE_LIMIT} calls per second)")
    print("| path | wall | orders/s | against the cron path |\n|---|---:|---:|---:|")
    for name, seconds in results:
        print(f"| {name} | {seconds:.1f} s | {count / seconds:.1f} | {cron_seconds / seconds:.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
