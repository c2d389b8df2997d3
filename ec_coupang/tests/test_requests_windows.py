from collections import Counter
from datetime import timedelta

from odoo.addons.ec_coupang.const import REQUEST_LISTS
from odoo.tests import tagged

from .requests_common import TWO_ITEMS, RequestCase


@tagged("post_install", "-at_install")
class TestRequestWindows(RequestCase):
    """The requests check reads what each list mode allows: minute mode less than a day (technical
    FAQ 반품관리API 7), day mode 31 days (Coupang docs: return-api/lookup-return-request-list-per-day)."""

    def stop_request_of(self, days_ago):
        order = self.create_coupang_order(TWO_ITEMS, account=self.kr_account)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        receipt.created_at = receipt.modified_at = self.sandbox.now() - timedelta(days=days_ago)
        return order, receipt

    def calls_by_mode(self):
        """{mode: calls} of the check's reads, each of which Coupang must have answered."""
        calls = self.sandbox.requests_to("return_requests")
        self.assertEqual({call.status for call in calls}, {200})
        return Counter("minute" if call.params.get("searchType") == "timeFrame" else "day" for call in calls)

    def assert_applied(self, order, receipt):
        self.assertEqual(self.request_of(receipt).state, "done")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})

    def test_first_check_of_new_account_backfills_7_days_by_day_mode(self):
        self.assertFalse(self.kr_account.last_request_watermark)
        order, receipt = self.stop_request_of(days_ago=6)
        self.sandbox.clear_requests()
        self.check(self.kr_account)
        self.assert_applied(order, receipt)
        # Each list (cancellations, RU, UC, CC) once by day for the 7 days, once by minute for the last hours.
        self.assertEqual(len(REQUEST_LISTS), 4)
        self.assertEqual(self.calls_by_mode(), Counter({"day": 4, "minute": 4}))
        self.assertTrue(self.kr_account.last_request_watermark)

    def test_check_after_a_3_day_outage_reads_the_missed_days(self):
        self.check(self.kr_account)
        self.kr_account.last_request_watermark -= timedelta(days=3)
        order, receipt = self.stop_request_of(days_ago=2)
        self.sandbox.clear_requests()
        self.check(self.kr_account)
        self.assert_applied(order, receipt)
        self.assertEqual(self.calls_by_mode(), Counter({"day": 4, "minute": 4}))

    def test_a_regular_check_reads_by_minute_only(self):
        self.check(self.kr_account)
        order, receipt = self.stop_request_of(days_ago=0)
        self.sandbox.clear_requests()
        self.check(self.kr_account)
        self.assert_applied(order, receipt)
        self.assertEqual(self.calls_by_mode(), Counter({"minute": 4}))
