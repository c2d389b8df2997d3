"""Buyers' personal data: Coupang's texts shown as text, and Coupang's raw data erased from closed
records after the account's retention period."""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .fetch_common import EcFetchCase
from .requests_common import TWO_ITEMS, RequestCase

BUYER = {"name": "王小明", "safeNumber": "0912-345-678", "addr1": "台北市信義區松高路1號"}


@tagged("post_install", "-at_install")
class TestPersonalData(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()

    def test_item_name_reaches_the_activity_as_text(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        line = order.lines[0]
        line.external_vendor_sku_code = "NOT-IN-ODOO"
        line.vendor_item_name = '<img src=x onerror="alert(1)">綠茶'
        self.fetch()
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(order.shipment_box_id))])
        self.assertEqual(kept.state, "held")
        note = str(kept.activity_ids.note)
        self.assertIn("綠茶", note)
        self.assertNotIn("<img", note)
        self.assertIn("&lt;img", note)

    def test_ec_user_sees_the_items_of_an_order_to_review_not_the_buyer(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 2)])
        order.lines[0].external_vendor_sku_code = "NOT-IN-ODOO"
        self.fetch()
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(order.shipment_box_id))])
        receiver = json.loads(kept.payload)["receiver"]
        values = kept.with_user(self.ec_user).read(["reason", "shipment_box_id", "items"])[0]
        self.assertEqual(values["items"], f"{order.lines[0].vendor_item_name} × 2")
        self.assertIn("NOT-IN-ODOO", values["reason"])
        everything = repr(kept.with_user(self.ec_user).read()[0])
        self.assertNotIn("payload", everything)
        for contact in (receiver["name"], receiver["safeNumber"], receiver["addr1"]):
            self.assertTrue(contact)
            self.assertNotIn(contact, everything)

    def _review(self, box, state):
        return self.env["ec.order.import"].create(
            {
                "account_id": self.account.id,
                "ec_store_key": self.account._coupang_store_key(),
                "shipment_box_id": box,
                "state": state,
                "payload": json.dumps({"shipmentBoxId": box, "receiver": BUYER}, ensure_ascii=False),
            }
        )

    def _request(self, receipt, state):
        return self.env["ec.coupang.request"].create(
            {
                "account_id": self.account.id,
                "ec_store_key": self.account._coupang_store_key(),
                "receipt_id": receipt,
                "kind": "return",
                "state": state,
                "payload": json.dumps({"receiptId": receipt, "requester": BUYER}, ensure_ascii=False),
            }
        )

    def _age(self, records, days):
        self.env.flush_all()
        when = fields.Datetime.now() - timedelta(days=days)
        table = SQL.identifier(records._table)
        self.env.cr.execute(SQL("UPDATE %s SET write_date = %s WHERE id IN %s", table, when, tuple(records.ids)))
        records.invalidate_recordset()

    def test_retention_erases_the_closed_records_data_after_the_period(self):
        self.assertEqual(self.account.buyer_data_days, 90)
        old_closed = self._review("1", "done") | self._review("2", "done")
        old_open = self._review("3", "held") | self._review("4", "failed")
        recent_closed = self._review("5", "done")
        old_closed_requests = self._request("11", "done")
        old_open_requests = self._request("12", "failed") | self._request("13", "waiting")
        recent_closed_requests = self._request("14", "done")
        self._age(old_closed | old_open, 91)
        self._age(old_closed_requests | old_open_requests, 91)
        self._age(recent_closed, 89)
        self._age(recent_closed_requests, 89)

        self.env["ec.account"]._cron_forget_buyers_data()

        for record in [*old_closed, *old_closed_requests]:
            self.assertFalse(record.payload, record.display_name)
        for record in [*old_open, *recent_closed, *old_open_requests, *recent_closed_requests]:
            self.assertIn(BUYER["safeNumber"], record.payload, record.display_name)
        self.assertTrue(old_closed.mapped("shipment_box_id"), "what the record is stays")

    def test_retention_period_is_the_accounts(self):
        self.account.buyer_data_days = 30
        closed = self._review("1", "done")
        self._age(closed, 31)
        self.env["ec.account"]._cron_forget_buyers_data()
        self.assertFalse(closed.payload)

    def test_retention_cron_is_scheduled(self):
        cron = self.env.ref("ec_coupang.ir_cron_ec_forget_buyers_data")
        self.assertTrue(cron.active)
        self.assertEqual(cron.code.strip(), "model._cron_forget_buyers_data()")


@tagged("post_install", "-at_install")
class TestRequestItems(RequestCase):
    def test_ec_user_sees_the_items_of_a_return_not_the_buyer(self):
        order = self.create_coupang_order(TWO_ITEMS)
        self.ship(order.picking_ids, "TJ1001")
        self.sheet(order).status = "DELIVERING"
        receipt = self.sandbox.buyer_return(int(order.coupang_shipment_box_id))
        self.check()
        request = self.request_of(receipt)
        payload = json.loads(request.payload)
        values = request.with_user(self.ec_user).read(["reason", "shipment_box_id", "items"])[0]
        self.assertEqual(values["shipment_box_id"], order.coupang_shipment_box_id)
        self.assertIn("× 2", values["items"])
        self.assertIn("× 1", values["items"])
        everything = repr(request.with_user(self.ec_user).read()[0])
        for key in ("requesterName", "requesterPhoneNumber", "requesterAddress"):
            self.assertTrue(payload[key])
            self.assertNotIn(payload[key], everything)
