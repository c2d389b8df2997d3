from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .push_common import TEA, TEAPOT, PushCase


@tagged("post_install", "-at_install")
class TestPushSplitShipment(PushCase):
    def _ship_tea_first(self, **sheet_values):
        order = self.create_coupang_order([(TEA, 2), (TEAPOT, 1)], **sheet_values)
        first = self.ship(order.picking_ids, "TW200000001", quantities={TEA: 2})
        backorder = order.picking_ids - first
        return order, first, backorder

    @staticmethod
    def _by_item(dtos):
        return {dto["vendorItemId"]: dto for dto in dtos}

    def test_first_parcel_splits_the_box_and_the_backorder_completes_it(self):
        order, first, backorder = self._ship_tea_first()
        self.assertEqual(backorder.state, "assigned")
        self.run_push_cron()
        (dtos,) = self.invoice_dtos()
        dtos = self._by_item(dtos)
        self.assertEqual(
            {item: (dto["invoiceNumber"], dto["splitShipping"], dto["preSplitShipped"]) for item, dto in dtos.items()},
            {self.vendor_item(TEA): ("TW200000001", True, False), self.vendor_item(TEAPOT): ("", True, False)},
        )
        self.assertEqual(dtos[self.vendor_item(TEA)]["estimatedShippingDate"], "")
        self.assertEqual(
            dtos[self.vendor_item(TEAPOT)]["estimatedShippingDate"],
            fields.Date.context_today(backorder, backorder.scheduled_date).isoformat(),
        )
        self.assertRecordValues(
            first, [{"ec_push_state": "done", "ec_pushed_vendor_item_ids": str(self.vendor_item(TEA))}]
        )
        self.assertFalse(backorder.ec_push_state)
        box = self.sandbox.order(order.coupang_shipment_box_id)
        self.assertEqual((box.status, box.split_shipping), ("INSTRUCT", True), "the teapot still waits on Coupang")
        self.assertEqual([line.vendor_item_id for line in box.lines], [self.vendor_item(TEAPOT)])

        self.ship(backorder, "TW200000002")
        self.run_push_cron()
        (_first_call, dtos) = self.invoice_dtos()
        self.assertEqual(
            [(dto["vendorItemId"], dto["invoiceNumber"], dto["splitShipping"], dto["preSplitShipped"]) for dto in dtos],
            [(self.vendor_item(TEAPOT), "TW200000002", True, True)],
        )
        self.assertEqual(backorder.ec_push_state, "done")
        self.assertEqual((box.status, box.invoice_number), ("DEPARTURE", "TW200000002"))
        self.assertEqual(order.ec_push_state, "done")

    def test_corrected_number_of_a_split_parcel_goes_to_its_new_box(self):
        order, first, backorder = self._ship_tea_first()
        self.run_push_cron()
        self.ship(backorder, "TW200000002")
        self.run_push_cron()
        first.carrier_tracking_ref = "TW200000011"
        backorder.carrier_tracking_ref = "TW200000022"
        self.run_push_cron()
        rest_box = self.sandbox.order(order.coupang_shipment_box_id)
        (parcel_box,) = [
            box
            for box in self.sandbox.store.orders_of(self.sandbox.demo_vendor.vendor_id, order.coupang_order_id)
            if box is not rest_box
        ]
        self.assertEqual(
            sorted(
                (dto["shipmentBoxId"], dto["vendorItemId"], dto["invoiceNumber"])
                for dtos in self.invoice_dtos("update_invoices")
                for dto in dtos
            ),
            sorted(
                [
                    (parcel_box.shipment_box_id, self.vendor_item(TEA), "TW200000011"),
                    (rest_box.shipment_box_id, self.vendor_item(TEAPOT), "TW200000022"),
                ]
            ),
        )
        self.assertEqual((parcel_box.invoice_number, rest_box.invoice_number), ("TW200000011", "TW200000022"))
        self.assertEqual((first + backorder).mapped("ec_push_state"), ["done", "done"])

    def test_box_that_cannot_be_split_ships_with_the_first_number(self):
        order, first, backorder = self._ship_tea_first(split_allowed=False)
        self.run_push_cron()
        self.assertEqual(len(self.sandbox.requests_to("order_sheet")), 1, "Coupang's ableSplitShipping is read")
        (dtos,) = self.invoice_dtos()
        self.assertEqual(
            sorted((dto["vendorItemId"], dto["invoiceNumber"], dto["splitShipping"]) for dto in dtos),
            [(self.vendor_item(TEA), "TW200000001", False), (self.vendor_item(TEAPOT), "TW200000001", False)],
        )
        self.assertEqual(first.ec_push_state, "done")
        self.assertIn("does not allow this order to ship in several parcels", first.message_ids[0].body)
        self.assertEqual(self.sandbox.order(order.coupang_shipment_box_id).status, "DEPARTURE")

        self.ship(backorder, "TW200000002")
        self.run_push_cron()
        self.assertEqual(len(self.invoice_dtos()), 1, "Coupang keeps one number per item: nothing more to send")
        self.assertFalse(backorder.ec_push_state)
        self.assertIn("TW200000002 is not sent to Coupang", backorder.message_ids[0].body)
        self.assertEqual(order.ec_push_state, "done")

    def test_backorder_waits_for_the_first_parcel(self):
        order, first, backorder = self._ship_tea_first()
        self.sandbox.inject("upload_invoices", "box_failure", box_ids={order.coupang_shipment_box_id})
        self.run_push_cron()
        self.assertEqual(first.ec_push_state, "pending")
        self.ship(backorder, "TW200000002")
        self.run_push_cron()
        self.assertEqual(len(self.invoice_dtos()), 1)
        self.assertEqual(backorder.ec_push_state, "pending")
        self.assertIn(first.name, backorder.ec_push_message)

        first.ec_push_ids.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
        self.run_push_cron()
        _failed, split, rest = self.invoice_dtos()
        self.assertEqual({dto["preSplitShipped"] for dto in split}, {False})
        self.assertEqual({dto["preSplitShipped"] for dto in rest}, {True})
        self.assertEqual((first + backorder).mapped("ec_push_state"), ["done", "done"])

    def test_items_left_without_a_delivery_need_a_person(self):
        order = self.create_coupang_order([(TEA, 2), (TEAPOT, 1)])
        first = self.ship(order.picking_ids, "TW200000001", quantities={TEA: 2}, backorder=False)
        self.run_push_cron()
        self.assertFalse(self.invoice_calls())
        self.assertEqual(first.ec_push_state, "error")
        self.assertIn(f"Coupang items {self.vendor_item(TEAPOT)} are neither", first.ec_push_message)
        self.assertTrue(first.activity_ids)
