from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .push_common import TEA, TEAPOT
from .requests_common import TWO_ITEMS, RequestCase


@tagged("post_install", "-at_install")
class TestSellerCancel(RequestCase):
    """Cancel on Coupang from a sale order, against the sandbox: Coupang's rules checked before the
    call, the call made once, an answer lost read back from Coupang instead of sent again."""

    def setUp(self):
        super().setUp()
        wing_user = self.sandbox.demo_vendor.wing_user_id
        (self.account | self.kr_account).coupang_wing_user_id = wing_user

    def wizard(self, order, **quantities):
        """The wizard of ``order`` as the button opens it; ``quantities``: {sku: units to cancel}."""
        action = order.action_ec_cancel_on_coupang()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        for sku, units in quantities.items():
            line = wizard.line_ids.filtered(lambda line, sku=sku: line.product_id == self.products[sku])
            line.quantity = units
        return wizard

    def line(self, order, sku):
        return order.order_line.filtered(lambda line: line.product_id == self.products[sku])

    def cancel_calls(self):
        return self.sandbox.requests_to("seller_cancel")

    def test_paid_box_is_canceled_whole(self):
        order = self.create_coupang_order(TWO_ITEMS, status="ACCEPT")
        wizard = self.wizard(order)
        self.assertEqual(wizard.line_ids.mapped("quantity"), [2, 1], "all open units by default")
        result = wizard.action_confirm()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(len(self.cancel_calls()), 1)
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.coupang_status, "canceled")
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertRecordValues(order.ec_cancel_ids, [{"state": "done", "cancel_reason": "CCTTER"}])
        self.assertTrue(order.ec_cancel_ids.receipt_id)
        self.assertIn("Canceled on Coupang by the seller (Out of stock)", order.message_ids[0].body)
        self.assertTrue(all(line.canceled for line in self.sheet(order).lines))
        # The requests check lists Coupang's receipt of the cancel: nothing more is canceled or sent.
        self.check()
        request = self.env["ec.coupang.request"].search([("receipt_id", "=", order.ec_cancel_ids.receipt_id)])
        self.assertEqual(request.sale_order_id, order)
        self.assertEqual(order.ec_cancel_ids.request_id, request)
        self.assertEqual(len(self.cancel_calls()), 1)

    def test_paid_box_is_not_canceled_in_part(self):
        order = self.create_coupang_order(TWO_ITEMS, status="ACCEPT")
        wizard = self.wizard(order, **{TEA: 1})
        with self.assertRaisesRegex(UserError, "only whole"):
            wizard.action_confirm()
        self.assertFalse(self.cancel_calls(), "refused before the call")
        self.assertFalse(order.ec_cancel_ids)
        self.assertEqual(order.state, "sale")

    def test_box_being_prepared_is_canceled_in_part(self):
        order = self.create_coupang_order(TWO_ITEMS)
        wizard = self.wizard(order, **{TEA: 1, TEAPOT: 0})
        wizard.cancel_reason = "CCPRER"
        wizard.action_confirm()
        self.assertEqual(len(self.cancel_calls()), 1)
        self.assertEqual(self.cancel_calls()[0].json["middleCancelCode"], "CCPRER")
        self.assertEqual(self.cancel_calls()[0].json["userId"], self.sandbox.demo_vendor.wing_user_id)
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.line(order, TEA).product_uom_qty, 1)
        self.assertEqual(self.line(order, TEAPOT).product_uom_qty, 1)
        self.assertEqual(
            sum(
                order.picking_ids.move_ids.filtered(lambda m: m.product_id == self.products[TEA]).mapped(
                    "product_uom_qty"
                )
            ),
            1,
        )
        tea = next(line for line in self.sheet(order).lines if line.vendor_item_id == self.vendor_item(TEA))
        self.assertEqual(tea.cancel_count, 1)
        # Coupang's receipt of the stopped units, listed by the requests check, cancels nothing twice.
        self.check()
        self.assertTrue(order.ec_cancel_ids.request_id.delivery_stopped)
        self.assertEqual(self.line(order, TEA).product_uom_qty, 1)
        self.assertEqual(order.state, "sale")
        # More than is left is refused before any call.
        wizard = self.wizard(order, **{TEA: 2})
        with self.assertRaisesRegex(UserError, "not 2"):
            wizard.action_confirm()
        self.assertEqual(len(self.cancel_calls()), 1)

    def test_units_held_by_a_buyer_request_are_not_canceled(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id), {self.vendor_item(TEA): 1})
        self.sandbox.inject("stop_shipment", "status", status=500, times=None)
        self.check(self.kr_account)
        self.assertTrue(self.request_of(receipt).blocks_delivery)
        wizard = self.wizard(order)
        tea = wizard.line_ids.filtered(lambda line: line.product_id == self.products[TEA])
        self.assertRecordValues(tea, [{"open_quantity": 2, "held_quantity": 1, "quantity": 0}])
        tea.quantity = 2
        with self.assertRaisesRegex(UserError, "held by a buyer's request"):
            wizard.action_confirm()
        self.assertFalse(self.cancel_calls())

    def test_units_held_on_coupang_only_are_refused_before_the_call(self):
        order = self.create_coupang_order(TWO_ITEMS)
        self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id), {self.vendor_item(TEA): 1})
        wizard = self.wizard(order, **{TEA: 2, TEAPOT: 0})
        with self.assertRaisesRegex(UserError, "can cancel 1 unit"):
            wizard.action_confirm()
        self.assertFalse(self.cancel_calls())
        self.assertFalse(order.ec_cancel_ids)

    def test_second_cancel_is_refused_and_not_sent(self):
        order = self.create_coupang_order(TWO_ITEMS, status="ACCEPT")
        wizard = self.wizard(order)
        wizard.action_confirm()
        with self.assertRaisesRegex(UserError, "canceled already"):
            wizard.action_confirm()
        with self.assertRaisesRegex(UserError, "canceled already"):
            order.action_ec_cancel_on_coupang()
        self.assertFalse(order.ec_can_cancel_on_coupang)
        self.assertEqual(len(self.cancel_calls()), 1)

    def test_answer_cut_off_is_settled_without_a_second_call(self):
        order = self.create_coupang_order(TWO_ITEMS)
        self.sandbox.inject("seller_cancel", "truncated")
        result = self.wizard(order, **{TEA: 1, TEAPOT: 0}).action_confirm()
        self.assertEqual(result["params"]["type"], "warning")
        cancel = order.ec_cancel_ids
        self.assertEqual(cancel.state, "in_doubt")
        self.assertIn("never sent again", cancel.result)
        self.assertTrue(order.ec_cancel_in_doubt)
        self.assertEqual(self.line(order, TEA).product_uom_qty, 2, "nothing canceled in Odoo while unknown")
        with self.assertRaisesRegex(UserError, "Check on Coupang"):
            order.action_ec_cancel_on_coupang()
        order.action_ec_check_cancel()
        self.assertEqual(cancel.state, "done")
        self.assertEqual(self.line(order, TEA).product_uom_qty, 1)
        self.assertEqual(len(self.cancel_calls()), 1, "read back, never sent twice")
        self.check()
        self.assertEqual(self.line(order, TEA).product_uom_qty, 1, "Coupang's receipt cancels nothing twice")
        self.assertEqual(len(self.cancel_calls()), 1)

    def test_cancel_in_doubt_is_settled_by_the_requests_check(self):
        order = self.create_coupang_order(TWO_ITEMS, status="ACCEPT")
        self.sandbox.inject("seller_cancel", "truncated")
        self.wizard(order).action_confirm()
        self.assertEqual(order.ec_cancel_ids.state, "in_doubt")
        self.assertEqual(order.state, "sale")
        self.check()
        self.assertEqual(order.ec_cancel_ids.state, "done")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(len(self.cancel_calls()), 1)

    def test_refusal_shows_coupangs_reason(self):
        order = self.create_coupang_order(TWO_ITEMS)
        self.account.coupang_wing_user_id = "someone-else"
        result = self.wizard(order).action_confirm()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("유저 ID", result["params"]["message"])
        self.assertEqual(order.ec_cancel_ids.state, "refused")
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(self.cancel_calls()), 1)

    def test_wing_user_id_is_required(self):
        order = self.create_coupang_order(TWO_ITEMS)
        self.account.coupang_wing_user_id = False
        with self.assertRaisesRegex(UserError, "Wing User ID"):
            self.wizard(order).action_confirm()
        self.assertFalse(self.sandbox.requests_to("/orders/"), "nothing reaches Coupang")

    def test_user_without_rights_reaches_nothing(self):
        order = self.create_coupang_order(TWO_ITEMS)
        wizard = self.wizard(order)
        self.sandbox.clear_requests()
        with self.assertRaises(AccessError):
            order.with_user(self.ec_user).action_ec_cancel_on_coupang()
        with self.assertRaises(AccessError):
            wizard.with_user(self.ec_user).action_confirm()
        self.assertFalse(self.sandbox.requests, "no request reaches Coupang")
        self.assertEqual(order.state, "sale")

    def test_shipped_order_is_not_canceled(self):
        order = self.create_coupang_order(TWO_ITEMS)
        self.ship(order.picking_ids, "TJ0001")
        self.assertFalse(order.ec_can_cancel_on_coupang)
        with self.assertRaisesRegex(UserError, "has shipped"):
            order.action_ec_cancel_on_coupang()
        self.assertFalse(self.cancel_calls())

    def test_cancel_coupang_never_received_may_be_sent_anew(self):
        """The connection closed before Coupang handled the cancel: the read back shows nothing
        canceled, and only then may the cancel be sent again."""
        order = self.create_coupang_order(TWO_ITEMS)
        self.sandbox.inject("seller_cancel", "reset")
        self.wizard(order, **{TEA: 1, TEAPOT: 0}).action_confirm()
        cancel = order.ec_cancel_ids
        self.assertEqual(cancel.state, "in_doubt")
        order.action_ec_check_cancel()
        self.assertEqual(cancel.state, "not_taken")
        self.assertIn("nothing was canceled", cancel.result)
        self.assertEqual(self.line(order, TEA).product_uom_qty, 2)
        self.assertTrue(order.ec_can_cancel_on_coupang)
        self.wizard(order, **{TEA: 1, TEAPOT: 0}).action_confirm()
        self.assertEqual(order.ec_cancel_ids.mapped("state"), ["done", "not_taken"])
        self.assertEqual(self.line(order, TEA).product_uom_qty, 1)
        tea = next(line for line in self.sheet(order).lines if line.vendor_item_id == self.vendor_item(TEA))
        self.assertEqual(tea.cancel_count, 1, "canceled once on Coupang")
