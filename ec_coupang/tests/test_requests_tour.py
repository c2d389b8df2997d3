from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.tests import HttpCase, tagged

from .common import EcCoupangTestMixin
from .push_common import PushCase
from .requests_common import TWO_ITEMS
from .tour_common import TourInEachLanguage, in_each_language


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestStopShipmentTour(EcCoupangTestMixin, HttpCase):
    def setUp(self):
        super().setUp()
        self.products, _company, _carrier = PushCase.create_catalogue(self.env)
        self.kr_account = self._create_account(name="Coupang KR", coupang_market="KR", require_tracking=False)
        self.kr_account.action_test_connection()

    def test_stop_shipment_on_an_open_delivery(self):
        order = PushCase.create_coupang_order(self, TWO_ITEMS, account=self.kr_account, products=self.products)
        receipt = self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        # Coupang's answer fails once: the request stays pending on the delivery.
        self.sandbox.inject("stop_shipment", "status", status=500)
        self.env["ec.coupang.request.checker"]._check_requests(CoupangRun.for_button(self.kr_account))
        picking = order.picking_ids
        self.assertEqual(picking.ec_request_state, "stop_requested")
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}", "ec_coupang_stop_shipment_tour", login="admin"
        )
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.sandbox.returns.answers[receipt.receipt_id, "stop_shipment"], 1)


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestRequestsListTour(TourInEachLanguage, EcCoupangTestMixin, HttpCase):
    @in_each_language
    def test_requests_list_shows_coupang_s_status_in_words_uncut(self):
        """At a laptop's width (the tour's browser: 1366 pixels) with the menu's columns, in each
        language: a date in Korean or Chinese is longer than in English."""
        products, _company, _carrier = PushCase.create_catalogue(self.env)
        account = self._create_account(name="Coupang Korea Official Tea Store", coupang_market="KR")
        account.action_test_connection()
        order = PushCase.create_coupang_order(self, TWO_ITEMS, account=account, products=products)
        self.sandbox.buyer_cancel(int(order.coupang_shipment_box_id))
        self.sandbox.inject("stop_shipment", "status", status=500)
        self.env["ec.coupang.request.checker"]._check_requests(CoupangRun.for_button(account))
        request = self.env["ec.coupang.request"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(request.coupang_status, "RELEASE_STOP_UNCHECKED")
        status = request.with_env(self.tour_env).coupang_status_label
        self.assertTrue(status)
        self.start_tour_in_language(
            "/odoo/action-ec_coupang.ec_coupang_request_action", "ec_coupang_requests_list_tour", {"status": status}
        )
