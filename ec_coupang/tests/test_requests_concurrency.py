"""The requests check under the cron, on committed data, while a user saves what it changes."""

from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.tests import tagged

from . import test_push_concurrency
from .push_common import TEA, TEAPOT
from .requests_common import RequestCase


@tagged("post_install", "-at_install")
class TestRequestsConcurrency(RequestCase):
    def _commit_order(self, market="KR"):
        """(account id, sale order id) of a committed account's confirmed Coupang order."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = self.create_committed_account(env, market)
            account.action_test_connection()
            # Another code than the test transaction's, whose uncommitted row would block this insert.
            products, _delivery_company, carrier = self.create_catalogue(env, "KERRYTJ-3")
            order = self.create_coupang_order([(TEA, 1), (TEAPOT, 1)], env=env, account=account, products=products)
            products = env["product.product"].union(*products.values(), carrier.product_id)
            ids = {
                "pickings": order.picking_ids.ids,
                "orders": order.ids,
                "products": products.ids,
                "templates": products.product_tmpl_id.ids,
                "partners": [*order.partner_id.ids, account.merchant_id.id],
                "carrier": carrier.id,
                "delivery_company": carrier.ec_delivery_company_id.id,
                "account": account.id,
            }
        self.addCleanup(test_push_concurrency.TestPushConcurrency._delete_committed, self, ids)
        return account.id, order.id

    def buyer_cancels(self, order_id):
        """The buyer cancels the committed order's box on Coupang; returns the receipt."""
        with self.registry.cursor() as cr:
            box_id = int(api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(order_id).coupang_shipment_box_id)
        return self.sandbox.buyer_cancel(box_id)

    def user_saves_the_order(self, order_id):
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '5s'")
            api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(order_id).client_order_ref = "Saved by a user"

    def test_a_user_saves_the_sale_order_while_the_check_stops_its_delivery(self):
        """Coupang took the stop answer; the user's save then makes the cancel of the delivery fail:
        the answer is committed already, and the delivery is stopped in a new transaction."""
        account_id, order_id = self._commit_order()
        receipt = self.buyer_cancels(order_id)
        Request = type(self.env["ec.coupang.request"])
        stop_delivery = Request._stop_delivery
        saves = []

        def user_saves_first(request, order, coupang_request):
            if not saves:
                saves.append(order.id)
                self.user_saves_the_order(order.id)
            return stop_delivery(request, order, coupang_request)

        with patch.object(Request, "_stop_delivery", user_saves_first), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = env["ec.account"].browse(account_id)
            run = CoupangRun(account, commits=True)
            self.assertTrue(env["ec.coupang.request.checker"]._check_requests(run))
        self.assertEqual(saves, [order_id])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["ec.coupang.request"].search([("receipt_id", "=", str(receipt.receipt_id))])
            self.assertRecordValues(request, [{"state": "done", "answer": "stop_shipment", "delivery_stopped": True}])
            order = env["sale.order"].browse(order_id)
            self.assertEqual((order.client_order_ref, order.state), ("Saved by a user", "cancel"))
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})

    def check_committed(self, account_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = CoupangRun(env["ec.account"].browse(account_id), commits=True)
            return env["ec.coupang.request.checker"]._check_requests(run)

    def read_again_from(self, account_id, receipt):
        """The next check's window starts before the request was made, as a check's overlap does
        for a request made just before the previous check."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            made = env["ec.coupang.request"].search([("receipt_id", "=", str(receipt.receipt_id))]).requested_at
            env["ec.account"].browse(account_id).last_request_watermark = made - timedelta(minutes=1)

    def list_calls(self):
        return len([request for request in self.sandbox.requests if request.endpoint == "return_requests"])

    def user_retries(self, receipt):
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '5s'")
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ec.coupang.request"].search([("receipt_id", "=", str(receipt.receipt_id))]).action_retry()

    def test_a_user_s_retry_committed_while_the_check_keeps_the_same_request_is_read_again(self):
        """The seller answered a Taiwan stop in Wing; while the check keeps Coupang's new status of the
        request, a user's Retry of it is committed first: the check's write is refused by the
        repeatable read, and the check reads the lists again instead of failing."""
        account_id, order_id = self._commit_order("TW")
        receipt = self.buyer_cancels(order_id)
        self.assertTrue(self.check_committed(account_id))
        self.sandbox.returns.stop_shipment(self.sandbox.receipt(receipt.receipt_id), receipt.cancel_count_sum)
        self.read_again_from(account_id, receipt)
        Request = type(self.env["ec.coupang.request"])
        upsert = Request._upsert
        retries = []

        def user_retries_meanwhile(request, account, coupang_request):
            record = upsert(request, account, coupang_request)
            if not retries and str(coupang_request.receipt_id) == str(receipt.receipt_id):
                retries.append(receipt.receipt_id)
                self.user_retries(receipt)
            return record

        self.sandbox.clear_requests()
        with patch.object(Request, "_upsert", user_retries_meanwhile):
            self.assertTrue(self.check_committed(account_id))
        self.assertEqual(retries, [receipt.receipt_id])
        lists_read = self.list_calls()
        self.sandbox.clear_requests()
        self.read_again_from(account_id, receipt)
        self.assertTrue(self.check_committed(account_id))
        self.assertEqual(lists_read, 2 * self.list_calls(), "the lists read twice")
        with self.registry.cursor() as cr:
            request = api.Environment(cr, SUPERUSER_ID, {})["ec.coupang.request"].search(
                [("receipt_id", "=", str(receipt.receipt_id))]
            )
            self.assertRecordValues(request, [{"state": "done", "delivery_stopped": True}])
        self.assertFalse(self.sandbox.requests_to("stop_shipment"), "Taiwan stores answer in Wing")

    def test_a_user_saving_the_sale_order_at_every_try_leaves_the_request_to_the_next_check(self):
        """The user's saves of the sale order cross every try of the stop: the check ends without an
        error, the answer Coupang took stays recorded, and the next check stops the delivery."""
        account_id, order_id = self._commit_order()
        receipt = self.buyer_cancels(order_id)
        Request = type(self.env["ec.coupang.request"])
        stop_delivery = Request._stop_delivery
        saves = []

        def user_saves_every_time(request, order, coupang_request):
            saves.append(order.id)
            self.user_saves_the_order(order.id)
            return stop_delivery(request, order, coupang_request)

        with patch.object(Request, "_stop_delivery", user_saves_every_time):
            self.assertTrue(self.check_committed(account_id))
        self.assertGreater(len(saves), 1)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["ec.coupang.request"].search([("receipt_id", "=", str(receipt.receipt_id))])
            self.assertRecordValues(request, [{"state": "to_apply", "delivery_stopped": False}])
            self.assertFalse(request.reason_code)
        self.read_again_from(account_id, receipt)
        self.assertTrue(self.check_committed(account_id))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["ec.coupang.request"].search([("receipt_id", "=", str(receipt.receipt_id))])
            self.assertRecordValues(request, [{"state": "done", "answer": "stop_shipment", "delivery_stopped": True}])
            self.assertEqual(env["sale.order"].browse(order_id).state, "cancel")
        self.assertEqual(self.answers(receipt), {"stop_shipment": 1})


@tagged("post_install", "-at_install")
class TestFetchNowResultCommitted(RequestCase):
    def _delete_account(self, ids):
        with self.registry.cursor() as cr:
            for query in (
                "DELETE FROM mail_message WHERE model = 'ec.account' AND res_id = %(account)s",
                "DELETE FROM ec_fetch_log WHERE account_id = %(account)s",
                "DELETE FROM ec_account WHERE id = %(account)s",
                "DELETE FROM res_partner WHERE id = ANY(%(partners)s)",
            ):
                cr.execute(query, ids)

    def test_fetch_now_keeps_its_last_result_after_its_requests_check_committed_the_account(self):
        """The fetch's requests check commits the account's request watermark on a cursor of its own;
        the Last Result Fetch Now writes afterwards must not meet that update as a user's save."""
        self.clear_sandbox_orders()
        with self.registry.cursor() as cr:
            account = self.create_committed_account(api.Environment(cr, SUPERUSER_ID, {}), "KR")
            ids = {"account": account.id, "partners": account.merchant_id.ids}
        self.addCleanup(self._delete_account, ids)
        with self.registry.cursor() as cr:
            account = api.Environment(cr, SUPERUSER_ID, {})["ec.account"].browse(ids["account"])
            log = account.env["ec.coupang.importer"]._fetch_orders(CoupangRun(account, commits=True))
            self.assertEqual((log.trigger, log.state), ("manual", "done"), log.summary)
        with self.registry.cursor() as cr:
            account = api.Environment(cr, SUPERUSER_ID, {})["ec.account"].browse(ids["account"])
            self.assertTrue(account.last_request_watermark, "the fetch checked the requests")
            self.assertEqual(
                (account.last_result_action, account.last_result_code, account.last_result_level),
                ("fetch_now", "fetch_ended", "success"),
            )
