"""Rate run: two Odoo worker processes fetch the two stores of one Coupang vendor (its Taiwan and its
Korea account) at the same moment, against a sandbox that answers 429 above Coupang's 10 calls per
second per vendor. The rate limit the processes share through PostgreSQL keeps them under it: no 429,
and every order of both stores imported once.

Usage: python3 -m reliability.rate_run --conf odoo.conf --db DB [--orders 60]
"""

from testbed import harness

from . import common
from .concurrency_run import run_together

RATE_LIMIT = 10  # Coupang's documented calls per second per vendor; the accounts' default limit


def main():
    with common.started(__doc__, "Rate run TW", rate_limit=RATE_LIMIT) as run:
        korea_orders = run.sandbox.generate_orders(run.args.orders, "KR")
        with harness.environment(run.registry) as env:
            korea, korea_schedule = harness.create_account(env, run.sandbox, "Rate run KR", fetch_time=4.0, market="KR")
            korea_id = korea.id
        statuses = run_together(run, [run.schedule_id, korea_schedule.id])
        problems = [f"worker exit statuses {statuses}"] if any(statuses) else []
        refused = run.sandbox.rate_limited_count
        if refused:
            problems.append(f"the sandbox answered 429 {refused} times above {RATE_LIMIT} calls per second")
        with harness.environment(run.registry) as env:
            problems += imported_once_problems(env, korea_id, korea_orders)
            problems += imported_once_problems(env, run.account_id, run.orders)
    calls = run.sandbox.requests
    busiest = max(sum(1 for other in calls if 0 <= other.received_at - call.received_at < 1.0) for call in calls)
    if busiest > RATE_LIMIT:
        problems.append(f"{busiest} calls of the vendor reached the sandbox within one second")
    proved = (
        f"two workers fetching the Taiwan and Korea stores of one vendor together ({len(calls)} calls, at most "
        f"{busiest} in one second; {len(run.orders) + len(korea_orders)} orders): no 429, every order imported once"
    )
    return common.verdict("rate run", problems, proved)


def imported_once_problems(env, account_id, orders):
    counts = harness.box_counts(env, account_id)
    expected = {str(order.shipment_box_id) for order in orders}
    if set(counts) == expected and set(counts.values()) == {1}:
        return []
    missing = len(expected - set(counts))
    return [
        f"account {account_id}: {missing} of {len(expected)} orders missing, counts {dict(list(counts.items())[:5])}"
    ]


if __name__ == "__main__":
    common.run(main)
