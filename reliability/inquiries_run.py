"""Inquiries run: buyers ask product questions and call-center inquiries on a Korea and a Taiwan store
while Coupang fails 20% of the calls at random, and still every inquiry is kept once in Odoo and gets
exactly one answer (a handover exactly one confirmation) on Coupang, none left in doubt.

The sandbox answers one call in five with the fault run's faults: a 429, a 500 or 503, a reset
connection, a page that is not JSON, a JSON body cut in half, or an answer later than the client's
read timeout (the sandbox still carries that call out, as Coupang would). On top, the first answers
to product questions and to call-center inquiries, and the first confirmations of handovers, meet
each of these for sure: answer cut off, answer too late, 500, reset.

Each round runs the listing scheduled action, then a salesperson (a plain user of the sales group)
writes and sends the answer of every inquiry to answer and confirms every handover, one click a
transaction, as the web client does; a click refused (a UserError: an answer in doubt Coupang could
not read back, an inquiry held) is tried again next round. The last rounds run without faults.

Usage: python3 -m reliability.inquiries_run --conf odoo.conf --db DB [--orders 60]
"""

import time
from collections import Counter

from odoo.exceptions import UserError
from testbed import harness

from . import common
from .fault_run import FAULT_RATE, FAULTS, WRITE_FAULTS, count_faults
from .stock_run import LATE_CALL_SECONDS

FAULTY_ROUNDS = 4
MAX_CLEAN_ROUNDS = 4
ANSWER_ENDPOINTS = ("answer_product_inquiry", "answer_call_center", "confirm_call_center")
MARKETS = ("KR", "TW")
RATE_LIMIT = 40.0  # calls per second of the run's vendor: the run measures faults, not the limit
# Of every six orders with an inquiry: three product questions, two call-center inquiries to answer,
# one handed over to confirm (TRANSFER).
KIND_OF = ("product", "product", "product", "call_center", "call_center", "transfer")


def main():
    with common.started(__doc__, "Inquiries run TW") as run, harness.fast_client():
        faults = count_faults(run.sandbox)
        with harness.environment(run.registry) as env:
            account_ids, user_id = prepare(env, run)
        asked = ask(run, max(len(KIND_OF), run.args.orders // 2))
        run.sandbox.enable_random_faults(FAULT_RATE, seed=run.args.seed, names=FAULTS)
        for endpoint in ANSWER_ENDPOINTS:
            for kind, options in WRITE_FAULTS:
                run.sandbox.inject(endpoint, kind, **options)
        clicks = Clicks(run, user_id)
        rounds = 0
        for _round in range(FAULTY_ROUNDS):
            rounds += 1
            clicks.round(account_ids)
        under_faults = faults.total()
        run.sandbox.clear_faults()
        for _clean in range(MAX_CLEAN_ROUNDS):
            rounds += 1
            if not clicks.round(account_ids):
                break
        problems = clicks.errors + kept_once_problems(run, account_ids, asked) + answered_once_problems(run, asked)
    calls = [request for request in run.sandbox.requests if request.endpoint in ANSWER_ENDPOINTS]
    per_kind = Counter(f"{market} {kind}" for market, kind, _inquiry in asked)
    proved = (
        f"{len(asked)} inquiries ({dict(sorted(per_kind.items()))}); {under_faults} faults injected in "
        f"{FAULTY_ROUNDS} faulty rounds ({dict(faults)}), {len(run.sandbox.requests)} calls in all, "
        f"{len(calls)} of them answers and confirmations ({dict(Counter(request.status for request in calls))} by "
        f"status); {rounds} rounds, {clicks.count} clicks ({dict(clicks.outcomes)}); {clicks.doubts} clicks left "
        f"an answer in doubt, {clicks.read_back} settled by the click's read-back, {clicks.listed} by the "
        "listing: every inquiry kept once and closed in Odoo, each got exactly one answer or confirmation on Coupang"
    )
    return common.verdict("inquiries run", problems, proved)


def prepare(env, run):
    """The two accounts (the Taiwan one of ``common.started`` and a Korea one) with the Wing login
    that answers, and the salesperson; (account ids by market, the user's id)."""
    tw_account = env["ec.account"].browse(run.account_id)
    kr_account, _schedule = harness.create_account(env, run.sandbox, "Inquiries run KR", fetch_time=5.0, market="KR")
    accounts = tw_account | kr_account
    vendor = run.sandbox.demo_vendor
    accounts.coupang_wing_user_id = vendor.wing_user_id
    env["ec.account"].search([("coupang_vendor_id", "=", vendor.vendor_id)]).coupang_rate_limit = RATE_LIMIT
    user = env["res.users"].create(
        {
            "name": "Inquiries run salesperson",
            "login": "inquiries_run_salesperson",
            "company_id": env.company.id,
            "company_ids": [(6, 0, env.company.ids)],
            "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
        }
    )
    return {"TW": tw_account.id, "KR": kr_account.id}, user.id


def ask(run, per_market):
    """``per_market`` inquiries on each market's orders, one an order; [(market, kind, sandbox inquiry)]."""
    orders = {"TW": run.orders, "KR": run.sandbox.generate_orders(per_market, "KR")}
    asked = []
    for market in MARKETS:
        for n, order in enumerate(orders[market][:per_market]):
            kind = KIND_OF[n % len(KIND_OF)]
            box = order.shipment_box_id
            if kind == "product":
                inquiry = run.sandbox.ask_about(box, f"{market} question {n}: when does it ship?")
            else:
                text = f"{market} call {n}: please ship soon"
                inquiry = run.sandbox.call_center_inquiry(box, text, transfer=kind == "transfer")
            asked.append((market, kind, inquiry))
    return asked


class Clicks:
    """The listing scheduled action and the salesperson's clicks, round after round."""

    def __init__(self, run, user_id):
        self.run = run
        self.user_id = user_id
        self.count = 0
        self.outcomes = Counter()  # the notification's type, or "refused" (a UserError)
        self.doubts = 0  # clicks that left the answer in doubt
        self.read_back = 0  # clicks that found it in doubt and settled it
        self.listed = 0  # answers in doubt the listing settled
        self.errors = []

    def round(self, account_ids):
        """Lists, then clicks every inquiry due; whether any was due."""
        time.sleep(LATE_CALL_SECONDS)  # a call answered too late is carried out before the next round
        in_doubt = self._in_doubt()
        with harness.environment(self.run.registry) as env:
            env["ec.coupang.inquiry"]._cron_list_inquiries()
        self.listed += len(in_doubt - self._in_doubt())
        with harness.environment(self.run.registry) as env:
            due = (
                env["ec.coupang.inquiry"]
                .with_user(self.user_id)
                .search(
                    [("account_id", "in", list(account_ids.values())), ("state", "in", ("to_answer", "to_confirm"))]
                )
            )
            due = [(inquiry.id, inquiry.state) for inquiry in due]
        for inquiry_id, state in due:
            self.click(inquiry_id, "answer" if state == "to_answer" else "confirm")
        return bool(due)

    def click(self, inquiry_id, what):
        """The salesperson saves the answer (a request), then clicks Send Answer or Confirm on Coupang
        (another one); a refusal is left for the next round."""
        with harness.environment(self.run.registry) as env:
            inquiry = env["ec.coupang.inquiry"].with_user(self.user_id).browse(inquiry_id)
            before = inquiry.answer_in_doubt
            if what == "answer" and not inquiry.answer:
                inquiry.answer = answer_text(inquiry.inquiry_id)
        self.count += 1
        try:
            with harness.environment(self.run.registry) as env:
                inquiry = env["ec.coupang.inquiry"].with_user(self.user_id).browse(inquiry_id)
                action = inquiry.action_send_answer if what == "answer" else inquiry.action_confirm_transfer
                self.outcomes[action()["params"]["type"]] += 1
        except UserError:
            self.outcomes["refused"] += 1
        except Exception as error:  # noqa: BLE001 - reported as the run's problem
            self.outcomes["error"] += 1
            self.errors.append(f"{what} of inquiry {inquiry_id}: {error!r}")
        with harness.environment(self.run.registry) as env:
            after = env["ec.coupang.inquiry"].browse(inquiry_id).answer_in_doubt
        self.doubts += after
        self.read_back += before and not after

    def _in_doubt(self):
        with harness.environment(self.run.registry) as env:
            return set(env["ec.coupang.inquiry"].search([("answer_in_doubt", "=", True)]).ids)


def answer_text(inquiry_id):
    return f"Answer to inquiry {inquiry_id}: it ships tomorrow."


def kept_once_problems(run, account_ids, asked):
    """Odoo keeps each of the sandbox's inquiries once, closed (answered, or confirmed for a handover),
    none in doubt; the sandbox has as many as Odoo."""
    problems = []
    with harness.environment(run.registry) as env:
        Inquiry = env["ec.coupang.inquiry"]
        expected = Counter((account_ids[market], str(inquiry.inquiry_id)) for market, _kind, inquiry in asked)
        env.cr.execute(
            "SELECT account_id, inquiry_id, count(*) FROM ec_coupang_inquiry WHERE account_id IN %s GROUP BY 1, 2",
            [tuple(account_ids.values())],
        )
        kept = Counter({(account, inquiry): count for account, inquiry, count in env.cr.fetchall()})
        if kept != expected:
            missing, extra = expected - kept, kept - expected
            problems.append(
                f"Odoo keeps {kept.total()} inquiries, the sandbox has {expected.total()}: "
                f"missing {list(missing)[:5]}, doubled or unknown {dict(list(extra.items())[:5])}"
            )
        wrong = []
        for market, kind, inquiry in asked:
            record = Inquiry.search(
                [("account_id", "=", account_ids[market]), ("inquiry_id", "=", str(inquiry.inquiry_id))]
            )
            state = "confirmed" if kind == "transfer" else "answered"
            if len(record) == 1 and (record.state != state or record.answer_in_doubt):
                wrong.append((record.name, record.state, record.answer_in_doubt, record.reason))
        if wrong:
            problems.append(f"{len(wrong)} inquiries not closed or in doubt in Odoo: {wrong[:5]}")
    return problems


def answered_once_problems(run, asked):
    """On the sandbox, each inquiry to answer got exactly one answer from the seller (the one written
    in Odoo) and no confirmation; each handover exactly one confirmation and no answer."""
    answers = run.sandbox.inquiries.answers
    wrong = {}
    for _market, kind, inquiry in asked:
        counts = (answers[inquiry.inquiry_id, "answer"], answers[inquiry.inquiry_id, "confirm"])
        seller_replies = [reply.content for reply in inquiry.replies if reply.author_type == "vendor"]
        if kind == "transfer":
            right = counts == (0, 1) and not seller_replies
        else:
            right = counts == (1, 0) and seller_replies == [answer_text(inquiry.inquiry_id)]
        if not right:
            wrong[inquiry.inquiry_id] = (kind, counts, len(seller_replies))
    if not wrong:
        return []
    return [
        f"{len(wrong)} inquiries did not get exactly one answer or confirmation "
        f"(kind, (answers, confirmations), seller's replies): {dict(list(wrong.items())[:5])}"
    ]


if __name__ == "__main__":
    common.run(main)
