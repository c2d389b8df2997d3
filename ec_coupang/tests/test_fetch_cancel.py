from datetime import timedelta

from odoo.tests import tagged

from .fetch_common import EcFetchCase


@tagged("post_install", "-at_install")
class TestFetchCancellation(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()
        # Paid minutes ago: the next fetch's window, which starts 30 minutes before this one's end, lists it again.
        self.order = self.sandbox.add_order(
            delivery="home", items=[("CP-TEA-001", 2), ("CP-CUP-001", 1)], ordered_at=self.just_now()
        )
        self.fetch()
        self.so = self.sale_order(self.order)
        self.assertEqual(self.so.state, "sale")

    def just_now(self):
        return self.sandbox.now() - timedelta(minutes=5)

    def ship(self):
        # Shipped without a carrier: the tracking push is not what these tests are about.
        self.account.require_tracking = False
        picking = self.so.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_canceled_before_shipment_cancels_the_order_and_its_delivery(self):
        self.sandbox.cancel_order(self.order.shipment_box_id)
        log = self.fetch()
        self.assertEqual(self.so.state, "cancel")
        self.assertEqual(self.so.picking_ids.state, "cancel")
        self.assertEqual(self.so.coupang_status, "canceled")
        self.assertEqual(log.count_canceled, 1)
        self.assertIn("before shipment", "".join(self.so.message_ids.mapped("body")))

    def test_canceled_after_shipment_asks_a_person(self):
        self.ship()
        self.sandbox.cancel_order(self.order.shipment_box_id)
        log = self.fetch()
        self.assertEqual(self.so.state, "sale")
        self.assertEqual(self.so.picking_ids.state, "done")
        self.assertEqual(log.count_canceled, 1)
        activity = self.so.activity_ids
        self.assertEqual(activity.summary, "Coupang order canceled after shipment")
        self.assertEqual(activity.user_id, self.account.user_id)
        self.assertIn("after it was shipped", "".join(self.so.message_ids.mapped("body")))
        self.fetch()
        self.assertEqual(len(self.so.activity_ids), 1, "told once")

    def test_cancellation_outside_the_window_is_found_by_the_requests_check(self):
        # The next window starts after the order's day: the buyer's stop-shipment request tells it,
        # without reading the open box again.
        self.account.last_fetch_watermark += timedelta(days=3)
        self.sandbox.buyer_cancel(self.order.shipment_box_id)
        self.sandbox.clear_requests()
        log = self.fetch()
        self.assertEqual(log.count_read, 0)
        self.assertEqual(self.so.state, "cancel")
        self.assertFalse(self.sandbox.requests_to("order_sheet"))

    def test_partial_cancellation_asks_to_lower_the_quantities(self):
        self.sandbox.cancel_order(self.order.shipment_box_id, [self.order.lines[1].vendor_item_id])
        self.fetch()
        self.assertEqual(self.so.state, "sale")
        activity = self.so.activity_ids
        self.assertEqual(activity.summary, "Coupang canceled part of this order")
        self.assertIn("0 of 1 left", activity.note)
        self.fetch()
        self.assertEqual(len(self.so.activity_ids), 1)

    def test_open_boxes_are_not_read_again(self):
        self.account.last_fetch_watermark += timedelta(days=3)
        self.sandbox.clear_requests()
        self.fetch()
        self.assertEqual(self.so.coupang_status, "INSTRUCT")
        self.assertFalse(self.sandbox.requests_to("order_sheet"))

    def test_canceled_before_import_creates_no_sale_order(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-002", 1)], ordered_at=self.just_now())
        self.sandbox.cancel_order(order.shipment_box_id)
        log = self.fetch()
        self.assertFalse(self.sale_order(order))
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(order.shipment_box_id))])
        self.assertRecordValues(
            kept, [{"state": "done", "reason_code": "canceled_before_import", "sale_order_id": False}]
        )
        self.assertEqual((log.count_created, log.count_canceled), (0, 1), "read, and counted as canceled")
        self.assertNotIn(
            order.shipment_box_id,
            [box for request in self.sandbox.requests_to("acknowledge") for box in request.json["shipmentBoxIds"]],
        )
