"""Many stores on one fetch slot: ``--stores`` EC accounts, each the store of its own Coupang vendor
(the sandbox answers 429 above Coupang's 10 calls per second per vendor), all on the same daily fetch
time, so one ``ec.fetch.schedule`` fetches them all; each has ``--orders`` new Taiwan orders of 1-3
items. Two modes, each in a process of its own, on the same database:

- cron: the slot's cron method, run once in that process: it fetches the accounts one after another;
- queue: ec_coupang_queue_job installed, one prefork Odoo server with 2 workers and its job runner;
  the slot's cron method queues one fetch job per account, the jobs import the pages and reserve the
  stock; the clock stops once every job is done (or failed, or the deadline passed: an error).

For each mode: the time to import all orders (wall; CPU of the Odoo processes, with the in-process
sandbox, and of PostgreSQL), each store's wait from the slot's start to the commit of its last sale
order (PostgreSQL's commit time of the transaction that created it: the database runs with
``track_commit_timestamp``), the 429s, and a check that every order became exactly one sale order.

Usage: python3 -m bench.stores_bench --conf odoo.conf --db DB [--stores 50] [--orders 40]
  [--postmaster-pid PID] [--deadline 1800]   (the database has ec_coupang installed; the queue mode
  installs ec_coupang_queue_job into it)
Exit status: non-zero only when a measurement fails (an error or a wrong result), never for slowness.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from types import SimpleNamespace

from bench.bench_flow import print_table
from coupang_sandbox import CoupangSandbox
from testbed import harness
from testbed.servers import balancer, install_queue_addon, servers, wait_for_jobs

RATE_LIMIT = 10  # calls per second per vendor above which the sandbox answers 429, as Coupang documents
WORKERS = 2
# The job runner starts 5 s after its server; the clock starts once it surely runs.
RUNNER_START = 8
MODES = {"cron": "cron (the slot's cron, one process)", "queue": f"queue ({WORKERS} job workers)"}
COMMITS = "bench_sale_order_commit"  # one row per new sale order, written in the transaction creating it
RECORD_COMMITS = f"""
CREATE TABLE IF NOT EXISTS {COMMITS} (sale_order_id integer, ec_account_id integer);
CREATE OR REPLACE FUNCTION {COMMITS}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {COMMITS} VALUES (NEW.id, NEW.ec_account_id);
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {COMMITS} ON sale_order;
CREATE TRIGGER {COMMITS} AFTER INSERT ON sale_order FOR EACH ROW EXECUTE FUNCTION {COMMITS}();
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--postmaster-pid", type=int, help="count the CPU time of this PostgreSQL server too")
    parser.add_argument("--deadline", type=int, default=1800, help="seconds the queue's jobs may take")
    parser.add_argument("--logfile")
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(measure(args)))
        return 0
    results = {}
    for mode, label in MODES.items():
        if mode == "queue":
            print("installing ec_coupang_queue_job ...", flush=True)
            install_queue_addon()
        print(f"{label}: {args.stores} stores, {args.orders} new orders each ...", flush=True)
        command = [sys.executable, "-m", "bench.stores_bench", *sys.argv[1:], "--mode", mode]
        completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
        if completed.returncode:
            raise SystemExit(f"the {mode} measurement failed (exit {completed.returncode})")
        results[mode] = json.loads(completed.stdout.strip().splitlines()[-1])
    print_report(args, results)
    return 0


# === one mode, in its own process === #


def measure(args):
    registry = harness.open_registry(args.conf, args.db, log_level="critical", logfile=args.logfile)
    # Each mode its own orders (another seed): the other mode's are imported already.
    seed = list(MODES).index(args.mode)
    sandbox = CoupangSandbox(seed=seed, tw_orders=0, kr_orders=0, rate_limit=RATE_LIMIT)
    vendors = [
        sandbox.add_vendor(f"A{70000000 + index}", f"bench-access-{index}", f"bench-secret-{index}", places=True)
        for index in range(args.stores)
    ]
    with sandbox:
        stores = open_stores(registry, sandbox, vendors)
        orders = {
            account_id: sandbox.generate_orders(args.orders, "TW", vendor_id=vendor.vendor_id)
            for account_id, vendor in zip(stores.account_ids, vendors, strict=True)
        }
        run = SimpleNamespace(args=args, registry=registry, stores=stores, sandbox=sandbox)
        result = fetch_by_cron(run) if args.mode == "cron" else fetch_by_jobs(run)
        result["rate_limited"] = sandbox.rate_limited_count
        with harness.environment(registry) as env:
            result["sale_orders"] = check_imported(env, orders)
            result["waits"] = waits(env, stores.account_ids, result.pop("start"))
            for account in env["ec.account"].browse(stores.account_ids):
                harness.stop_fetching(env, account)
    return result


def open_stores(registry, sandbox, vendors):
    """The stores' accounts, all fetching at the same time: (their ids, the one schedule)."""
    with harness.environment(registry) as env:
        harness.prepare_database(env)
        env.cr.execute(RECORD_COMMITS)
        accounts = [
            harness.create_account(env, sandbox, f"Store {index + 1}", vendor=vendor)
            for index, vendor in enumerate(vendors)
        ]
        schedules = {schedule.id for _account, schedule in accounts}
        if len(schedules) != 1:
            raise RuntimeError(f"the stores are on {len(schedules)} fetch schedules, not one")
        return SimpleNamespace(account_ids=[account.id for account, _schedule in accounts], schedule_id=schedules.pop())


def fetch_by_cron(run):
    with harness.measured(run.args.postmaster_pid, sandbox=run.sandbox) as result:
        result["start"] = time.time()
        with harness.environment(run.registry) as env:
            env["ec.fetch.schedule"]._cron_fetch_orders(run.stores.schedule_id)
    return result


def fetch_by_jobs(run):
    options = SimpleNamespace(**vars(run.args), servers=1, workers=WORKERS, fetch_capacity=WORKERS)
    with balancer() as proxy, servers(options, proxy) as started:
        time.sleep(RUNNER_START)
        server_pids = [process.pid for process in started.processes]
        with harness.measured(run.args.postmaster_pid, server_pids, run.sandbox) as result:
            result["start"] = time.time()
            with harness.environment(run.registry) as env:
                env["ec.fetch.schedule"]._cron_fetch_orders(run.stores.schedule_id)  # one fetch job per account
            problems = wait_for_jobs(run, timeout=run.args.deadline)
    if problems:
        raise RuntimeError("; ".join(problems))
    return result


def check_imported(env, orders):
    """Checks that every order of every store is exactly one sale order of its account; returns how
    many sale orders the stores' accounts have."""
    sale_orders = 0
    for account_id, account_orders in orders.items():
        counts = harness.box_counts(env, account_id)
        wrong = [order for order in account_orders if counts.get(str(order.shipment_box_id)) != 1]
        if wrong or sum(counts.values()) != len(account_orders):
            account = env["ec.account"].browse(account_id)
            raise RuntimeError(
                f"{account.name}: {len(wrong)} of {len(account_orders)} orders not imported exactly once, "
                f"{sum(counts.values())} sale orders: {account.last_fetch_summary}"
            )
        sale_orders += sum(counts.values())
    return sale_orders


def waits(env, account_ids, start):
    """Seconds from ``start`` (epoch) to the commit of each store's last new sale order, by store."""
    env.cr.execute(
        f"SELECT ec_account_id, extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) FROM {COMMITS} "
        "WHERE ec_account_id = ANY(%s) GROUP BY 1",
        [account_ids],
    )
    return [float(committed) - start for _account_id, committed in env.cr.fetchall()]


# === the report === #


def print_report(args, results):
    total = args.stores * args.orders
    rows = []
    for mode, label in MODES.items():
        result = results[mode]
        store_waits = result["waits"]
        rows.append(
            (label, total, result["sale_orders"], result["seconds"], result["cpu_seconds"], total / result["seconds"],
             max(store_waits), statistics.median(store_waits), min(store_waits), result["rate_limited"],
             result["load"])
        )  # fmt: skip
    print_table(
        f"{args.stores} stores on one fetch slot, {args.orders} new Taiwan orders each ({total} orders), each store\n"
        f"  its own vendor (the sandbox answers 429 above {RATE_LIMIT} calls/s per vendor)\n"
        "  sale orders: of the stores' accounts, each order exactly one (checked); wall: seconds from the slot's\n"
        "  start until its run (cron) or its last job (queue, stock reservations included) ended; cpu: CPU seconds\n"
        "  of the Odoo processes (with the in-process sandbox) and of PostgreSQL; wait: seconds from the slot's start\n"
        "  to the commit of a store's last sale order (the slowest store's: when all were imported; the median;\n"
        "  the fastest); 429: the sandbox's answers over the limit; load: highest 1-minute load average",
        STORES_HEADERS,
        rows,
    )


STORES_HEADERS = ("mode", "orders", "sale orders", "wall", "cpu", "orders/s", "slowest wait", "median wait",
                  "fastest wait", "429", "load")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
