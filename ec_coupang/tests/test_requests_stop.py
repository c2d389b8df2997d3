from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..coupang import CoupangClient
from ..tools.coupang_errors import text_message
from .push_common import TEA, TEAPOT
from .requests_common import TWO_ITEMS, RequestCase


@tagged("post_install", "-at_install")
class TestStopShipment(RequestCase):
    def test_canceled_before_acknowledgement_cancels_the_order(self):
        order = self.create_coupang_order(TWO_ITEMS, status="ACCEPT")
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.check()
        request = self.request_of(receipt)
        self.assertRecordValues(request, [{"kind": "cancel", "state": "done", "sale_order_id": order.id}])
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertEqual(self.answers(receipt), {}, "Coupang canceled it at once: nothing to answer")

    def test_canceled_before_import_needs_nothing(self):
        box = self.sandbox.add_order("TW", status="ACCEPT", items=TWO_ITEMS)
        receipt = self.sandbox.buyer_cancel(box.shipment_box_id)
        self.check()
        self.assertRecordValues(self.request_of(receipt), [{"kind": "cancel", "state": "done", "sale_order_id": False}])

    def stopped_whole_before_the_first_fetch(self, account):
        """A box taken into preparation in Wing, its buyer's stop of all of it, then the account's
        first fetch, whose requests check follows: (the receipt, the fetch's log)."""
        self.clear_sandbox_orders()
        box = self.sandbox.add_order(account.coupang_market, status="INSTRUCT", items=TWO_ITEMS)
        receipt = self.sandbox.buyer_cancel(box.shipment_box_id)
        log = account._fetch_orders()
        self.assertEqual((log.count_read, log.count_created, log.count_canceled), (1, 0, 1), log.summary)
        return receipt, log

    def test_whole_stop_of_a_box_never_imported_is_answered_once(self):
        """Nothing of the box was imported, so nothing shipped: the stop is answered, not sent to a person."""
        receipt, _log = self.stopped_whole_before_the_first_fetch(self.kr_account)
        request = self.request_of(receipt)
        self.assertRecordValues(request, [{"kind": "stop", "state": "done", "answer": "stop_shipment"}])
        self.assertFalse(request.sale_order_id)
        self.check(self.kr_account)
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})

    def test_taiwan_whole_stop_of_a_box_never_imported_waits_for_wing(self):
        receipt, _log = self.stopped_whole_before_the_first_fetch(self.account)
        request = self.request_of(receipt)
        self.assertRecordValues(request, [{"kind": "stop", "state": "waiting", "reason_code": "stop_answer_in_wing"}])
        self.assertEqual(self.answers(receipt), {})

    def test_whole_stop_after_acknowledgement_cancels_and_answers_once(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.check(self.kr_account)
        request = self.request_of(receipt)
        self.assertRecordValues(
            request, [{"kind": "stop", "state": "done", "answer": "stop_shipment", "delivery_stopped": True}]
        )
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertEqual(order.coupang_status, "canceled")
        self.assertEqual(order.ec_request_state, "stopped")
        self.assertEqual(self.sandbox.receipt(receipt.receipt_id).status, "RETURNS_COMPLETED")
        self.assertIn("Coupang stop-shipment request applied", order.activity_ids.mapped("summary"))
        self.check(self.kr_account)
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})
        self.assertEqual(len(self.request_of(receipt)), 1)

    def test_partial_stop_lowers_the_quantities(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id), {self.vendor_item(TEA): 1})
        self.check(self.kr_account)
        self.assertEqual(order.state, "sale")
        quantities = {line.product_id.default_code: line.product_uom_qty for line in order.order_line}
        self.assertEqual(quantities, {TEA: 1, TEAPOT: 1})
        moves = order.picking_ids.filtered(lambda picking: picking.state != "cancel").move_ids
        to_ship = {}
        for move in moves.filtered(lambda move: move.state != "cancel"):
            to_ship[move.product_id.default_code] = to_ship.get(move.product_id.default_code, 0) + move.product_uom_qty
        self.assertEqual(to_ship, {TEA: 1, TEAPOT: 1})
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})
        self.assertEqual(self.request_of(receipt).state, "done")

    def test_stop_answered_in_wing_before_any_check_cancels_the_delivery(self):
        """The seller stops the box in Wing before a check lists the request: it is listed as a
        completed one only (CC), and its units must still come off the delivery."""
        order = self.create_coupang_order(TWO_ITEMS)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.sandbox.answer_stop_in_wing(receipt.receipt_id)
        self.check()
        request = self.request_of(receipt)
        self.assertRecordValues(request, [{"kind": "stop", "state": "done", "delivery_stopped": True}])
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertEqual(self.answers(receipt), {}, "answered in Wing: nothing is sent")

    def test_taiwan_stop_cancels_in_odoo_and_waits_for_coupang(self):
        order = self.create_coupang_order(TWO_ITEMS)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.check()
        request = self.request_of(receipt)
        self.assertEqual(order.state, "cancel")
        self.assertRecordValues(request, [{"state": "waiting", "delivery_stopped": True, "answer": False}])
        self.assertIn("Wing", request.reason)
        self.assertFalse(self.sandbox.requests_to("stop_shipment"), "Coupang offers no answer to Taiwan stores")
        # The seller answers in Wing; Coupang's status confirms it.
        self.sandbox.returns.stop_shipment(self.sandbox.receipt(receipt.receipt_id), receipt.cancel_count_sum)
        self.check()
        self.assertEqual(request.state, "done")

    def test_delivery_with_a_pending_stop_request_cannot_be_validated(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        # Listed, not applied yet.
        self.sandbox.inject("stop_shipment", "status", status=500)
        self.check(self.kr_account)
        request = self.request_of(receipt)
        self.assertEqual(request.state, "waiting")
        picking = order.picking_ids
        self.assertEqual(picking.ec_request_state, "stop_requested")
        with self.assertRaisesText(UserError, "asked Coupang to stop this shipment"):
            self.ship(picking, "612345678901", carrier=self.kr_carrier)
        self.check(self.kr_account)
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})

    def test_already_shipped_answers_with_the_tracking_number(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        self.ship_kr(order)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.check(self.kr_account)
        request = self.request_of(receipt)
        self.assertRecordValues(request, [{"state": "answered", "answer": "complete_shipment"}])
        call = self.sandbox.requests_to("complete_shipment")[0]
        self.assertEqual((call.json["deliveryCompanyCode"], call.json["invoiceNumber"]), ("CJGLS", "612345678901"))
        self.assertTrue(order.ec_shipped_despite_stop)
        self.assertIn("Coupang order shipped despite a stop request", order.activity_ids.mapped("summary"))
        self.assertEqual(order.picking_ids.state, "done")
        # Coupang turned the request into a return: the next check prepares its receipt.
        self.check(self.kr_account)
        self.assertEqual(request.kind, "return")
        self.assertTrue(request.return_picking_id)
        self.assertEqual(self.answers(receipt), {"complete_shipment": 1})

    def test_the_order_is_flagged_only_after_coupang_took_the_shipped_answer(self):
        """Nothing of the sale order is written before the call: a user's save of the order never
        waits for Coupang's answer (the answer is committed before the order is flagged)."""
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        self.ship_kr(order)
        self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        flagged_during_the_call = []
        complete_shipment = CoupangClient.complete_shipment

        def answer(client, *args, **kwargs):
            flagged_during_the_call.append(order.ec_shipped_despite_stop)
            return complete_shipment(client, *args, **kwargs)

        with patch.object(CoupangClient, "complete_shipment", answer):
            self.check(self.kr_account)
        self.assertEqual(flagged_during_the_call, [False])
        self.assertTrue(order.ec_shipped_despite_stop)

    def test_taiwan_already_shipped_asks_a_person(self):
        order = self.create_coupang_order(TWO_ITEMS)
        self.ship(order.picking_ids, "TJ0001")
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.check()
        request = self.request_of(receipt)
        self.assertEqual(request.state, "person")
        self.assertIn("Wing", request.reason)
        self.assertTrue(order.ec_shipped_despite_stop)
        self.assertFalse(self.sandbox.requests_to("complete_shipment"))

    def test_tracking_push_moves_the_coupang_status_to_departure(self):
        order = self.create_coupang_order(TWO_ITEMS)
        order.coupang_status = "INSTRUCT"
        self.ship(order.picking_ids, "TJ0002")
        self.run_push_cron()
        self.assertEqual(order.picking_ids.ec_push_state, "done")
        self.assertEqual(order.coupang_status, "DEPARTURE")

    def test_filters_find_the_stop_requests(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.sandbox.inject("stop_shipment", "status", status=500)
        self.check(self.kr_account)
        stop_filter = [
            (
                "ec_request_ids",
                "any",
                [
                    ("kind", "=", "stop"),
                    ("delivery_stopped", "=", False),
                    ("state", "in", ("to_apply", "waiting", "failed")),
                ],
            )
        ]
        self.assertEqual(self.env["sale.order"].search(stop_filter), order)
        self.assertEqual(self.env["stock.picking"].search(stop_filter), order.picking_ids)

    def _shipped_units(self, picking):
        return {move.product_id.default_code: move.quantity for move in picking.move_ids if move.state == "done"}

    def test_defect3_partial_stop_of_a_picked_delivery_ships_no_canceled_unit(self):
        order = self.create_coupang_order(TWO_ITEMS)
        picking = order.picking_ids
        picking.move_ids.picked = True  # the warehouse picked the whole box before the request came
        self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id), {self.vendor_item(TEA): 1})
        self.check()
        self.assertEqual(order.order_line.filtered(lambda line: line.product_id.default_code == TEA).product_uom_qty, 1)
        tea_moves = picking.move_ids.filtered(lambda move: move.product_id.default_code == TEA)
        self.assertEqual((sum(tea_moves.mapped("product_uom_qty")), sum(tea_moves.mapped("quantity"))), (1, 1))
        # Picking the canceled unit again: the guard holds until it is left out.
        tea_moves.quantity = 2
        with self.assertRaisesText(UserError, "canceled"):
            self.ship(picking, "TJ0003")
        tea_moves.quantity = 1
        self.ship(picking, "TJ0003")
        self.assertEqual(self._shipped_units(picking), {TEA: 1, TEAPOT: 1})

    def test_defect6_partial_stop_waiting_for_wing_retries_the_rest_push(self):
        order = self.create_coupang_order(TWO_ITEMS)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id), {self.vendor_item(TEA): 1})
        self.check()
        self.assertEqual(self.request_of(receipt).state, "waiting")
        picking = self.ship(order.picking_ids, "TJ0004")
        self.run_push_cron()
        push = picking.ec_push_ids
        self.assertEqual(push.attempt_ids.result_code, "ORDER_DELIVERY_PARTIAL_STOP_REQUESTED")
        self.assertEqual((push.state, push.attempts), ("pending", 1))
        self.assertTrue(push.next_attempt_at, "Coupang asks to send it again (retryRequired)")
        self.sandbox.answer_stop_in_wing(receipt.receipt_id)
        self.check()
        self.assertEqual(self.request_of(receipt).state, "done")
        push.next_attempt_at = "2000-01-01 00:00:00"
        self.run_push_cron()
        self.assertEqual(push.state, "done")

    def test_defect7_delivery_guard_blocks_on_a_stop_request_not_applied_yet(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        with patch.object(type(self.checker), "_apply_open"):
            self.check(self.kr_account)
        request = self.request_of(receipt)
        self.assertRecordValues(request, [{"state": "to_apply", "picking_ids": []}])
        with self.assertRaisesText(UserError, "asked Coupang to stop this shipment"):
            self.ship(order.picking_ids, "612345678901", carrier=self.kr_carrier)
        request._fail(text_message("Coupang was not reached."))
        with self.assertRaisesText(UserError, str(receipt.receipt_id)):
            self.ship(order.picking_ids, "612345678901", carrier=self.kr_carrier)
