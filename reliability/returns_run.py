"""Returns run: Coupang fails 20% of the calls at random while the seller checks its stop-shipment
requests, cancellations and returns and answers them through the client; still every request is
seen, and each answer Coupang needs is carried out exactly once.

The sandbox holds Korean boxes the buyer canceled after the acknowledgement (some in part; the seller
had already shipped a third of them), Korean and Taiwanese returns of shipped boxes, Korean boxes
canceled while ACCEPT, and Taiwanese stop-shipment requests (which Coupang lets Taiwan stores answer
in Wing only). The faults are the fault run's: 429, 500, 503, resets, bodies that are not JSON or
are cut in half, answers later than the client's read timeout (still carried out); each answer
endpoint meets its answer cut off, too late, 500 and a reset first.

Each check reads the request lists by minute (cancellations; stop-shipment requests RU; returns
UC) and answers what each request's state asks: stoppedShipment, or completedShipment with the
waybill for a box already shipped; receiveConfirmation then approval for returns. An answer whose
outcome is unknown is not sent again in the same check: the next check reads the request again.
Twelve checks run under the faults, then the faults stop and up to three more run.

Under the faults the seller acts in Wing behind the client's back: before the first check it
confirms and approves a third of the returns and answers half the Korean stop-shipment requests
there; after it, the buyers withdraw another third of the returns (they leave the lists). Every
answer is carried out once, through the API or in Wing, none after Coupang completed the request
or the buyer withdrew it.

Usage: python3 -m reliability.returns_run --conf odoo.conf [--requests 60]
"""

import argparse
from collections import Counter
from datetime import datetime, timedelta, timezone

from coupang_sandbox import CoupangSandbox
from testbed.harness import FAST_CLIENT

from . import common
from .fault_run import FAULT_RATE, FAULTS, WRITE_FAULTS, count_faults

ANSWER_ENDPOINTS = ("stop_shipment", "complete_shipment", "receive_confirmation", "approval")
FAULTY_CHECKS = 12
CLEAN_CHECKS = 3
TWO_ITEMS = [("CP-TEA-001", 2), ("CP-POT-001", 1)]


def main():
    args = parse_args()
    import odoo  # noqa: PLC0415 - configured here, for the addon's client to be importable

    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=critical"], setup_logging=True)
    from odoo.addons.ec_coupang import coupang  # noqa: PLC0415

    sandbox = CoupangSandbox(seed=args.seed, tw_orders=0, kr_orders=0)
    plan = Plan.make(sandbox, args.requests)
    faults = count_faults(sandbox)
    with sandbox:
        start = sandbox.now() - timedelta(minutes=1)
        clients = {market: make_client(coupang, sandbox, market) for market in ("KR", "TW")}
        seller = Seller(coupang, clients, plan, start)
        sandbox.enable_random_faults(FAULT_RATE, seed=args.seed, names=FAULTS)
        for endpoint in ANSWER_ENDPOINTS:
            for kind, options in WRITE_FAULTS:
                sandbox.inject(endpoint, kind, **options)
        plan.answer_in_wing(sandbox)
        for number in range(FAULTY_CHECKS):
            seller.check()
            if number == 0:
                plan.withdraw_returns(sandbox)
        faulty = faults.total()
        sandbox.clear_faults()
        for _check in range(CLEAN_CHECKS):
            if not seller.check():
                break
        problems = plan.problems(sandbox, seller)
    proved = (
        f"{len(sandbox.returns.receipts)} requests ({plan.summary()}); {faulty} faults ({dict(faults)}) in "
        f"{len(sandbox.requests)} calls over {seller.checks} checks ({seller.failed_checks} stopped by a fault, "
        f"{seller.unknown_outcomes} answers of unknown outcome, {seller.refused} refused as already done); "
        f"in Wing: {plan.wing_summary()}; every request seen, every answer carried out exactly once (API or "
        "Wing) and none after the answer in Wing or the withdrawal, every Korean request and every return not "
        "withdrawn completed, the Taiwan stop-shipment requests left for Wing"
    )
    return common.verdict("returns run", problems, proved)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conf", required=True, help="Odoo configuration file (its addons path)")
    parser.add_argument("--requests", type=int, default=60, help="requests the buyers make")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def make_client(coupang, sandbox, market):
    vendor = sandbox.demo_vendor
    return coupang.CoupangClient(
        vendor.vendor_id, vendor.access_key, vendor.secret_key, base_url=sandbox.base_url, market=market, **FAST_CLIENT
    )


class Plan:
    """What the buyers did, and what the seller is to answer."""

    def __init__(self):
        self.stopped = {}  # receiptId -> box, not shipped: stoppedShipment
        self.shipped = {}  # receiptId -> (box, waybill): completedShipment, then the return
        self.returns = {}  # receiptId -> box: receiveConfirmation, approval
        self.canceled = {}  # receiptId -> box canceled while ACCEPT: nothing to answer
        self.left_for_wing = {}  # receiptId -> box: Taiwan stop-shipment requests
        self.done_in_wing = set()  # receiptIds the seller answered in Wing
        self.withdrawn = {}  # receiptId -> answer calls Coupang had received for it when withdrawn

    @classmethod
    def make(cls, sandbox, count):
        plan = cls()
        for index in range(count):
            kind = index % 10
            if kind < 4:
                order = sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS)
                counts = {80012340001: 1} if index % 3 == 1 else None
                receipt = sandbox.buyer_cancel(order.shipment_box_id, counts)
                if index % 3 == 2:
                    plan.shipped[receipt.receipt_id] = (order, f"6{order.shipment_box_id % 10**11:011d}")
                else:
                    plan.stopped[receipt.receipt_id] = order
            elif kind < 7:
                market = "TW" if kind == 6 else "KR"
                order = sandbox.add_order(market, status="FINAL_DELIVERY", items=TWO_ITEMS)
                plan.returns[sandbox.buyer_return(order.shipment_box_id).receipt_id] = order
            elif kind < 9:
                order = sandbox.add_order("KR" if kind == 7 else "TW", status="ACCEPT" if kind == 7 else "INSTRUCT")
                receipt = sandbox.buyer_cancel(order.shipment_box_id)
                (plan.canceled if kind == 7 else plan.left_for_wing)[receipt.receipt_id] = order
            else:
                order = sandbox.add_order("TW", status="DELIVERING", items=TWO_ITEMS)
                plan.returns[sandbox.buyer_return(order.shipment_box_id, {80012340005: 1}).receipt_id] = order
        return plan

    def summary(self):
        return (
            f"{len(self.stopped)} to stop, {len(self.shipped)} already shipped, {len(self.returns)} returns, "
            f"{len(self.canceled)} canceled at once, {len(self.left_for_wing)} Taiwan stop-shipment requests"
        )

    def answer_in_wing(self, sandbox):
        """The seller answers in Wing: a third of the returns (confirmed and approved) and half the
        Korean stop-shipment requests."""
        for receipt_id in sorted(self.returns)[::3]:
            sandbox.complete_return_in_wing(receipt_id)
            self.done_in_wing.add(receipt_id)
        for receipt_id in sorted(self.stopped)[::2]:
            sandbox.answer_stop_in_wing(receipt_id)
            self.done_in_wing.add(receipt_id)

    def withdraw_returns(self, sandbox):
        """The buyers withdraw another third of the returns, those the client has not finished nor
        has an answer on the way for (a late answer's reply)."""
        busy = answers_on_the_way(sandbox)
        for receipt_id in sorted(self.returns)[1::3]:
            if sandbox.receipt(receipt_id).status != "RETURNS_COMPLETED" and receipt_id not in busy:
                self.withdrawn[receipt_id] = common.answer_calls(sandbox, receipt_id)
                sandbox.withdraw_return(receipt_id)

    def wing_summary(self):
        return f"{len(self.done_in_wing)} requests answered, {len(self.withdrawn)} returns withdrawn"

    def expected_answers(self):
        expected = Counter()
        for receipt_id in self.stopped:
            expected[receipt_id, "stop_shipment"] = 1
        for receipt_id in self.shipped:
            for answer in ("complete_shipment", "receive_confirmation", "approval"):
                expected[receipt_id, answer] = 1
        for receipt_id in self.returns:
            for answer in ("receive_confirmation", "approval"):
                expected[receipt_id, answer] = 1
        return expected

    def _answer_problems(self, sandbox):
        desk = sandbox.returns
        expected, answers = self.expected_answers(), desk.answers + desk.wing_answers
        wrong = {
            key: answers.get(key, 0)
            for key in set(expected) | set(answers)
            if key[0] not in self.withdrawn and answers.get(key, 0) != expected[key]
        }
        problems = []
        if wrong:
            problems.append(
                f"{len(wrong)} answers not carried out exactly once as planned: {dict(list(wrong.items())[:5])}"
            )
        # A late answer of the client's own (an earlier one still on its way) is refused and harmless.
        after_wing = {key: count for key, count in desk.late_answers.items() if key[0] in self.done_in_wing}
        if after_wing:
            problems.append(f"answers sent after the seller completed the request in Wing: {after_wing}")
        late = [
            receipt_id
            for receipt_id, calls in self.withdrawn.items()
            if common.answer_calls(sandbox, receipt_id) != calls
        ]
        if late:
            problems.append(f"answers sent after the buyer withdrew the return: {late[:5]}")
        return problems

    def problems(self, sandbox, seller):
        problems = []
        receipts = sandbox.returns.receipts
        unseen = sorted(set(receipts) - {int(receipt_id) for receipt_id in seller.seen} - self.done_in_wing)
        if unseen:
            problems.append(f"{len(unseen)} of {len(receipts)} requests were never listed, e.g. {unseen[:5]}")
        if seller.unreadable:
            problems.append(f"{len(seller.unreadable)} listed rows could not be read: {seller.unreadable[:3]}")
        problems += self._answer_problems(sandbox)
        done = {*self.stopped, *self.shipped, *self.returns} - set(self.withdrawn)
        unfinished = [receipt_id for receipt_id in done if receipts[receipt_id].status != "RETURNS_COMPLETED"]
        if unfinished:
            problems.append(f"{len(unfinished)} requests not completed, e.g. {receipts[unfinished[0]].status}")
        if any(receipts[receipt_id].status != "RELEASE_STOP_UNCHECKED" for receipt_id in self.left_for_wing):
            problems.append("a Taiwan stop-shipment request was answered through the API")
        problems += self._box_problems(receipts)
        return problems

    def _box_problems(self, receipts):
        problems = []
        for receipt_id, order in self.stopped.items():
            canceled = {line.vendor_item_id: line.cancel_count for line in receipts[receipt_id].lines}
            if any(
                line.cancel_count != canceled.get(line.vendor_item_id, 0) or line.hold_count_for_cancel
                for line in order.lines
            ):
                problems.append(f"box {order.shipment_box_id} was not stopped as the buyer asked")
        for order, waybill in self.shipped.values():
            if (order.status, order.invoice_number) != ("DEPARTURE", waybill):
                problems.append(f"box {order.shipment_box_id} is {order.status} with waybill {order.invoice_number!r}")
        for receipt_id, order in self.returns.items():
            if receipt_id in self.withdrawn:
                continue
            returned = {line.vendor_item_id: line.cancel_count for line in receipts[receipt_id].lines}
            if any(line.cancel_count != returned.get(line.vendor_item_id, 0) for line in order.lines):
                problems.append(f"box {order.shipment_box_id}: the return's items were not refunded")
        return problems


def answers_on_the_way(sandbox):
    """The receipts with an answer call the sandbox has not replied to yet (or never will: a reset)."""
    return {
        int(request.path.split("/returnRequests/")[1].split("/")[0])
        for request in sandbox.requests
        if request.method == "PUT" and "/returnRequests/" in request.path and request.status is None
    }


class Seller:
    """Checks the requests of both markets and answers them, as the addon's scheduled check will."""

    def __init__(self, coupang, clients, plan, since):
        self.coupang = coupang
        self.clients = clients
        self.plan = plan
        self.since = since
        self.seen = {}  # receiptId -> the request as last listed
        self.unreadable = []
        self.checks = self.failed_checks = self.unknown_outcomes = self.refused = 0

    def check(self):
        """One check of every list of both markets; returns how many answers it sent."""
        self.checks += 1
        sent = 0
        try:
            for market, client in self.clients.items():
                sent += self._check_market(market, client)
        except self.coupang.CoupangError:
            self.failed_checks += 1  # a list could not be read: the next check starts again
            return 1
        return sent

    def _check_market(self, market, client):
        sent, in_doubt = 0, set()
        until = datetime.now(timezone.utc) + timedelta(minutes=1)  # the sandbox's clock is real time
        for cancel_type, status in (("CANCEL", None), ("RETURN", "RU"), ("RETURN", "UC")):
            rows = client.iter_return_requests(
                self.since, until, cancel_type=cancel_type, status=status, by_minute=True
            )
            for request in rows:
                if isinstance(request, self.coupang.UnreadableReturnRequest):
                    self.unreadable.append(request.reason)
                    continue
                self.seen[request.receipt_id] = request
                if request.receipt_id not in in_doubt and self._answer(market, client, request, in_doubt):
                    sent += 1
        return sent

    def _answer(self, market, client, request, in_doubt):
        call = self._next_answer(market, client, request)
        if call is None:
            return False
        try:
            call()
        except self.coupang.RequestRejectedError:
            self.refused += 1  # done meanwhile (an earlier answer's outcome was unknown): read again later
            in_doubt.add(request.receipt_id)
        except self.coupang.CoupangError:
            self.unknown_outcomes += 1
            in_doubt.add(request.receipt_id)
        return True

    def _next_answer(self, market, client, request):
        receipt_id = int(request.receipt_id)
        if request.awaits_shipment_answer:
            if market != "KR":
                return None  # Coupang offers these answers to Korean stores only: answered in Wing
            if receipt_id in self.plan.shipped:
                waybill = self.plan.shipped[receipt_id][1]
                return lambda: client.complete_shipment(request.receipt_id, "CJGLS", waybill)
            return lambda: client.stop_shipment(request.receipt_id, request.cancel_count_sum)
        if request.can_confirm_receipt:
            return lambda: client.confirm_return_receipt(request.receipt_id)
        if request.can_approve:
            return lambda: client.approve_return(request.receipt_id, request.cancel_count_sum)
        return None


if __name__ == "__main__":
    common.run(main)
