from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .push_common import CATALOGUE, TEA, TEAPOT
from .requests_common import TWO_ITEMS, RequestCase


@tagged("post_install", "-at_install")
class TestRequestRetry(RequestCase):
    def test_request_of_an_order_not_in_odoo_is_kept_and_retried(self):
        box = self.sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS)
        receipt = self.sandbox.buyer_cancel(box.shipment_box_id)
        self.check(self.kr_account)
        request = self.request_of(receipt)
        self.assertRecordValues(request, [{"state": "failed", "attempts": 1, "kind": "stop"}])
        self.assertIn("not in Odoo", request.reason)
        self.assertIn(str(receipt.receipt_id), request.payload)
        self.assertEqual(request.activity_ids.summary, "Coupang request not applied")
        self.assertFalse(self.answers(receipt))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.buyer.id,
                "ec_account_id": self.kr_account.id,
                "ec_store_key": self.kr_account._coupang_store_key(),
                "coupang_shipment_box_id": str(box.shipment_box_id),
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.products[sku].id,
                            "product_uom_qty": quantity,
                            "coupang_vendor_item_id": str(CATALOGUE[sku].vendor_item_id),
                        }
                    )
                    for sku, quantity in ((TEA, 2), (TEAPOT, 1))
                ],
            }
        )
        order.action_confirm()
        request.action_retry()
        self.assertEqual(request.state, "done")
        self.assertEqual(order.state, "cancel")
        self.assertFalse(request.activity_ids)
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})

    def test_answer_cut_off_is_read_again_and_not_sent_twice(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.sandbox.inject("stop_shipment", "truncated")
        self.check(self.kr_account)
        request = self.request_of(receipt)
        self.assertRecordValues(request, [{"state": "waiting", "answer_in_doubt": "stop_shipment"}])
        self.assertEqual(order.state, "sale", "Odoo waits until Coupang is known to have stopped it")
        self.check(self.kr_account)
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})
        self.assertEqual(len(self.sandbox.requests_to("stop_shipment")), 1)
        self.assertRecordValues(request, [{"state": "done", "answer": "stop_shipment", "answer_in_doubt": False}])
        self.assertEqual(order.state, "cancel")

    def test_answer_refused_before_coupang_is_sent_again(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.sandbox.inject("stop_shipment", "reset")
        self.check(self.kr_account)
        self.assertEqual(self.request_of(receipt).state, "waiting")
        self.check(self.kr_account)
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})
        self.assertEqual(len(self.sandbox.requests_to("stop_shipment")), 2)
        self.assertEqual(order.state, "cancel")

    def test_unreadable_request_is_kept_with_its_data(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        receipt.lines.clear()
        self.check(self.kr_account)
        request = self.request_of(receipt)
        self.assertEqual(request.state, "failed")
        self.assertTrue(request.reason)
        self.assertIn(str(receipt.receipt_id), request.payload)

    def test_a_request_is_kept_once_per_store(self):
        order = self.create_coupang_order(TWO_ITEMS)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.check()
        self.assertEqual(len(self.request_of(receipt)), 1)
        self.account.last_request_watermark = False
        self.check()
        self.assertEqual(len(self.request_of(receipt)), 1)

    def test_the_fetch_checks_the_requests(self):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.kr_account._fetch_orders()
        self.assertEqual(self.request_of(receipt).state, "done")
        self.assertTrue(self.kr_account.last_request_watermark)

    def test_defect5_request_of_a_held_box_asks_for_wing_in_taiwan(self):
        box = self.sandbox.add_order("TW", status="INSTRUCT", items=TWO_ITEMS)
        review = self.env["ec.order.import"].create(
            {
                "account_id": self.account.id,
                "ec_store_key": self.account._coupang_store_key(),
                "shipment_box_id": str(box.shipment_box_id),
                "state": "held",
                "reason": "No product for the item.",
                "payload": "{}",
            }
        )
        receipt = self.sandbox.buyer_cancel(box.shipment_box_id)
        self.check()
        request = self.request_of(receipt)
        self.assertEqual(request.state, "person")
        self.assertIn(review.display_name, request.reason)
        self.assertIn("Answer the request in Wing", request.reason)
        self.assertNotIn("fetch it", request.reason)

    def test_defect5_request_of_a_box_older_than_the_first_fetch_is_not_left_to_the_fetch(self):
        ordered_at = self.sandbox.now() - timedelta(days=60)
        box = self.sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS, ordered_at=ordered_at)
        receipt = self.sandbox.buyer_cancel(box.shipment_box_id)
        receipt.created_at -= timedelta(minutes=1)
        self.kr_account._fetch_orders()
        self.check(self.kr_account)
        request = self.request_of(receipt)
        self.assertEqual(request.state, "person")
        self.assertIn("before the first fetch", request.reason)
        self.assertIn("Wing", request.reason)
        self.assertFalse(self.answers(receipt))
