import threading
from contextlib import contextmanager
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import tagged

from .push_common import TEA, PushCase


@contextmanager
def as_on_a_server():
    """stock_sms asks for the SMS confirmation, and texts the buyer, only outside tests."""
    with (
        patch.object(Registry, "in_test_mode", lambda registry: False),
        patch.object(threading.current_thread(), "testing", False, create=True),
    ):
        yield


@tagged("post_install", "-at_install")
class TestDeliverySms(PushCase):
    """stock_sms (installed with sms, which mail brings) asks at the company's first validation of a
    delivery to a partner with a phone whether to text the buyer."""

    def setUp(self):
        super().setUp()
        self.env.company.write({"stock_move_sms_validation": True, "has_received_warning_stock_sms": False})

    def coupang_delivery(self):
        picking = self.create_coupang_order([(TEA, 1)]).picking_ids
        picking.partner_id.phone = "+886 912 345 678"
        return picking

    def test_a_coupang_delivery_is_validated_without_the_sms_dialog(self):
        picking = self.coupang_delivery()
        picking.write({"carrier_id": self.carrier.id, "carrier_tracking_ref": "TJ100200300"})
        with as_on_a_server():
            self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.ec_push_state, "pending")
        # Coupang tells its buyer: no text from the warehouse.
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", picking.partner_id.id)]))

    def test_a_refused_coupang_delivery_says_why_without_the_sms_dialog(self):
        picking = self.coupang_delivery()
        picking.carrier_id = self.carrier
        with as_on_a_server(), self.assertRaisesText(UserError, "Enter the tracking number"):
            picking.button_validate()
        self.assertFalse(self.env["confirm.stock.sms"].search([("pick_ids", "in", picking.ids)]))

    def test_other_deliveries_still_ask(self):
        partner = self.env["res.partner"].create({"name": "Walk-in buyer", "phone": "+886 912 000 111"})
        order = self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": self.products[TEA].id})]}
        )
        order.action_confirm()
        with as_on_a_server():
            action = order.picking_ids.button_validate()
        self.assertEqual(action["res_model"], "confirm.stock.sms")
