import json
from datetime import timedelta

from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..coupang import read_order_sheet
from ..tools.coupang_errors import text_message
from .fetch_common import EcFetchCase


@tagged("post_install", "-at_install")
class TestFetchReview(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()

    def kept(self, order):
        return self.env["ec.order.import"].search(
            [("account_id", "=", self.account.id), ("shipment_box_id", "=", str(order.shipment_box_id))]
        )

    def test_unknown_sku_is_held_then_retried_after_mapping(self):
        unknown = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1), ("CP-POT-001", 1)])
        pot = unknown.lines[1]
        pot.external_vendor_sku_code = "POT-OLD-SKU"
        fine = self.sandbox.add_order(delivery="seven_eleven", items=[("CP-TEA-002", 1)])
        log = self.fetch()

        kept = self.kept(unknown)
        self.assertEqual(kept.state, "held")
        self.assertIn(str(pot.vendor_item_id), kept.reason)
        self.assertIn("POT-OLD-SKU", kept.reason)
        self.assertEqual(json.loads(kept.payload)["shipmentBoxId"], unknown.shipment_box_id)
        self.assertEqual(kept.fetch_log_id, log)
        self.assertFalse(self.sale_order(unknown))
        self.assertTrue(self.sale_order(fine), "the rest of the batch goes on")
        self.assertEqual((log.count_created, log.count_held, log.state), (1, 1, "partial"))
        self.assertEqual(kept.activity_ids.user_id, self.account.user_id)
        self.assertEqual(self.sandbox.order(unknown.shipment_box_id).status, "ACCEPT", "not acknowledged while held")
        self.assertEqual(self.account.order_import_count, 1)

        mapping = self.env["ec.product.mapping"].search([("account_id", "=", self.account.id)])
        self.assertEqual(mapping.vendor_item_id, str(pot.vendor_item_id))
        self.assertEqual(mapping.seller_sku, "POT-OLD-SKU")
        self.assertFalse(mapping.product_id)
        kept.action_retry()
        self.assertEqual(kept.state, "held", "still no product for the item")
        mapping.product_id = self.products["CP-POT-001"]
        action = kept.action_retry()

        order = self.sale_order(unknown)
        self.assertEqual(kept.state, "done")
        self.assertEqual(kept.sale_order_id, order)
        self.assertEqual(action["res_id"], order.id)
        self.assertFalse(kept.activity_ids)
        self.assertIn(self.products["CP-POT-001"], order.order_line.product_id)
        self.assertEqual(self.sandbox.order(unknown.shipment_box_id).status, "INSTRUCT")
        self.assertEqual(self.account.order_import_count, 0)

    def held_box(self):
        """A box held at its first read (an item with an unknown SKU), and the item's mapping."""
        box = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1), ("CP-POT-001", 1)])
        box.lines[1].external_vendor_sku_code = "POT-OLD-SKU"
        self.fetch()
        self.assertEqual(self.kept(box).state, "held")
        return box, self.env["ec.product.mapping"].search([("account_id", "=", self.account.id)])

    def test_defect8_held_box_canceled_by_the_buyer_is_closed_when_the_cancel_is_seen(self):
        box, _mapping = self.held_box()
        self.sandbox.buyer_cancel(box.shipment_box_id)
        self.env["ec.coupang.request.checker"]._check_requests(CoupangRun.for_button(self.account))
        kept = self.kept(box)
        self.assertEqual(kept.state, "done")
        self.assertIn("Canceled", kept.reason)
        self.assertFalse(kept.activity_ids)

    def test_defect8_retry_of_a_held_box_canceled_by_the_buyer_never_acknowledges_it(self):
        box, mapping = self.held_box()
        self.sandbox.buyer_cancel(box.shipment_box_id)
        mapping.product_id = self.products["CP-POT-001"]
        self.kept(box).action_retry()
        self.assertFalse(self.sandbox.requests_to("acknowledge"))
        self.assertEqual(self.kept(box).state, "done")
        self.assertFalse(self.sale_order(box))

    def test_mapping_wins_over_the_sku(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-003", 1)])
        self.env["ec.product.mapping"].create(
            {
                "account_id": self.account.id,
                "vendor_item_id": str(order.lines[0].vendor_item_id),
                "product_id": self.products["CP-TEA-004"].id,
            }
        )
        self.fetch()
        self.assertEqual(self.sale_order(order).order_line.product_id[:1], self.products["CP-TEA-004"])

    def test_two_products_with_the_sku_hold_the_order(self):
        self.env["product.product"].create({"name": "Old tea", "default_code": "CP-TEA-003", "is_storable": True})
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-003", 1)])
        self.fetch()
        self.assertEqual(self.kept(order).state, "held")
        self.assertIn("2 products have the internal reference CP-TEA-003", self.kept(order).reason)

    def test_shipping_method_switched_off_holds_its_orders(self):
        self.account.ship_familymart = False
        family = self.sandbox.add_order(delivery="familymart", items=[("CP-TEA-001", 1)])
        home = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        log = self.fetch()
        self.assertEqual(self.kept(family).state, "held")
        self.assertIn("FamilyMart Pickup", self.kept(family).reason)
        self.assertTrue(self.sale_order(home))
        self.assertEqual(log.count_held, 1)

    def test_delivery_location_not_configured_holds_its_orders(self):
        # Fetch Now works without scheduled fetching, so without the locations it requires.
        self.account.return_center_seven_eleven_id = False
        seven = self.sandbox.add_order(delivery="seven_eleven", items=[("CP-TEA-001", 1)])
        self.account.action_fetch_now()
        self.env.ref("ec_coupang.ir_cron_ec_fetch_requested").method_direct_trigger()
        kept = self.kept(seven)
        self.assertEqual(kept.state, "held")
        self.assertIn("Return Center Code (7-11)", kept.reason)
        self.configure_locations(self.account)
        kept.action_retry()
        self.assertEqual(kept.state, "done")
        self.assertEqual(kept.sale_order_id.ec_location_id.code, "1000558001")

    def test_order_without_receiver_is_held_and_not_acknowledged(self):
        # Coupang docs: order-api/ordersheet-by-shipmentboxid documents the receiver; the strictest
        # reading is that Coupang may still send it empty.
        nobody = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        nobody.receiver = {}
        nameless = self.sandbox.add_order(delivery="seven_eleven", items=[("CP-TEA-001", 1)])
        nameless.receiver["name"] = ""
        fine = self.sandbox.add_order(delivery="home", items=[("CP-TEA-002", 1)])
        log = self.fetch()
        kept = self.kept(nobody)
        self.assertEqual(kept.state, "held")
        self.assertIn("without the receiver's name, address", kept.reason)
        self.assertIn("without the receiver's name,", self.kept(nameless).reason)
        self.assertNotIn("address", self.kept(nameless).reason)
        self.assertFalse(self.sale_order(nobody) or self.sale_order(nameless))
        self.assertEqual((nobody.status, nameless.status), ("ACCEPT", "ACCEPT"), "not acknowledged")
        self.assertTrue(self.sale_order(fine))
        self.assertEqual((log.count_held, log.count_created), (2, 1))

    def test_coupang_error_on_the_second_read_is_kept_as_failed(self):
        # A box kept with its ACCEPT data is read again after its acknowledgement when it is retried
        # (the fetch reads new boxes again through the INSTRUCT list, never one by one).
        two_days_ago = self.sandbox.now() - timedelta(days=2)
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)], ordered_at=two_days_ago)
        self.sandbox.inject("acknowledge", "box_failure", box_ids={order.shipment_box_id}, message="box locked")
        self.fetch()
        self.assertEqual(self.kept(order).coupang_status, "ACCEPT")
        # Ordered now: the second fetch reads from the first one's watermark, at any hour of the day.
        other = self.sandbox.add_order(delivery="home", items=[("CP-TEA-002", 1)], ordered_at=self.sandbox.now())
        self.sandbox.clear_faults()
        self.sandbox.inject(rf"/ordersheets/{order.shipment_box_id}$", "status", status=400, times=None)
        log = self.fetch()
        kept = self.kept(order)
        self.assertEqual(kept.state, "failed")
        self.assertIn("Reading the order again from Coupang failed", kept.reason)
        self.assertTrue(self.sale_order(other))
        self.assertEqual((log.count_failed, log.count_created), (1, 1))
        self.assertEqual(log.state, "partial")
        self.sandbox.clear_faults()
        kept.action_retry()
        self.assertEqual(kept.state, "done", kept.reason)
        self.assertTrue(self.sale_order(order))

    def test_a_user_s_retry_tries_an_unavailable_coupang_once_more_at_once_then_tells(self):
        """A person waits for Retry: a read Coupang cannot answer is tried once more at once, never
        after a pause, and the record says why; the scheduled runs keep their pauses and tries."""
        two_days_ago = self.sandbox.now() - timedelta(days=2)
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)], ordered_at=two_days_ago)
        self.sandbox.inject("acknowledge", "box_failure", box_ids={order.shipment_box_id}, message="box locked")
        self.fetch()
        kept = self.kept(order)
        self.sandbox.clear_faults()
        self.sandbox.inject(rf"/ordersheets/{order.shipment_box_id}$", "status", status=503, times=None)
        self.sandbox.clear_requests()
        kept.action_retry()
        # Two reads of the box (its current data, then before the acknowledgement), each tried once
        # more at once: 4 calls, where the scheduled runs' client makes 8, pausing between them.
        self.assertEqual(len(self.sandbox.requests_to(f"/ordersheets/{order.shipment_box_id}")), 4)
        self.assertEqual(kept.state, "failed")
        self.assertFalse(self.sale_order(order))

    def test_refused_acknowledgement_is_kept_as_failed_and_tried_again(self):
        two_days_ago = self.sandbox.now() - timedelta(days=2)
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)], ordered_at=two_days_ago)
        self.sandbox.inject("acknowledge", "box_failure", box_ids={order.shipment_box_id}, message="box locked")
        self.fetch()
        self.assertEqual(self.kept(order).state, "failed")
        self.assertIn("box locked", self.kept(order).reason)
        self.assertFalse(self.sale_order(order))
        log = self.fetch()
        self.assertEqual(log.count_read, 0, "out of the new window")
        self.assertEqual(self.kept(order).state, "done", "the next fetch tries failed orders again")
        self.assertEqual(log.count_created, 1)

    def test_bad_data_is_kept_with_its_payload(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)], status="INSTRUCT")
        fine = self.sandbox.add_order(delivery="home", items=[("CP-TEA-002", 1)], status="INSTRUCT")
        order.lines[0].shipping_count = 0
        order.lines[0].cancel_count = -1
        self.fetch()
        kept = self.kept(order)
        self.assertEqual(kept.state, "failed")
        self.assertTrue(kept.reason)
        self.assertEqual(json.loads(kept.payload)["orderId"], order.order_id)
        self.assertTrue(self.sale_order(fine))

    def test_unreadable_box_closes_when_coupang_sends_it_whole(self):
        # Out of the next run's window: only the retry of failed boxes reads it again.
        two_days_ago = self.sandbox.now() - timedelta(days=2)
        order = self.sandbox.add_order(
            delivery="home", items=[("CP-TEA-001", 1)], status="INSTRUCT", ordered_at=two_days_ago
        )
        order.lines[0].shipping_count = 0
        order.lines[0].cancel_count = -1
        self.fetch()
        kept = self.kept(order)
        self.assertEqual(kept.state, "failed")
        order.lines[0].shipping_count = 1
        order.lines[0].cancel_count = 0
        log = self.fetch()
        self.assertEqual(kept.state, "done", kept.reason)
        self.assertEqual(kept.sale_order_id, self.sale_order(order))
        self.assertEqual(log.state, "done")

    def test_unreadable_box_closes_when_read_whole_with_its_sale_order(self):
        order = self.sandbox.add_order(
            delivery="home", items=[("CP-TEA-001", 1)], status="INSTRUCT", ordered_at=self.sandbox.now()
        )
        self.fetch()
        unreadable = read_order_sheet({"shipmentBoxId": order.shipment_box_id, "status": "INSTRUCT"}, "TW")
        no_log = self.env["ec.fetch.log"]
        kept = self.env["ec.order.import"]._keep(self.account, unreadable, "failed", text_message("unreadable"), no_log)
        log = self.fetch()
        self.assertEqual(kept.state, "done", kept.reason)
        self.assertEqual(kept.sale_order_id, self.sale_order(order))
        self.assertEqual((log.state, log.count_existing), ("done", 1))

    def test_row_kept_under_a_made_up_id_counts_only_in_the_run_that_met_it(self):
        sheet = read_order_sheet({"shipmentBoxId": "not a box", "status": "INSTRUCT"}, "TW")
        first = self.env["ec.fetch.log"].create({"account_id": self.account.id, "trigger": "manual"})
        with CoupangRun.for_button(self.account).connected() as run:
            self.env["ec.coupang.importer"]._import_sheets(run.with_log(first), [sheet])
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", sheet.shipment_box_id)])
        self.assertTrue(kept.shipment_box_id.startswith("unreadable-"))
        self.assertEqual((kept.state, first.count_failed), ("failed", 1))
        log = self.fetch()
        self.assertEqual((log.state, log.count_failed), ("done", 0))
        self.assertEqual(kept.state, "failed", "still kept for review, with the row as Coupang sent it")

    def test_only_managers_fetch_and_retry(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        order.lines[0].external_vendor_sku_code = "NOPE"
        self.fetch()
        with self.assertRaises(AccessError):
            self.account.with_user(self.ec_user).action_fetch_now()
        with self.assertRaises(AccessError):
            self.kept(order).with_user(self.ec_user).action_retry()
        self.assertEqual(self.kept(order).with_user(self.ec_user).state, "held", "users see what waits")

    def test_fetch_now_reports_the_run(self):
        self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        self.account.action_fetch_now()
        self.env.ref("ec_coupang.ir_cron_ec_fetch_requested").method_direct_trigger()
        self.account.invalidate_recordset()
        self.assertEqual(self.account.last_fetch_state, "done")
        self.assertIn("1 created", self.account.last_fetch_summary)
        self.assertEqual(self.account.sale_order_count, 1)
        self.assertEqual(self.account.fetch_log_count, 1)
        self.assertEqual(self.account.action_view_sale_orders()["domain"], [("ec_account_id", "=", self.account.id)])
