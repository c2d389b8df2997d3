"""Fault run: Coupang fails 20% of the calls at random, and still every order is imported exactly once
and every tracking number reaches Coupang exactly once.

The sandbox answers one call in five with a 429, a 500 or 503, a reset connection, a page that is
not JSON, a JSON body cut in half, or an answer later than the client's read timeout (the sandbox
still carries that call out, as Coupang would). On top, the first acknowledgements and invoice
uploads meet each of these for sure: answer cut off, answer too late, 500, reset. The client keeps
its retries, without pauses.

Fetch runs repeat under the faults, then the faults stop and one more fetch runs. Then the
deliveries are validated with tracking numbers in waves; after each wave the push scheduled action
runs under the faults until nothing is due (or ten times); at the end it runs once more without
faults.

Usage: python3 -m reliability.fault_run --conf odoo.conf --db DB [--orders 60]
"""

from collections import Counter

from testbed import harness

from . import common

FAULT_RATE = 0.2
FAULTS = ("429", "500", "503", "reset", "malformed", "truncated", "delay")
# Besides the random ones, each write meets these first: its answer lost after Coupang carried it
# out (cut off, or later than the read timeout), or refused before (500, connection reset).
WRITE_FAULTS = (("truncated", {}), ("delay", {"seconds": 1.0}), ("status", {"status": 500}), ("reset", {}))
FAULTY_FETCHES = 4
PUSH_WAVES = 6
MAX_FAULTY_PUSHES = 10


def main():
    with common.started(__doc__, "Fault run") as run, harness.fast_client():
        faults = count_faults(run.sandbox)
        problems = []
        start_faults(run, seed=run.args.seed, write_endpoint="acknowledge")
        fetch_states = []
        for _fetch in range(FAULTY_FETCHES):
            fetch_states.append(fetch(run))
            doubled = doubled_boxes(run)
            if doubled:
                problems.append(f"after fetch {len(fetch_states)} under faults, boxes imported twice: {doubled[:5]}")
        fetch_faults = faults.total()
        run.sandbox.clear_faults()
        last_state = fetch(run)
        with harness.environment(run.registry) as env:
            account = env["ec.account"].browse(run.account_id)
            problems += common.imported_once_problems(env, run)
            if last_state != "done":
                problems.append(f"the fetch after the faults ended {last_state}: {account.last_fetch_summary}")
            order_ids = harness.account_orders(account).ids

        # The warehouse ships in waves; each wave's tracking numbers go out under the faults.
        start_faults(run, seed=run.args.seed + 1, write_endpoint="upload_invoices")
        picking_ids, pushes, waves = [], 0, 0
        wave = max(1, len(order_ids) // PUSH_WAVES)
        for start in range(0, len(order_ids), wave):
            waves += 1
            with harness.environment(run.registry) as env:
                picking_ids += harness.ship_orders(env["sale.order"].browse(order_ids[start : start + wave])).ids
            for _push in range(MAX_FAULTY_PUSHES):
                if not pending_pushes(run, picking_ids):
                    break
                push(run, picking_ids)
                pushes += 1
        push_faults = faults.total() - fetch_faults
        run.sandbox.clear_faults()
        push(run, picking_ids)
        problems += common.pushed_once_problems(run, picking_ids)
    proved = (
        f"{len(run.orders)} orders; {faults.total()} faults injected in {len(run.sandbox.requests)} calls "
        f"({dict(faults)}); {len(fetch_states)} fetch runs under {fetch_faults} faults ended "
        f"{dict(Counter(fetch_states))}, then a clean run: every box acknowledged once and imported once; "
        f"{len(picking_ids)} deliveries validated in {waves} waves, {pushes} push runs under {push_faults} "
        "faults, then one more: each box got exactly one successful invoice upload, with its tracking number"
    )
    return common.verdict("fault run", problems, proved)


def start_faults(run, seed, write_endpoint):
    run.sandbox.enable_random_faults(FAULT_RATE, seed=seed, names=FAULTS)
    for kind, options in WRITE_FAULTS:
        run.sandbox.inject(write_endpoint, kind, **options)


def count_faults(sandbox):
    """Counts the faults the sandbox injects, by kind."""
    counts = Counter()
    book = sandbox.faults
    take = book.take

    def counted_take(route_name, path):
        fault = take(route_name, path)
        if fault:
            counts[fault.kind if fault.kind != "status" else str(fault.status)] += 1
        return fault

    book.take = counted_take
    return counts


def fetch(run):
    """One run of the slot's cron method, as the scheduler runs it; returns its fetch log's state."""
    with harness.environment(run.registry) as env:
        env["ec.fetch.schedule"]._cron_fetch_orders(run.schedule_id)
    with harness.environment(run.registry) as env:
        return env["ec.fetch.log"].search([("account_id", "=", run.account_id)], limit=1).state


def doubled_boxes(run):
    with harness.environment(run.registry) as env:
        counts = harness.box_counts(env, run.account_id)
    return [box for box, count in counts.items() if count > 1]


def pending_pushes(run, picking_ids):
    with harness.environment(run.registry) as env:
        return env["ec.tracking.push"].search_count([("picking_id", "in", picking_ids), ("state", "=", "pending")])


def push(run, picking_ids):
    """One run of the push scheduled action, once the pauses between failed attempts have passed."""
    with harness.environment(run.registry) as env:
        pending = env["ec.tracking.push"].search([("picking_id", "in", picking_ids), ("state", "=", "pending")])
        pending.write({"next_attempt_at": False})
    with harness.environment(run.registry) as env:
        harness.run_push_cron(env)


if __name__ == "__main__":
    common.run(main)
