"""Concurrency run: two Odoo worker processes run the same fetch slot's cron method at the same moment;
no order is imported twice and every order is imported.

Each round starts two ``reliability.worker`` processes, lets both load Odoo, then releases them
together. The second round adds new orders first, so both workers have something to import.

Usage: python3 -m reliability.concurrency_run --conf odoo.conf --db DB [--orders 60]
"""

import os
import subprocess
import tempfile
import time
from collections import Counter

from testbed import harness

from . import common

WORKERS = 2
ROUNDS = 2
WORKER_TIMEOUT = 300


def main():
    with common.started(__doc__, "Concurrency run") as run:
        problems, rounds = [], []
        for round_number in range(1, ROUNDS + 1):
            if round_number > 1:
                # Placed just now: Coupang lists orders by the day they were placed.
                run.orders += run.sandbox.generate_orders(
                    max(1, run.args.orders // 2), "TW", ordered_at=run.sandbox.now()
                )
            statuses = run_together(run, [run.schedule_id] * WORKERS)
            if any(statuses):
                problems.append(f"round {round_number}: worker exit statuses {statuses}")
            with harness.environment(run.registry) as env:
                logs = env["ec.fetch.log"].search([("account_id", "=", run.account_id)], limit=WORKERS)
                rounds.append(dict(Counter(logs.mapped("state"))))
                problems += [f"round {round_number}: {problem}" for problem in common.imported_once_problems(env, run)]
    proved = (
        f"{ROUNDS} rounds of {WORKERS} workers running the slot cron together ({len(run.orders)} orders in all); "
        f"their fetch logs per round: {rounds}; every box acknowledged once and imported once"
    )
    return common.verdict("concurrency run", problems, proved)


def run_together(run, schedule_ids):
    """Runs one worker per fetch schedule, their fetches at the same moment; returns their exit statuses."""
    with tempfile.TemporaryDirectory() as folder:
        go = os.path.join(folder, "go")
        ready = [os.path.join(folder, f"ready{index}") for index in range(len(schedule_ids))]
        processes = [
            subprocess.Popen(run.worker_command("--ready", ready_file, "--go", go, "fetch", str(schedule_id)))
            for ready_file, schedule_id in zip(ready, schedule_ids, strict=True)
        ]
        deadline = time.monotonic() + WORKER_TIMEOUT
        while not all(os.path.exists(ready_file) for ready_file in ready):
            if any(process.poll() is not None for process in processes) or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        open(go, "w").close()  # noqa: SIM115
        return [process.wait(WORKER_TIMEOUT) for process in processes]


if __name__ == "__main__":
    common.run(main)
