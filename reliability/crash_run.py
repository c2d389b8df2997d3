"""Crash run: the Odoo process importing orders is killed (SIGKILL) in the middle of its work, then
started again; nothing is lost and nothing is doubled. The same for the process pushing tracking
numbers.

The sandbox runs in this process; the fetch and the push run in worker processes of their own
(``reliability.worker``), which this process kills:

1. right after Coupang acknowledged the first boxes, before their sale orders were committed;
2. once a third of the orders are committed;
3. once two thirds are committed;
4. then a worker runs to the end.

Then every delivery is validated with a tracking number and a push worker is killed right after
Coupang took invoices beyond the first batch of 50; a second push worker runs to the end.

Usage: python3 -m reliability.crash_run --conf odoo.conf --db DB [--orders 60]
"""

import os
import signal
import subprocess
import time
from collections import Counter

from testbed import harness

from . import common

POLL_SECONDS = 0.01
PUSH_BATCH = 50  # boxes per invoice upload
WORKER_TIMEOUT = 300


def main():
    with common.started(__doc__, "Crash run") as run:
        acknowledged = run.successes["acknowledge"]
        invoiced = run.successes["invoice"]
        count = len(run.orders)

        def committed():
            with harness.environment(run.registry) as env:
                return sum(harness.box_counts(env, run.account_id).values())

        fetch = ("fetch", str(run.schedule_id))
        kills = (
            ("after the first acknowledgement", lambda: acknowledged.total() > 0),
            ("after a third of the orders", lambda: committed() >= count // 3),
            ("after two thirds", lambda: committed() >= 2 * count // 3),
        )
        killed_at = [f"{label} ({run_until(run, fetch, condition, committed)} committed)" for label, condition in kills]
        problems = run_to_end(run, fetch)
        with harness.environment(run.registry) as env:
            problems += common.imported_once_problems(env, run)
            orders = harness.account_orders(env["ec.account"].browse(run.account_id))
            picking_ids = harness.ship_orders(orders).ids
        # Killed once Coupang took more than the first batch (with a single batch, as soon as it took it).
        first_batch = PUSH_BATCH if count > PUSH_BATCH else 0
        push_kill = run_until(run, ("push",), lambda: invoiced.total() > first_batch, invoiced.total)
        problems += run_to_end(run, ("push",))
        problems += common.pushed_once_problems(run, picking_ids)
        uploads = Counter(
            box_id
            for request in run.sandbox.requests_to("upload_invoices")
            for box_id in {dto["shipmentBoxId"] for dto in request.json["orderSheetInvoiceApplyDtos"]}
        )
        resent = sum(upload_count > 1 for upload_count in uploads.values())
        if resent > count - first_batch:
            # The first batch was committed before the second was sent: only later ones may go again.
            problems.append(f"{resent} boxes sent again after the kill: batches Coupang took were not recorded")
    proved = (
        f"{count} orders; fetch workers killed {', '.join(killed_at)}, then one ran to "
        f"the end: every box acknowledged once and imported once; push worker killed after Coupang took "
        f"{push_kill} invoices, then one ran to the end: every box got exactly one successful invoice upload "
        f"({resent} boxes, of batches after the first, sent again after the kill)"
    )
    return common.verdict("crash run", problems, proved)


def run_until(run, job, condition, progress):
    """Starts a worker and kills it (SIGKILL) as soon as ``condition()`` holds; returns ``progress()`` then."""
    process = subprocess.Popen(run.worker_command(*job))
    deadline = time.monotonic() + WORKER_TIMEOUT
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"the {job[0]} worker ended (exit {process.returncode}) before it could be killed")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the {job[0]} worker did not get there in {WORKER_TIMEOUT} s")
        time.sleep(POLL_SECONDS)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return progress()


def run_to_end(run, job):
    process = subprocess.Popen(run.worker_command(*job))
    try:
        status = process.wait(WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        return [f"the {job[0]} worker did not end in {WORKER_TIMEOUT} s"]
    return [f"the {job[0]} worker that ran to the end failed (exit {status})"] if status else []


if __name__ == "__main__":
    common.run(main)
