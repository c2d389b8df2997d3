"""Users run: users act while the cron fetches, checks the requests and pushes, under the fault
run's faults. During the fetches users save the account and press Fetch Now (the Fetch Now cron
runs the requests); during the requests checks and the pushes they save the sale orders and
deliveries the check changes, press Retry on a request and Push to Coupang on a delivery (each
click on one record's button).
Then, without faults: every order imported once, every answer Coupang carried out recorded in
Odoo (the request done, or its answer kept), and no user request waiting more than 1 s for a row
the cron held across a call to Coupang (each user transaction runs with PostgreSQL's
``lock_timeout``; a wait that timed out while the cron's thread was in a Coupang call means the
transaction holding the row stayed open across that call). A wait behind a transaction that holds
the row that long without a call (Odoo's own work, slowed by the machine's load) is counted and
printed, not failed.

Usage: python3 -m reliability.users_run --conf odoo.conf --db DB [--orders 60]
"""

import random
import threading
import time
from collections import Counter
from contextlib import contextmanager

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo.addons.ec_coupang.coupang import CoupangClient
from odoo.exceptions import UserError
from testbed import harness

from . import common
from .fault_run import FAULT_RATE, FAULTS, WRITE_FAULTS, count_faults, fetch
from .requests_run import ANSWER_ENDPOINTS, check, make_requests

FAULTY_ROUNDS = 4
CLEAN_ROUNDS = 2
LOCK_WAIT_LIMIT = "1s"  # the longest a user request may wait for a row the cron holds
LOCK_WAIT_SECONDS = 1.0
HTTP_TRIES = 5  # Odoo's tries of a request that met a serialization failure


class CallTimes:
    """When each thread was inside a call to Coupang (throttle and retries included)."""

    def __init__(self):
        self.calls = []  # (thread ident, start, end), monotonic
        self._lock = threading.Lock()

    @contextmanager
    def recorded(self):
        original = CoupangClient._request
        calls = self

        def _request(client, method, path, *args, **kwargs):
            start = time.monotonic()
            try:
                return original(client, method, path, *args, **kwargs)
            finally:
                with calls._lock:
                    calls.calls.append((threading.get_ident(), start, time.monotonic(), f"{method} {path}"))

        CoupangClient._request = _request
        try:
            yield self
        finally:
            CoupangClient._request = original

    def other_threads_calls(self, thread, start, end):
        """The calls a thread other than ``thread`` was inside at some moment of [start, end]."""
        with self._lock:
            return [
                call for ident, begun, ended, call in self.calls if ident != thread and begun <= end and ended >= start
            ]


class Users:
    """The users' actions, each one request in a transaction of its own, timed; stops with ``done``."""

    def __init__(self, run):
        self.run = run
        self.durations = Counter()
        self.slowest_of = Counter()  # action: its slowest request, seconds
        self.count = 0
        self.refused = Counter()
        self.lock_waits = Counter()  # action: its requests that waited past LOCK_WAIT_LIMIT
        self.lock_wait_moments = []  # (action, monotonic time the wait timed out)
        self.errors = []
        self.done = threading.Event()
        self.thread = None

    def act(self, name, action):
        """One user request: tried again after a serialization failure, as Odoo's HTTP layer does."""
        start = time.monotonic()
        try:
            retried(lambda: self._in_transaction(action))
        except UserError:
            self.refused[name] += 1
        except LockNotAvailable:
            self.lock_waits[name] += 1
            self.lock_wait_moments.append((name, time.monotonic()))
        except Exception as error:  # noqa: BLE001 - reported at the end
            self.errors.append(f"{name}: {error!r}")
        elapsed = time.monotonic() - start
        self.count += 1
        self.durations[name] += 1
        self.slowest_of[name] = max(self.slowest_of[name], elapsed)

    def waits_across_calls(self, call_times):
        """{action: the calls the cron's thread was in while one of its waits timed out}."""
        user = self.thread.ident
        waits = {}
        for name, moment in self.lock_wait_moments:
            calls = call_times.other_threads_calls(user, moment - LOCK_WAIT_SECONDS, moment)
            if calls:
                waits.setdefault(name, []).extend(calls)
        return waits

    def slowest_action(self):
        name, seconds = self.slowest_of.most_common(1)[0] if self.slowest_of else ("none", 0.0)
        return f"{seconds:.2f} s ({name})"

    def _in_transaction(self, action):
        with harness.environment(self.run.registry) as env:
            env.cr.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_LIMIT}'")
            action(env)

    def loop(self, actions):
        while not self.done.is_set():
            for name, action in actions:
                self.act(name, action)
            time.sleep(0.05)

    def during(self, actions, work):
        """Runs ``work()`` while a user thread repeats ``actions``."""
        self.done.clear()
        self.thread = threading.Thread(target=self.loop, args=(actions,))
        self.thread.start()
        try:
            work()
        finally:
            self.done.set()
            self.thread.join()


def retried(work):
    for attempt in range(1, HTTP_TRIES + 1):
        try:
            return work()
        except SerializationFailure:
            if attempt == HTTP_TRIES:
                raise
            time.sleep(random.uniform(0, 0.1 * attempt))
    return None


def fetch_actions(run):
    account_id = run.account_id

    def save_account(env):
        account = env["ec.account"].browse(account_id)
        account.write({"require_tracking": not account.require_tracking})

    def fetch_now(env):
        env["ec.account"].browse(account_id).action_fetch_now()

    return [("save the account", save_account), ("Fetch Now", fetch_now)]


def requests_actions(run):
    def save_orders(env):
        orders = harness.account_orders(env["ec.account"].browse(run.account_id))
        orders.filtered(lambda order: order.state != "cancel")[:20].write({"client_order_ref": "saved by a user"})

    def save_deliveries(env):
        pickings = harness.account_orders(env["ec.account"].browse(run.account_id)).picking_ids[:20]
        pickings.write({"note": "saved by a user"})

    def retry_requests(env):
        failed = env["ec.coupang.request"].search([("state", "in", ("failed", "to_apply"))], limit=1)
        for request in failed:
            request.action_retry()

    def push_now(env):
        pushes = env["ec.tracking.push"].search([("state", "in", ("pending", "error"))], limit=1)
        if pushes:
            pushes.picking_id.action_ec_push_tracking()

    return [
        ("save sale orders", save_orders),
        ("save deliveries", save_deliveries),
        ("Retry requests", retry_requests),
        ("Push to Coupang", push_now),
    ]


def run_requested_fetches(run):
    with harness.environment(run.registry) as env:
        env["ec.account"]._cron_fetch_requested()


def forgotten_answers(run):
    """The answers Coupang carried out through the API that Odoo does not record: their request
    neither done nor keeping the answer (or one after it)."""
    forgotten = []
    with harness.environment(run.registry) as env:
        requests = {int(request.receipt_id): request for request in env["ec.coupang.request"].search([])}
        for receipt_id, answer in run.sandbox.returns.answers:
            request = requests.get(receipt_id)
            if request is None or not (request.state == "done" or request.answer or request.answer_in_doubt):
                forgotten.append((receipt_id, answer))
    return forgotten


def main():
    with common.started(__doc__, "Users run") as run, harness.fast_client(), CallTimes().recorded() as call_times:
        users = Users(run)
        faults = count_faults(run.sandbox)
        run.sandbox.enable_random_faults(FAULT_RATE, seed=run.args.seed, names=FAULTS)
        for kind, options in WRITE_FAULTS:
            run.sandbox.inject("acknowledge", kind, **options)

        def faulty_fetches():
            for _round in range(FAULTY_ROUNDS):
                fetch(run)
                run_requested_fetches(run)

        users.during(fetch_actions(run), faulty_fetches)
        run.sandbox.clear_faults()
        for _round in range(CLEAN_ROUNDS):
            fetch(run)
            run_requested_fetches(run)
        problems = []
        with harness.environment(run.registry) as env:
            problems += common.imported_once_problems(env, run)
            lost = len(run.orders) - len(harness.box_counts(env, run.account_id))
            doubled = sum(count > 1 for count in harness.box_counts(env, run.account_id).values())
            manual = env["ec.fetch.log"].search_count([("account_id", "=", run.account_id), ("trigger", "=", "manual")])

        plan = make_requests(run)
        run.sandbox.enable_random_faults(FAULT_RATE, seed=run.args.seed + 1, names=FAULTS)
        for endpoint in (*ANSWER_ENDPOINTS, "upload_invoices"):
            for kind, options in WRITE_FAULTS:
                run.sandbox.inject(endpoint, kind, **options)

        def faulty_checks_and_pushes():
            for _round in range(FAULTY_ROUNDS):
                # The warehouse's validation of the returns is a user's request too.
                retried(lambda: check(run))
                with harness.environment(run.registry) as env:
                    harness.run_push_cron(env)

        users.during(requests_actions(run), faulty_checks_and_pushes)
        run.sandbox.clear_faults()
        for _round in range(CLEAN_ROUNDS):
            check(run)
        forgotten = forgotten_answers(run)
        if forgotten:
            problems.append(f"{len(forgotten)} answers Coupang carried out are not recorded in Odoo: {forgotten[:5]}")
        problems += users.errors[:5]
        across_calls = users.waits_across_calls(call_times)
        if across_calls:
            problems.append(
                f"user requests waited more than {LOCK_WAIT_LIMIT} for a row the cron held across a call to Coupang: "
                f"{across_calls}"
            )
    proved = (
        f"{len(run.orders)} orders, {plan.summary()}; {faults.total()} faults; {users.count} user actions "
        f"({dict(users.durations)}; refused: {dict(users.refused)}), {manual} Fetch Now runs; lost {lost}, "
        f"doubled {doubled}, answers forgotten {len(forgotten)} of {len(run.sandbox.returns.answers)}; "
        f"no user request waited more than {LOCK_WAIT_LIMIT} for a row held across a call to Coupang "
        f"({sum(users.lock_waits.values())} waited that long behind Odoo's own work: {dict(users.lock_waits)}); "
        f"slowest user request {users.slowest_action()}"
    )
    return common.verdict("users run", problems, proved)


if __name__ == "__main__":
    common.run(main)
