from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.addons.ec_coupang.coupang import KR_COURIER_CODES, CoupangClient
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .push_common import TEA, TEAPOT, PushCase


@tagged("post_install", "-at_install")
class TestPushTracking(PushCase):
    def _shipped_order(self, tracking_ref="TW100000001", items=((TEA, 2), (TEAPOT, 1))):
        order = self.create_coupang_order(list(items))
        self.ship(order.picking_ids, tracking_ref)
        return order, order.picking_ids

    def _make_due(self, picking):
        picking.ec_push_ids.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)

    def test_validation_queues_the_push_without_calling_coupang(self):
        order = self.create_coupang_order([(TEA, 2), (TEAPOT, 1)])
        self.sandbox.clear_requests()
        self.ship(order.picking_ids, "TW100000001")
        self.assertEqual(self.sandbox.requests, [], "validating a delivery never calls Coupang")
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.picking_ids.ec_push_state, "pending")
        self.assertFalse(order.picking_ids.ec_push_message)
        self.assertEqual(order.ec_push_state, "pending")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.push_cron.id)]))

    def test_cron_pushes_one_entry_per_item_with_the_carrier_code(self):
        order, picking = self._shipped_order()
        self.run_push_cron()
        (dtos,) = self.invoice_dtos()
        self.assertEqual(
            sorted(dtos, key=lambda dto: dto["vendorItemId"]),
            [
                {
                    "shipmentBoxId": int(order.coupang_shipment_box_id),
                    "orderId": int(order.coupang_order_id),
                    "vendorItemId": self.vendor_item(sku),
                    "deliveryCompanyCode": "KERRYTJ",
                    "invoiceNumber": "TW100000001",
                    "splitShipping": False,
                    "preSplitShipped": False,
                    "estimatedShippingDate": "",
                }
                for sku in (TEA, TEAPOT)
            ],
        )
        self.assertRecordValues(
            picking,
            [{"ec_push_state": "done", "ec_pushed_tracking_ref": "TW100000001", "ec_push_message": False}],
        )
        self.assertTrue(picking.ec_pushed_at)
        self.assertEqual(order.ec_push_state, "done")
        sheet = self.sandbox.order(order.coupang_shipment_box_id)
        self.assertEqual((sheet.status, sheet.invoice_number), ("DEPARTURE", "TW100000001"))
        self.assertIn("TW100000001", picking.message_ids[0].body)

        self.run_push_cron()
        self.assertEqual(len(self.sandbox.requests_to("upload_invoices")), 1, "nothing is pushed twice")

    def test_boxes_of_several_orders_share_one_call(self):
        first, _picking = self._shipped_order("TW100000001")
        second, _picking = self._shipped_order("TW100000002", items=((TEAPOT, 1),))
        self.run_push_cron()
        (dtos,) = self.invoice_dtos()
        self.assertEqual(
            {dto["shipmentBoxId"] for dto in dtos},
            {int(first.coupang_shipment_box_id), int(second.coupang_shipment_box_id)},
        )
        self.assertEqual((first + second).mapped("ec_push_state"), ["done", "done"])

    def test_number_entered_after_validation_is_pushed(self):
        self.account.require_tracking = False
        order, picking = self._shipped_order(tracking_ref=False)
        self.assertEqual(picking.ec_push_state, "pending")
        self.assertIn("Enter the tracking number", picking.ec_push_message)
        self.run_push_cron()
        self.assertFalse(self.invoice_calls(), "no call without a tracking number")
        self.assertEqual(order.ec_push_state, "pending", "the order shows its tracking is not pushed")

        picking.carrier_tracking_ref = "TW100000009"
        self.assertFalse(picking.ec_push_message)
        self.run_push_cron()
        (dtos,) = self.invoice_dtos()
        self.assertEqual({dto["invoiceNumber"] for dto in dtos}, {"TW100000009"})
        self.assertEqual(picking.ec_push_state, "done")

    def test_changed_number_is_updated_on_coupang(self):
        order, picking = self._shipped_order()
        self.run_push_cron()
        picking.carrier_tracking_ref = "TW100000077"
        self.assertEqual(picking.ec_push_state, "pending")
        self.run_push_cron()
        self.assertEqual(len(self.invoice_dtos()), 1, "the first number was uploaded once")
        (dtos,) = self.invoice_dtos("update_invoices")
        self.assertEqual(
            sorted((dto["vendorItemId"], dto["invoiceNumber"]) for dto in dtos),
            [(self.vendor_item(TEA), "TW100000077"), (self.vendor_item(TEAPOT), "TW100000077")],
        )
        self.assertRecordValues(picking, [{"ec_push_state": "done", "ec_pushed_tracking_ref": "TW100000077"}])
        self.assertEqual(self.sandbox.order(order.coupang_shipment_box_id).invoice_number, "TW100000077")

    def test_same_number_written_again_is_not_pushed_again(self):
        _order, picking = self._shipped_order()
        self.run_push_cron()
        picking.carrier_tracking_ref = "TW100000001"
        self.assertEqual(picking.ec_push_state, "done")
        picking.carrier_tracking_ref = "TW100000002"
        picking.carrier_tracking_ref = "TW100000001"
        self.run_push_cron()
        self.assertEqual(len(self.invoice_calls()), 1)
        self.assertEqual(picking.ec_push_state, "done")

    def test_box_failure_is_retried_later_with_a_growing_delay(self):
        order = self.create_coupang_order([(TEA, 1)])
        self.sandbox.inject(
            "upload_invoices", "box_failure", times=2, box_ids={order.coupang_shipment_box_id}, message="系統忙碌"
        )
        picking = self.ship(order.picking_ids, "TW100000001")
        delays = []
        for attempt in (1, 2):
            before = fields.Datetime.now()
            self.run_push_cron()
            self.assertRecordValues(picking, [{"ec_push_state": "pending", "ec_push_attempts": attempt}])
            self.assertIn("系統忙碌", picking.ec_push_message)
            self.assertIn("UNDEFINED_ERROR_OCCUR", picking.ec_push_message)
            delays.append(picking.ec_push_next_attempt_at - before)
            self.run_push_cron()
            self.assertEqual(len(self.invoice_dtos()), attempt, "not tried again before its time")
            self._make_due(picking)
        self.assertGreaterEqual(delays[0], timedelta(minutes=5))
        self.assertGreater(delays[1], delays[0])
        self.assertEqual(order.ec_push_state, "pending")

        self.run_push_cron()
        self.assertEqual(len(self.invoice_dtos()), 3)
        self.assertRecordValues(picking, [{"ec_push_state": "done", "ec_push_attempts": 0, "ec_push_message": False}])

    def test_retries_stop_after_the_last_attempt(self):
        order = self.create_coupang_order([(TEA, 1)])
        self.sandbox.inject("upload_invoices", "box_failure", times=None)
        picking = self.ship(order.picking_ids, "TW100000001")
        picking.ec_push_ids.attempts = 7
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "error")
        self.assertTrue(picking.activity_ids)

    def test_business_error_goes_to_a_person_and_is_not_retried(self):
        order = self.create_coupang_order([(TEA, 1)])
        self.sandbox.inject("upload_invoices", "box_failure", result_code="DUPLICATE_INVOICE_NUMBER")
        picking = self.ship(order.picking_ids, "TW100000001")
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "error")
        self.assertIn("DUPLICATE_INVOICE_NUMBER", picking.ec_push_message)
        self.assertEqual(order.ec_push_state, "error")
        activity = picking.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("ec_coupang.mail_activity_type_ec_push_failed"))
        self.assertEqual(activity.user_id, self.account.user_id)
        self.run_push_cron()
        self.assertEqual(len(self.invoice_dtos()), 1, "a refused invoice is not sent again by itself")

        picking.carrier_tracking_ref = "TW100000002"
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "done")
        self.assertFalse(picking.activity_ids, "the activity is done once Coupang takes the number")

    def test_push_button_sends_at_once(self):
        order = self.create_coupang_order([(TEA, 1)])
        self.sandbox.inject("upload_invoices", "box_failure", result_code="ORDER_DELIVERY_CANCELED")
        picking = self.ship(order.picking_ids, "TW100000001")
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "error")
        picking.action_ec_push_tracking()
        self.assertEqual(picking.ec_push_state, "done")
        self.assertEqual(len(self.invoice_dtos()), 2)

    def test_an_inventory_user_ships_and_pushes(self):
        clerk = self.env["res.users"].create(
            {
                "name": "Warehouse clerk",
                "login": "warehouse_clerk",
                "groups_id": [Command.set([self.env.ref("stock.group_stock_user").id])],
            }
        )
        order = self.create_coupang_order([(TEA, 1)])
        self.sandbox.inject("upload_invoices", "box_failure", result_code="ORDER_DELIVERY_CANCELED")
        picking = self.ship(order.picking_ids.with_user(clerk), "TW100000001")
        self.assertEqual(picking.ec_push_state, "pending")
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "error")
        picking.action_ec_push_tracking()
        self.assertRecordValues(picking, [{"ec_push_state": "done", "ec_pushed_tracking_ref": "TW100000001"}])
        self.assertEqual(picking.ec_push_ids.attempt_ids.sorted("id").mapped("succeeded"), [False, True])

    @mute_logger("odoo.addons.ec_coupang.coupang.client")
    def test_unreachable_coupang_leaves_the_delivery_due(self):
        _order, picking = self._shipped_order()
        self.sandbox.inject("upload_invoices", "status", status=503)
        self.run_push_cron()
        self.assertRecordValues(
            picking, [{"ec_push_state": "pending", "ec_push_attempts": 0, "ec_push_next_attempt_at": False}]
        )
        self.assertIn("temporarily unavailable", picking.ec_push_message)
        self.sandbox.inject("upload_invoices", "status", status=429, retry_after=60)
        self.run_push_cron()
        self.assertIn("limiting", picking.ec_push_message)
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "done")
        self.assertEqual(len(self.sandbox.requests_to("upload_invoices")), 3)

    @mute_logger("odoo.addons.ec_coupang.coupang.client")
    def test_why_a_push_waits_is_said_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_TW")
        self.env["ir.module.module"]._load_module_terms(["ec_coupang"], ["zh_TW"], overwrite=True)
        _order, picking = self._shipped_order()
        self.sandbox.inject("upload_invoices", "status", status=503)
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "pending")
        said = picking.with_context(lang="zh_TW").ec_push_message
        self.assertIn("尚未送到 Coupang，稍後會再試。", said)
        self.assertIn("Coupang 暫時無法使用（HTTP 503）", said)

    @mute_logger("odoo.addons.ec_coupang.coupang.client")
    def test_each_call_is_kept_in_the_push_history(self):
        order = self.create_coupang_order([(TEA, 1)])
        self.sandbox.inject("upload_invoices", "status", status=503)
        self.sandbox.inject("upload_invoices", "box_failure", message="系統忙碌")
        picking = self.ship(order.picking_ids, "TW100000001")
        self.run_push_cron()
        self.run_push_cron()
        self._make_due(picking)
        self.run_push_cron()
        picking.carrier_tracking_ref = "TW100000002"
        self.run_push_cron()
        push = picking.ec_push_ids
        attempts = push.attempt_ids.sorted("id")
        self.assertEqual(
            [(attempt.kind, attempt.tracking_ref, attempt.result_code, attempt.succeeded) for attempt in attempts],
            [
                ("upload", "TW100000001", "ERROR", False),
                ("upload", "TW100000001", "UNDEFINED_ERROR_OCCUR", False),
                ("upload", "TW100000001", "OK", True),
                ("update", "TW100000002", "OK", True),
            ],
        )
        self.assertIn("temporarily unavailable", attempts[0].message)
        self.assertEqual(attempts[1].message, "系統忙碌")
        self.assertRecordValues(push, [{"state": "done", "pushed_tracking_ref": "TW100000002", "attempts": 0}])
        action = picking.action_ec_open_tracking_push()
        self.assertEqual((action["res_model"], action["res_id"]), ("ec.tracking.push", push.id))

    def test_orders_and_deliveries_are_found_by_their_tracking_state(self):
        pushed, _picking = self._shipped_order("TW100000001")
        self.run_push_cron()
        refused = self.create_coupang_order([(TEA, 1)])
        self.sandbox.inject("upload_invoices", "box_failure", result_code="DUPLICATE_INVOICE_NUMBER")
        self.ship(refused.picking_ids, "TW100000002")
        self.run_push_cron()
        to_push, _picking = self._shipped_order("TW100000003")
        not_shipped = self.create_coupang_order([(TEA, 1)])
        other = self.env["sale.order"].create(
            {"partner_id": self.buyer.id, "order_line": [(0, 0, {"product_id": self.products[TEA].id})]}
        )
        orders = pushed | refused | to_push | not_shipped | other
        self.assertEqual(orders.mapped("ec_push_state"), ["done", "error", "pending", "waiting", False])

        def found(domain):
            return self.env["sale.order"].search([("id", "in", orders.ids), *domain])

        for order in orders:
            self.assertEqual(found([("ec_push_state", "=", order.ec_push_state)]), order, order.ec_push_state)
        self.assertEqual(found([("ec_push_state", "in", ("pending", "error"))]), refused | to_push)
        self.assertEqual(found([("ec_push_state", "not in", ("pending", "error"))]), pushed | not_shipped | other)
        self.assertEqual(found([("ec_push_state", "!=", False)]), orders - other)
        pickings = self.env["stock.picking"].search(
            [("id", "in", orders.picking_ids.ids), ("ec_push_state", "in", ("pending", "error"))]
        )
        self.assertEqual(pickings, (refused | to_push).picking_ids)

    def test_answer_lost_after_coupang_took_the_invoice(self):
        order, picking = self._shipped_order()
        self.run_push_cron()
        # As if the database had not kept the result: the same upload goes again.
        picking.ec_push_ids.write({"state": "pending", "pushed_tracking_ref": False, "pushed_vendor_item_ids": False})
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "done", "Coupang already has this number: nothing to fix")
        self.assertEqual(self.sandbox.order(order.coupang_shipment_box_id).invoice_number, "TW100000001")

    def test_a_batch_reads_coupang_before_it_marks_any_order(self):
        """Boxes whose answer was lost are read back before any result is written: a sale order
        marked departed is never locked across the reads of the batch's other boxes."""
        first, first_picking = self._shipped_order("TW100000001")
        second, second_picking = self._shipped_order("TW100000002", items=((TEAPOT, 1),))
        self.run_push_cron()
        # As if the database had kept nothing of the results: both uploads go again.
        (first_picking | second_picking).ec_push_ids.write(
            {"state": "pending", "pushed_tracking_ref": False, "pushed_vendor_item_ids": False}
        )
        (first | second).coupang_status = "INSTRUCT"
        statuses_during_reads = []
        get_order_sheet = CoupangClient.get_order_sheet

        def read(client, *args, **kwargs):
            statuses_during_reads.append((first | second).mapped("coupang_status"))
            return get_order_sheet(client, *args, **kwargs)

        with patch.object(CoupangClient, "get_order_sheet", read):
            self.run_push_cron()
        self.assertEqual(statuses_during_reads, [["INSTRUCT", "INSTRUCT"]] * 2)
        self.assertEqual((first | second).mapped("coupang_status"), ["DEPARTURE", "DEPARTURE"])
        self.assertEqual((first_picking | second_picking).mapped("ec_push_state"), ["done", "done"])

    def test_missing_carrier_code_blocks_validation(self):
        order = self.create_coupang_order([(TEA, 1)])
        carrier = self.create_carrier(self.env, "Black Cat", self.env["ec.delivery.company"])
        with self.assertRaises(UserError) as caught:
            self.ship(order.picking_ids, "TW100000001", carrier=carrier)
        self.assertIn("Black Cat has no Coupang delivery company", str(caught.exception))
        self.assertNotEqual(order.picking_ids.state, "done")

    def test_missing_tracking_number_blocks_validation(self):
        order = self.create_coupang_order([(TEA, 1)])
        with self.assertRaisesRegex(UserError, "Enter the tracking number"):
            self.ship(order.picking_ids, False)

    def test_carrier_code_of_another_market_blocks_validation(self):
        order = self.create_coupang_order([(TEA, 1)])
        carrier = self.create_carrier(self.env, "CJ", self.env.ref("ec_coupang.ec_delivery_company_kr_cjgls"))
        with self.assertRaisesRegex(UserError, "another market"):
            self.ship(order.picking_ids, "TW100000001", carrier=carrier)

    def test_without_the_guard_a_missing_code_waits_with_its_message(self):
        self.account.require_tracking = False
        order = self.create_coupang_order([(TEA, 1)])
        carrier = self.create_carrier(self.env, "Black Cat", self.env["ec.delivery.company"])
        picking = self.ship(order.picking_ids, "TW100000001", carrier=carrier)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.ec_push_state, "pending")
        self.assertIn("Black Cat has no Coupang delivery company", picking.ec_push_message)
        self.run_push_cron()
        self.assertFalse(self.invoice_calls())

        self.env["ir.cron.trigger"].search([("cron_id", "=", self.push_cron.id)]).unlink()
        carrier.ec_delivery_company_id = self.delivery_company
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.push_cron.id)]))
        self.run_push_cron()
        self.assertEqual(picking.ec_push_state, "done")

    def test_other_deliveries_are_left_alone(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.buyer.id, "order_line": [(0, 0, {"product_id": self.products[TEA].id})]}
        )
        order.action_confirm()
        self.ship(order.picking_ids, False)
        self.assertFalse(order.picking_ids.ec_push_state)
        self.assertFalse(order.ec_push_state)

    def test_only_the_last_step_to_the_customer_is_pushed(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        warehouse.delivery_steps = "pick_ship"
        order = self.create_coupang_order([(TEA, 1)])
        pick = order.picking_ids.filtered(lambda picking: picking.picking_type_code == "internal")
        self.ship(pick, False)
        self.assertFalse(pick.ec_push_state)
        out = order.picking_ids - pick
        self.ship(out, "TW100000001")
        self.assertEqual(out.ec_push_state, "pending")
        self.run_push_cron()
        self.assertEqual(len(self.invoice_dtos()), 1)

    def test_korean_codes_are_seeded(self):
        seeded = self.env["ec.delivery.company"].search([("market", "=", "KR")])
        self.assertEqual(set(seeded.mapped("code")), set(KR_COURIER_CODES))
