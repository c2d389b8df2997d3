from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.ec_coupang.coupang import CoupangClient
from odoo.tests import tagged

from .push_common import TEA, TEAPOT
from .requests_common import TWO_ITEMS, RequestCase

RETURNS_TO_RECEIVE = [
    ("ec_request_ids", "any", [("kind", "=", "return"), ("state", "in", ("to_apply", "waiting", "failed"))])
]


@tagged("post_install", "-at_install")
class TestReturns(RequestCase):
    def shipped_order(self, items=TWO_ITEMS):
        order = self.create_coupang_order(items)
        self.ship(order.picking_ids, "TJ1001")
        self.sheet(order).status = "DELIVERING"
        return order

    def requested_return(self):
        """A shipped order whose buyer asked for a return, and the request the check kept."""
        order = self.shipped_order()
        receipt = self.sandbox.buyer_return(int(order.coupang_shipment_box_id))
        self.check()
        return order, receipt, self.request_of(receipt)

    def receive(self, request):
        picking = request.return_picking_id
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_return_is_received_into_the_warehouse_and_approved(self):
        order, receipt, request = self.requested_return()
        self.assertRecordValues(request, [{"kind": "return", "state": "waiting", "sale_order_id": order.id}])
        self.assertEqual(order.coupang_status, "returning")
        self.assertEqual(order.ec_request_state, "return_to_receive")
        self.assertEqual(self.env["sale.order"].search(RETURNS_TO_RECEIVE), order)
        returned = request.return_picking_id
        self.assertEqual(returned.return_id, order.picking_ids.filtered(lambda picking: not picking.return_id))
        self.assertEqual(returned.location_dest_id, returned.picking_type_id.default_location_dest_id)
        self.assertEqual(
            {move.product_id.default_code: move.product_uom_qty for move in returned.move_ids}, {TEA: 2, TEAPOT: 1}
        )
        self.assertEqual(returned.ec_request_state, "return_to_receive")
        self.assertEqual(self.answers(receipt), {}, "nothing is confirmed before the goods arrive")
        self.receive(request)
        self.check()
        self.assertEqual(self.answers(receipt), {"receive_confirmation": 1, "approval": 1})
        self.assertEqual(request.state, "done")
        self.assertEqual(order.coupang_status, "returned")
        self.assertEqual(self.sandbox.receipt(receipt.receipt_id).status, "RETURNS_COMPLETED")
        self.check()
        self.assertEqual(self.answers(receipt), {"receive_confirmation": 1, "approval": 1})

    def test_partial_return_returns_the_requested_quantity(self):
        order = self.shipped_order()
        receipt = self.sandbox.buyer_return(int(order.coupang_shipment_box_id), {self.vendor_item(TEA): 1})
        self.check()
        returned = self.request_of(receipt).return_picking_id
        self.assertEqual(
            [(move.product_id.default_code, move.product_uom_qty) for move in returned.move_ids], [(TEA, 1)]
        )

    def test_return_approved_by_the_button_when_not_automatic(self):
        self.account.approve_returns_on_receipt = False
        order, receipt, request = self.requested_return()
        self.receive(request)
        self.check()
        self.assertRecordValues(request, [{"state": "answered", "answer": "receive_confirmation"}])
        self.assertEqual(order.ec_request_state, "return_to_approve")
        self.assertEqual(self.answers(receipt), {"receive_confirmation": 1})
        request.action_approve_return()
        self.assertEqual(request.state, "done")
        self.assertEqual(self.answers(receipt), {"receive_confirmation": 1, "approval": 1})

    def test_defect4_return_completed_in_wing_is_not_answered_again(self):
        order, receipt, request = self.requested_return()
        self.sandbox.complete_return_in_wing(receipt.receipt_id)
        self.receive(request)
        self.check()
        self.assertEqual(request.state, "done")
        self.assertEqual(order.coupang_status, "returned")
        self.check()
        request.action_retry()
        self.assertEqual(self.answers(receipt), {}, "the seller answered in Wing")
        self.assertFalse(self.sandbox.returns.late_answers)
        self.assertFalse(self.sandbox.requests_to("receive_confirmation"))

    def test_defect4_refusal_as_already_returned_is_read_again_and_done(self):
        _order, receipt, request = self.requested_return()
        approve_return = CoupangClient.approve_return

        def approved_in_wing_meanwhile(client, receipt_id, cancel_count):
            self.sandbox.complete_return_in_wing(receipt_id)
            return approve_return(client, receipt_id, cancel_count)

        self.receive(request)
        with patch.object(CoupangClient, "approve_return", approved_in_wing_meanwhile):
            self.check()
        self.assertRecordValues(request, [{"state": "done", "answer": "receive_confirmation"}])
        self.assertEqual(self.answers(receipt), {"receive_confirmation": 1})
        self.assertEqual(self.sandbox.returns.late_answers, {(receipt.receipt_id, "approval"): 1})
        self.check()
        self.assertEqual(len(self.sandbox.requests_to("approval")), 1)

    def test_defect4_a_run_reads_the_request_again_after_its_lock(self):
        self.account.approve_returns_on_receipt = False
        _order, receipt, request = self.requested_return()
        self.receive(request)
        self.assertEqual((request.state, request.answer), ("to_apply", False))
        # Another run (a user's Retry) confirmed the receipt and committed while this one waited.
        with self.account._coupang_client() as client:
            client.confirm_return_receipt(receipt.receipt_id)
        self.env.cr.execute(
            "UPDATE ec_coupang_request SET state = 'answered', answer = 'receive_confirmation' WHERE id = %s",
            [request.id],
        )
        self.check()
        self.assertEqual(len(self.sandbox.requests_to("receive_confirmation")), 1)
        self.assertRecordValues(request, [{"state": "answered", "answer": "receive_confirmation"}])

    def test_withdrawn_return_is_closed_with_a_note(self):
        _order, receipt, request = self.requested_return()
        self.sandbox.withdraw_return(receipt.receipt_id)
        self.check()
        self.assertEqual(request.state, "waiting", "read again once a day, not at every check")
        request.coupang_read_at = fields.Datetime.now() - timedelta(days=2)
        self.check()
        self.assertEqual(request.state, "done")
        self.assertIn("withdrew", request.reason)
        self.assertEqual(request.return_picking_id.state, "cancel")
        self.assertFalse(self.answers(receipt))
