from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .requests_common import TWO_ITEMS, RequestCase


@tagged("post_install", "-at_install")
class TestRequestBulkRetry(RequestCase):
    def failed_requests(self):
        """Three failed stop-shipment requests of the Korea account: two whose answer Coupang refused
        once, and one of a box not in Odoo."""
        receipts = [
            self.sandbox.buyer_cancel(
                int(self.create_coupang_order(TWO_ITEMS, account=self.kr_account).coupang_shipment_box_id)
            )
            for _order in range(2)
        ]
        box = self.sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS)
        receipts.append(self.sandbox.buyer_cancel(box.shipment_box_id))
        self.sandbox.inject("stop_shipment", "status", status=400, times=None)
        self.check(self.kr_account)
        self.sandbox.clear_faults()
        requests = self.env["ec.coupang.request"].browse([self.request_of(receipt).id for receipt in receipts])
        self.assertEqual(requests.mapped("state"), ["failed"] * 3)
        return receipts, requests

    def test_mixed_selection_is_applied_request_by_request_with_one_summary(self):
        (fixed, refused, not_in_odoo), requests = self.failed_requests()
        self.sandbox.inject(rf"/{refused.receipt_id}/stoppedShipment", "status", status=400, times=None)

        action = requests.action_retry_selected()

        self.assertEqual(requests.mapped("state"), ["done", "failed", "failed"])
        self.assertEqual(self.answers(fixed), {"stop_shipment": 1})
        self.assertEqual(self.answers(refused), {})
        self.assertIn("not in Odoo", requests[2].reason)
        self.assertEqual((action["tag"], action["params"]["type"]), ("display_notification", "warning"))
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload", "the list stays, reloaded")
        summary = action["params"]["message"]
        self.assertIn("Done: 1, Failed: 2.", summary)
        self.assertIn(f"{requests[1].display_name}: {requests[1].reason}", summary)
        self.assertIn(f"{requests[2].display_name}: {requests[2].reason}", summary)
        self.assertNotIn(requests[0].display_name, summary)

        again = requests.action_retry_selected()["params"]["message"]
        self.assertEqual(self.answers(fixed), {"stop_shipment": 1}, "a done request is never answered again")
        self.assertIn("1 selected were done already.", again)

    def test_a_user_without_rights_sends_nothing(self):
        _receipts, requests = self.failed_requests()
        self.sandbox.clear_requests()
        storekeeper = self.env["res.users"].create(
            {
                "name": "Storekeeper",
                "login": "storekeeper",
                "groups_id": [Command.set(self.env.ref("stock.group_stock_user").ids)],
            }
        )
        for user in (self.ec_user, storekeeper):
            with self.assertRaises(AccessError):
                requests.with_user(user).action_retry_selected()
        self.assertFalse(self.sandbox.requests)
        self.assertEqual(requests.mapped("state"), ["failed"] * 3)
