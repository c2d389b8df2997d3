"""Key run: two Odoo servers on one database (as in the queue run), one encryption key configured
in the environment of both (``EC_COUPANG_ENCRYPTION_KEY``), no key file. The Secret Key is saved
through the first server only (JSON-RPC, the form's write) and the connection tested there; the
fetch jobs, dispatched by the load balancer to both servers, decrypt it. Between two fetches the key
is rotated as README "The Secret Key's encryption key" says: ``new,old`` on both servers (restarted),
``scripts/rotate-secret-key``, then ``new`` alone (restarted). Both fetches import all their orders;
prints the jobs done on each server.

Usage: python3 -m reliability.key_run --conf odoo.conf --db DB [--orders 100] [--workers 2]
"""

import http.cookiejar
import json
import os
import subprocess
import sys
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from cryptography.fernet import Fernet

from testbed import harness
from testbed.servers import add_arguments, balancer, install_queue_addon, query, servers, wait_for_jobs

from . import common

KEY_VARIABLE = "EC_COUPANG_ENCRYPTION_KEY"
ROOT = Path(__file__).resolve().parent.parent


def main():
    old, new = (Fernet.generate_key().decode() for _key in range(2))
    os.environ[KEY_VARIABLE] = old  # this process (the account's set-up) uses the same key
    install_queue_addon()
    stats = {"fetches": [], "servers": Counter(), "counted": set()}
    with common.started(__doc__, "Key run", add_arguments) as run, balancer() as proxy:
        remove_stored_secret_key(run)
        with servers(run.args, proxy, {KEY_VARIABLE: old}) as processes:
            save_secret_key_through(processes.ports[0], run)
            problems = fetch(run, processes, stats, run.orders)
        with servers(run.args, proxy, {KEY_VARIABLE: f"{new},{old}"}):
            rotation = rotate(run, f"{new},{old}")
        second = run.sandbox.generate_orders(run.args.orders, "TW", ordered_at=datetime.now(timezone.utc))
        with servers(run.args, proxy, {KEY_VARIABLE: new}) as processes:
            problems += rotation + fetch(run, processes, stats, run.orders + second)
    fetches = ", ".join(f"{orders} orders" for orders in stats["fetches"])
    per_server = ", ".join(
        f"server {index + 1}: {count}" if index is not None else f"worker gone: {count}"
        for index, count in sorted(stats["servers"].items(), key=lambda item: (item[0] is None, item[0] or 0))
    )
    print(f"key run: 2 fetches ({fetches}); jobs done per server: {per_server}; rotation: {rotation or 'ok'}")
    if len(set(stats["servers"]) - {None}) < run.args.servers:
        problems.append(f"jobs ran on {len(stats['servers'])} servers only: {dict(stats['servers'])}")
    proved = (
        f"Secret Key saved through server 1, used by jobs on every server ({per_server}); the key rotated "
        f"between two fetches ({fetches}), both complete"
    )
    return common.verdict("key run", problems, proved)


def remove_stored_secret_key(run):
    """The Secret Key of the set-up goes: the run's Secret Key is only the one saved through server 1."""
    with harness.environment(run.registry) as env:
        env.cr.execute("UPDATE ec_account SET coupang_secret_key_encrypted = NULL WHERE id = %s", [run.account_id])


def save_secret_key_through(port, run):
    """Saves the sandbox's Secret Key on the account and tests the connection, as the form does, through
    the server listening on ``port``."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    base = f"http://127.0.0.1:{port}"
    rpc(opener, f"{base}/web/session/authenticate", {"db": run.args.db, "login": "admin", "password": "admin"})
    secret_key = run.sandbox.demo_vendor.secret_key
    call_kw(opener, base, "write", [[run.account_id], {"coupang_secret_key": secret_key}])
    result = call_kw(opener, base, "action_test_connection", [[run.account_id]])
    if result["params"]["type"] == "danger":  # a warning: connected, with something to fix before fetching
        raise RuntimeError(f"Test Connection through server 1: {result['params']['message']}")


def call_kw(opener, base, method, args):
    return rpc(
        opener,
        f"{base}/web/dataset/call_kw/ec.account/{method}",
        {"model": "ec.account", "method": method, "args": args, "kwargs": {}},
    )


def rpc(opener, url, params):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with opener.open(request, timeout=120) as response:
        answer = json.load(response)
    if answer.get("error"):
        raise RuntimeError(f"{url}: {answer['error']['data']['message']}")
    return answer["result"]


def fetch(run, processes, stats, expected):
    """Queues the schedule's fetch, waits for its jobs; counts the jobs done on each server and checks
    that every order of ``expected`` was imported once."""
    with harness.environment(run.registry) as env:
        blocked = env["ec.account"].browse(run.account_id)._fetch_blocked_reason()
        if blocked:
            return [f"the schedule does not fetch the account: {blocked}"]
        # The save made the account untested, and its test scheduled it again: the slot's schedule now.
        schedule = env["ec.account"].browse(run.account_id).fetch_slot_ids.schedule_id
        env["ec.fetch.schedule"]._cron_fetch_orders(schedule.id)
    problems = wait_for_jobs(run)
    for uuid, pid in query(run, "SELECT uuid, worker_pid FROM queue_job WHERE state = 'done'"):
        if uuid not in stats["counted"]:
            stats["counted"].add(uuid)
            stats["servers"][processes.server_of(pid)] += 1
    with harness.environment(run.registry) as env:
        problems += common.imported_once_problems(env, common.Run(**dict(vars(run), orders=expected)))
        log = env["ec.fetch.log"].search([("account_id", "=", run.account_id)], order="id desc", limit=1)
        if log.state != "done":
            problems.append(f"fetch {len(stats['fetches']) + 1} ended {log.state}: {log.error}")
    stats["fetches"].append(len(expected) - sum(stats["fetches"]))
    return problems


def rotate(run, keys):
    """Runs scripts/rotate-secret-key with ``keys`` configured; returns the problems."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "rotate-secret-key"), "-c", run.args.conf, "-d", run.args.db, "--log-level=warn"],
        env=dict(os.environ, **{KEY_VARIABLE: keys}),
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stdout.write(result.stdout)
    if result.returncode:
        return [f"rotate-secret-key exited with {result.returncode}: {result.stderr[-500:]}"]
    return []


if __name__ == "__main__":
    common.run(main)
