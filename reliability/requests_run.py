"""Requests run: the addon's requests check under 20% faults on Coupang's answers. Orders are
imported, then buyers cancel some (whole or in part) before shipment, cancel some the warehouse had
already shipped and return shipped ones; the scheduled check runs under the fault run's faults
(each answer endpoint also meets its answer cut off, too late, 500 and a reset first), the
warehouse receiving the returns as their return pickings appear, then without faults: every
request is kept once and ends where it should, every answer Coupang needs was carried out once.

Then the HTTP requests of one fetch, with 0, 100 and 1000 more open orders: they stay the same.

The store is a Taiwan one: Coupang offers the stop-shipment answers to Korean stores only, so the
stop-shipment requests are applied in Odoo and left for Wing, and no stoppedShipment or
completedShipment call is made. The seller acts in Wing behind the addon's back during the faulty
checks: after the first, a third of the returns are confirmed and approved in Wing and the buyers
withdraw another third; halfway, the stop-shipment requests are answered in Wing. The warehouse
had picked the boxes canceled in part before the buyer canceled; after the checks it validates
their deliveries. Every request is answered at most once (through the API or in Wing), none after
Coupang completed it, and no delivery ships a canceled unit.

Usage: python3 -m reliability.requests_run --conf odoo.conf --db DB [--orders 60]
"""

from collections import Counter

from odoo import Command
from odoo.exceptions import UserError
from testbed import harness

from . import common
from .fault_run import FAULT_RATE, FAULTS, WRITE_FAULTS, count_faults, fetch

ANSWER_ENDPOINTS = ("stop_shipment", "complete_shipment", "receive_confirmation", "approval")
FAULTY_CHECKS = 10
CLEAN_CHECKS = 2
OPEN_ORDER_COUNTS = (0, 100, 1000)


def main():
    with common.started(__doc__, "Requests run") as run, harness.fast_client():
        if fetch(run) != "done":
            return common.verdict("requests run", ["the first fetch did not import every order"], "")
        plan = make_requests(run)
        faults = count_faults(run.sandbox)
        run.sandbox.enable_random_faults(FAULT_RATE, seed=run.args.seed, names=FAULTS)
        for endpoint in ANSWER_ENDPOINTS:
            for kind, options in WRITE_FAULTS:
                run.sandbox.inject(endpoint, kind, **options)
        for number in range(FAULTY_CHECKS):
            check(run)
            if number == 0:
                act_on_returns_in_wing(run, plan)
            if number == FAULTY_CHECKS // 2:
                answer_in_wing(run, plan)
        faulty = faults.total()
        run.sandbox.clear_faults()
        for _check in range(CLEAN_CHECKS):
            check(run)
        problems = plan.problems(run) + ship_partly_stopped(run, plan)
        figures = measure_fetch_requests(run)
        if len(set(figures.values())) != 1:
            problems.append(f"the HTTP requests of a fetch grow with the open orders: {figures}")
    proved = (
        f"{len(run.orders)} orders, {plan.summary()}; {faulty} faults ({dict(faults)}) over {FAULTY_CHECKS} checks, "
        f"then {CLEAN_CHECKS} without: every request kept once and applied, every answer carried out exactly "
        "once (API or Wing) and none after Coupang completed the request or the buyer withdrew it, no canceled "
        f"unit shipped; HTTP requests of a fetch with {', '.join(map(str, figures))} open orders: "
        f"{', '.join(map(str, figures.values()))}"
    )
    return common.verdict("requests run", problems, proved)


class Plan:
    def __init__(self):
        self.stopped = {}  # receiptId -> (sale order id, canceled counts or None for all, quantity before)
        self.shipped = {}  # receiptId -> sale order id, canceled after the warehouse shipped it
        self.returns = {}  # receiptId -> sale order id
        self.completed_in_wing = set()  # receiptIds of returns the seller completed in Wing
        self.withdrawn = {}  # receiptId -> answer calls Coupang had received for it when withdrawn

    def summary(self):
        return (
            f"{len(self.stopped)} stop-shipment requests ({self.partial_count()} in part), {len(self.shipped)} on "
            f"boxes already shipped, {len(self.returns)} returns ({len(self.completed_in_wing)} completed in Wing, "
            f"{len(self.withdrawn)} withdrawn)"
        )

    def partial_count(self):
        return sum(counts is not None for _order_id, counts, _quantity in self.stopped.values())

    def problems(self, run):
        problems = []
        with harness.environment(run.registry) as env:
            Request = env["ec.coupang.request"]
            requests = {int(request.receipt_id): request for request in Request.search([])}
            desk = run.sandbox.returns
            missing = set(desk.receipts) - set(requests)
            if missing:
                problems.append(f"{len(missing)} of {len(desk.receipts)} requests were never kept, e.g. {min(missing)}")
            expected = self._expected_answers()
            answers = desk.answers + desk.wing_answers
            wrong = {key: answers.get(key, 0) for key in set(expected) | set(answers) if answers[key] != expected[key]}
            if wrong:
                problems.append(
                    f"{len(wrong)} answers not carried out exactly once (API or Wing): {dict(list(wrong.items())[:5])}"
                )
            if desk.late_answers:
                problems.append(f"answers sent after Coupang completed the request: {dict(desk.late_answers)}")
            after_withdrawal = {
                receipt_id: calls
                for receipt_id, before in self.withdrawn.items()
                if (calls := common.answer_calls(run.sandbox, receipt_id)) != before
            }
            if after_withdrawal:
                problems.append(f"answers sent after the buyer withdrew the return: {after_withdrawal}")
            if run.sandbox.requests_to("stop_shipment") or run.sandbox.requests_to("complete_shipment"):
                problems.append("a stop-shipment answer was sent through the API for the Taiwan store")
            problems += self._state_problems(requests)
        return problems

    def _expected_answers(self):
        expected = Counter()
        for receipt_id in self.stopped:
            expected[receipt_id, "stop_shipment"] = 1  # the seller's answer in Wing (answer_in_wing)
        for receipt_id in self.returns:
            if receipt_id not in self.withdrawn:
                expected[receipt_id, "receive_confirmation"] = expected[receipt_id, "approval"] = 1
        return expected

    def _state_problems(self, requests):
        problems = []
        wanted = {
            **{receipt_id: "done" for receipt_id in self.stopped},
            **{receipt_id: "person" for receipt_id in self.shipped},
            **{receipt_id: "done" for receipt_id in self.returns},
        }
        wrong = {
            receipt_id: (requests[receipt_id].state, requests[receipt_id].reason)
            for receipt_id, state in wanted.items()
            if receipt_id in requests and requests[receipt_id].state != state
        }
        if wrong:
            problems.append(f"{len(wrong)} requests not where they should be: {dict(list(wrong.items())[:3])}")
        for receipt_id, (order_id, counts, quantity) in self.stopped.items():
            order = requests[receipt_id].env["sale.order"].browse(order_id) if receipt_id in requests else None
            if order is None:
                continue
            if counts is None and order.state != "cancel":
                problems.append(f"{order.name} was not canceled")
            if counts is not None and sum(order.order_line.mapped("product_uom_qty")) >= quantity:
                problems.append(f"{order.name}: the canceled quantity is still to ship")
        if any(not requests[receipt_id].sale_order_id.ec_shipped_despite_stop for receipt_id in self.shipped):
            problems.append("an order shipped despite a stop request is not flagged")
        return problems


def make_requests(run):
    """The buyers' requests on the imported orders: a quarter canceled whole, a quarter in part, a
    quarter canceled after the warehouse shipped them, a quarter shipped and returned."""
    plan = Plan()
    with harness.environment(run.registry) as env:
        orders = harness.account_orders(env["ec.account"].browse(run.account_id))
        quarters = [orders[index::4] for index in range(4)]
        harness.ship_orders(quarters[2] | quarters[3])
        for order in quarters[0] | quarters[1]:
            counts = None
            box = run.sandbox.order(int(order.coupang_shipment_box_id))
            if order in quarters[1] and sum(line.shipping_count for line in box.lines) > 1:
                counts = {box.lines[0].vendor_item_id: 1}
                order.picking_ids.move_ids.picked = True  # the warehouse picked the whole box
                env.cr.commit()
            receipt = run.sandbox.buyer_cancel(box.shipment_box_id, counts)
            plan.stopped[receipt.receipt_id] = (order.id, counts, sum(order.order_line.mapped("product_uom_qty")))
        for order in quarters[2]:
            plan.shipped[run.sandbox.buyer_cancel(int(order.coupang_shipment_box_id)).receipt_id] = order.id
        for order in quarters[3]:
            run.sandbox.order(int(order.coupang_shipment_box_id)).status = "FINAL_DELIVERY"
            plan.returns[run.sandbox.buyer_return(int(order.coupang_shipment_box_id)).receipt_id] = order.id
    return plan


def check(run):
    """The scheduled check, then the warehouse receives the returns whose pickings are there."""
    with harness.environment(run.registry) as env:
        env["ec.coupang.request.checker"]._cron_check_requests()
    with harness.environment(run.registry) as env:
        returns = env["ec.coupang.request"].search([("return_picking_id.state", "not in", ("done", "cancel"))])
        for picking in returns.return_picking_id:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()
            env.cr.commit()


def answer_in_wing(run, plan):
    """The seller answers the Taiwan stop-shipment requests in Wing (Shipment Stopped)."""
    for receipt_id in plan.stopped:
        run.sandbox.answer_stop_in_wing(receipt_id)


def act_on_returns_in_wing(run, plan):
    """Behind the addon's back: the seller confirms and approves a third of the returns in Wing, the
    buyers withdraw another third (those Coupang has not completed yet)."""
    desk = run.sandbox.returns
    for index, receipt_id in enumerate(sorted(plan.returns)):
        if desk.receipts[receipt_id].status == "RETURNS_COMPLETED":
            continue
        if index % 3 == 0:
            run.sandbox.complete_return_in_wing(receipt_id)
            plan.completed_in_wing.add(receipt_id)
        elif index % 3 == 1:
            plan.withdrawn[receipt_id] = common.answer_calls(run.sandbox, receipt_id)
            run.sandbox.withdraw_return(receipt_id)


def ship_partly_stopped(run, plan):
    """The warehouse validates the deliveries of the boxes canceled in part; returns the problems:
    a canceled unit shipped, or a delivery refused."""
    problems = []
    with harness.environment(run.registry) as env:
        orders = env["sale.order"].browse(
            order_id for order_id, counts, _quantity in plan.stopped.values() if counts is not None
        )
        try:
            harness.ship_orders(orders)
        except UserError as error:
            return [f"a delivery of a box canceled in part could not be validated: {error}"]
        for line in orders.order_line:
            delivered = line.move_ids.filtered(lambda move: move.state == "done" and move.picking_code == "outgoing")
            shipped = sum(delivered.mapped("quantity"))
            if shipped > line.product_uom_qty:
                problems.append(f"{line.order_id.name}: {shipped:g} of {line.product_uom_qty:g} shipped")
        phantom = orders.order_line.move_ids.filtered(
            lambda move: move.picking_code == "incoming" and not move.origin_returned_move_id and move.state != "cancel"
        )
        if phantom:
            problems.append(f"{len(phantom)} receipts from the buyer of units that never left: {phantom[0].reference}")
    return problems


def measure_fetch_requests(run):
    """{open orders: HTTP requests of one fetch} with that many more open orders of the store."""
    figures = {}
    with harness.environment(run.registry) as env:
        account = env["ec.account"].browse(run.account_id)
        product = harness.account_orders(account)[:1].order_line[:1].product_id
        partner = env["res.partner"].create({"name": "Open order buyer"})
        made = 0
        for count in OPEN_ORDER_COUNTS:
            env["sale.order"].create(
                [open_order_values(account, partner, product, f"9{index:010d}") for index in range(made, count)]
            )
            made = count
            env.cr.commit()
            run.sandbox.clear_requests()
            fetch(run)
            figures[count] = len(run.sandbox.requests)
    return figures


def open_order_values(account, partner, product, box_id):
    """A sale order of a box Coupang still has to ship (confirmed, not shipped): what a per-box
    re-read of open orders would read again."""
    return {
        "partner_id": partner.id,
        "state": "sale",
        "ec_account_id": account.id,
        "ec_store_key": account._coupang_store_key(),
        "coupang_shipment_box_id": box_id,
        "coupang_status": "INSTRUCT",
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
    }


if __name__ == "__main__":
    common.run(main)
