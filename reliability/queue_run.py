"""Queue run: two Odoo servers on one database ("two machines"), each with its HTTP workers and
``server_wide_modules = web,queue_job``, the first one running queue_job's job runner, which
dispatches the jobs through a round-robin proxy (the load balancer) to both. The fetch job lists and
acknowledges ``--orders`` new Taiwan orders and queues one job per page; while the first page job
runs, its HTTP worker process is killed with SIGKILL. queue_job requeues the job, which completes;
every order is imported once. Then every delivery is validated and the push jobs send each tracking
number once. Each server's gevent process (the websocket server a prefork server starts) is started
once and stays up the whole run. Prints the import's orders per second.

Usage: python3 -m reliability.queue_run --conf odoo.conf --db DB [--orders 2000] [--workers 2]
  (the database has ec_coupang installed; the run installs ec_coupang_queue_job into it)
"""

import math
import os
import signal
import time

from testbed import harness
from testbed.servers import JOB_TIMEOUT, add_arguments, balancer, install_queue_addon, query, servers, wait_for_jobs

from . import common

PAGE = 50
POLL = 0.1
# A started page job is killed once it ran this long: inside its page, before its commit.
KILL_AFTER = 1.0


def main():
    install_queue_addon()
    with common.started(__doc__, "Queue run", add_arguments) as run, balancer() as proxy:
        with servers(run.args, proxy) as running:
            problems, proved = import_and_push(run)
            problems += running.gevent.problems()
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
        f"every tracking number pushed once; each server's gevent process started once and up; {rate:.1f} orders/s"
    )
    return problems, proved


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


def killed_job_problems(env, killed):
    job = env["queue.job"].search([("uuid", "=", killed["uuid"])])
    killed["retry"] = job.retry
    if job.state != "done" or not job.retry:
        return [f"the killed job {killed['uuid']} is {job.state} after {job.retry} retries, not requeued and done"]
    return []


if __name__ == "__main__":
    common.run(main)
