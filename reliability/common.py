"""What the reliability runs share: their set-up (a database, a sandbox with new orders, an EC
account fetching from it), the worker processes they start, what they check at the end, and how
they say whether they passed."""

import argparse
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from coupang_sandbox import CoupangSandbox
from testbed import harness


@dataclass
class Run:
    args: argparse.Namespace
    registry: object
    sandbox: CoupangSandbox
    orders: list  # the sandbox's orders (sandbox.generate_orders)
    successes: dict  # per box, the acknowledgements and invoices the sandbox applied
    account_id: int
    schedule_id: int

    def worker_command(self, *job):
        """The command of a ``reliability.worker`` process running ``job`` on the run's database."""
        command = [sys.executable, "-m", "reliability.worker", "--conf", self.args.conf, "--db", self.args.db]
        if self.args.logfile:
            command += ["--logfile", self.args.logfile]
        return [*command, *job]


@contextmanager
def started(description, account_name, add_arguments=None, **sandbox_options):
    """Reads the command line (the run's own options added by ``add_arguments(parser)``), opens the
    database, starts a sandbox holding ``--orders`` new Taiwan orders and creates an EC account
    fetching them."""
    parser = argparse.ArgumentParser(description=description)
    if add_arguments:
        add_arguments(parser)
    parser.add_argument("--conf", required=True, help="Odoo configuration file of the database's cluster")
    parser.add_argument("--db", required=True, help="a database with ec_coupang installed, for this run only")
    parser.add_argument("--orders", type=int, default=60, help="Coupang orders in the sandbox")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--logfile", help="Odoo's log (default: standard error, critical errors only)")
    args = parser.parse_args()
    registry = harness.open_registry(args.conf, args.db, log_level="critical", logfile=args.logfile)
    sandbox = CoupangSandbox(seed=args.seed, tw_orders=0, kr_orders=0, **sandbox_options)
    orders = sandbox.generate_orders(args.orders, "TW")
    successes = harness.count_box_successes(sandbox)
    with sandbox:
        with harness.environment(registry) as env:
            harness.prepare_database(env)
            account, schedule = harness.create_account(env, sandbox, account_name)
        yield Run(args, registry, sandbox, orders, successes, account.id, schedule.id)


def imported_once_problems(env, run):
    """Every sandbox box was acknowledged once and has exactly one confirmed sale order; nothing else
    was imported, nothing is left for review."""
    counts = harness.box_counts(env, run.account_id)
    expected = {str(order.shipment_box_id) for order in run.orders}
    problems = once_per_box_problems("acknowledgement", run.successes["acknowledge"], expected)
    missing = expected - set(counts)
    if missing:
        problems.append(f"{len(missing)} of {len(expected)} Coupang orders have no sale order, e.g. {min(missing)}")
    doubled = {box: count for box, count in counts.items() if count > 1}
    if doubled:
        problems.append(f"{len(doubled)} Coupang orders imported more than once: {dict(list(doubled.items())[:5])}")
    unknown = set(counts) - expected
    if unknown:
        problems.append(f"{len(unknown)} sale orders of boxes the sandbox does not have")
    unconfirmed = env["sale.order"].search_count([("ec_account_id", "=", run.account_id), ("state", "!=", "sale")])
    if unconfirmed:
        problems.append(f"{unconfirmed} imported sale orders are not confirmed")
    waiting = env["ec.order.import"].search([("account_id", "=", run.account_id), ("state", "in", ("held", "failed"))])
    if waiting:
        problems.append(f"{len(waiting)} orders still wait for review, e.g.: {waiting[0].reason}")
    return problems


def once_per_box_problems(what, counts, expected):
    """The sandbox applied ``what`` successfully exactly once for every expected box."""
    wrong = {box: counts.get(box, 0) for box in expected if counts.get(box, 0) != 1}
    if not wrong:
        return []
    return [f"{len(wrong)} boxes did not get exactly one successful {what}: {dict(list(wrong.items())[:5])}"]


def pushed_once_problems(run, picking_ids):
    """Every box got exactly one successful invoice upload, with its delivery's tracking number."""
    with harness.environment(run.registry) as env:
        pickings = env["stock.picking"].browse(picking_ids)
        expected = {str(order.shipment_box_id) for order in run.orders}
        problems = once_per_box_problems("invoice upload", run.successes["invoice"], expected)
        states = Counter(pickings.mapped("ec_push_state"))
        if set(states) != {"done"}:
            problems.append(f"tracking push states: {dict(states)}")
        wrong_numbers = [
            picking.name
            for picking in pickings
            if run.sandbox.order(picking.sale_id.coupang_shipment_box_id).invoice_number != picking.carrier_tracking_ref
        ]
        if wrong_numbers:
            problems.append(f"Coupang does not have the tracking number of {len(wrong_numbers)} deliveries")
    return problems


def verdict(name, problems, proved):
    """Prints the run's result and returns its exit status."""
    if problems:
        print(f"FAIL {name}:")
        for problem in problems:
            print(f"    - {problem}")
        return 1
    print(f"PASS {name}: {proved}")
    return 0


def run(main):
    """Runs a reliability driver; an unexpected error is a failure with its traceback."""
    try:
        status = main()
    except Exception:  # noqa: BLE001 - reported as the run's failure
        import traceback  # noqa: PLC0415

        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.exit(status)


def answer_calls(sandbox, receipt_id):
    """The answer calls (PUT) the sandbox received on a receipt."""
    return sum(
        request.method == "PUT" and f"/returnRequests/{receipt_id}/" in request.path for request in sandbox.requests
    )
