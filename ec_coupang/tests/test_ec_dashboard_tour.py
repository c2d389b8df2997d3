from odoo.tests import HttpCase, tagged

from .common import pdf_text
from .fetch_common import EcFetchMixin

DELIVERY_SLIP = "stock.action_report_delivery"
PARCEL_MESSAGE = "到店請簡訊通知"
# The amount the tour reads on the delivery: Coupang's total of the box, two CP-TEA-001 with the
# discounts the sandbox's seed gives them.
COD_AMOUNT = 915


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestEcDashboardTour(EcFetchMixin, HttpCase):
    def test_dashboard_to_the_accounts_orders_to_review(self):
        # A long name wraps on its card: the tour reads it whole.
        self.account.name = "Coupang TW Tea House 台北茶行 信義旗艦店 官方直營 Taipei Xinyi Flagship Store"
        other = self._create_account(self.add_store(), name="Coupang TW Outlet")
        Import = self.env["ec.order.import"]
        for account, box_id, state in (
            (self.account, "910001", "held"),
            (self.account, "910002", "failed"),
            (self.account, "910003", "done"),
            (other, "920001", "held"),
        ):
            Import.create({"account_id": account.id, "shipment_box_id": box_id, "state": state})
        self.assertEqual(self.account.order_import_count, 2)
        self.start_tour("/odoo", "ec_coupang_dashboard_tour", login="admin")

    def test_cod_delivery_shows_and_prints_the_amount_to_collect(self):
        self.clear_sandbox_orders()
        picking = self.cod_order().picking_ids
        self.assertEqual(picking.ec_cod_amount, COD_AMOUNT)
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}", "ec_coupang_cod_delivery_tour", login="admin"
        )
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, kind = Report._render_qweb_pdf(DELIVERY_SLIP, picking.ids)
        self.assertEqual(kind, "pdf")
        text = pdf_text(pdf)
        self.assertIn(f"Cash on Delivery: Amount to Collect {COD_AMOUNT:,} NT$", text)
        self.assertIn(f"Parcel Message {PARCEL_MESSAGE}", text)
