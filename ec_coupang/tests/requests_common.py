"""Shared base of the Coupang requests tests: Coupang orders of a Taiwan and a Korea account, the
buyers' cancellations and returns made in the sandbox, the requests check run against it."""

from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun

from .push_common import TEA, TEAPOT, PushCase

TWO_ITEMS = [(TEA, 2), (TEAPOT, 1)]


class RequestCase(PushCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.checker = cls.env["ec.coupang.request.checker"]
        cj = cls.env["ec.delivery.company"].search([("market", "=", "KR"), ("code", "=", "CJGLS")])
        cls.kr_carrier = cls.create_carrier(cls.env, "CJ Logistics", cj)

    def setUp(self):
        super().setUp()
        self.kr_account = self._create_account(name="Coupang KR", coupang_market="KR")
        self.kr_account.action_test_connection()
        self.assertEqual(self.kr_account.state, "connected", self.kr_account.connection_message)

    def check(self, account=None):
        self.assertTrue(self.checker._check_requests(CoupangRun.for_button(account or self.account)))

    def request_of(self, receipt):
        return self.env["ec.coupang.request"].search([("receipt_id", "=", str(receipt.receipt_id))])

    def answers(self, receipt):
        """{answer: times the sandbox carried it out} for the receipt."""
        return {
            answer: count
            for (receipt_id, answer), count in self.sandbox.returns.answers.items()
            if receipt_id == receipt.receipt_id
        }

    def sheet(self, order):
        return self.sandbox.order(int(order.coupang_shipment_box_id))

    def ship_kr(self, order, tracking_ref="612345678901"):
        self.ship(order.picking_ids, tracking_ref, carrier=self.kr_carrier)
        self.assertEqual(order.picking_ids.state, "done")
