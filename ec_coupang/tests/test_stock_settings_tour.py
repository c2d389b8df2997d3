from odoo.tests import HttpCase, tagged

from .common import EcCoupangTestMixin

PRODUCT_ID, VENDOR_ITEM = 7300000100, 93000000100


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestStockSettingsTour(EcCoupangTestMixin, HttpCase):
    def test_turn_on_stock_to_coupang_and_send_it_now(self):
        """A Korea store: the user turns on Send Stock to Coupang with a safety stock of 2 and clicks
        Send Stock Now; the scheduled action then sends the mapped item's free quantity less 2."""
        korea = self._create_account(name="Coupang KR", coupang_market="KR")
        korea.action_test_connection()
        self.assertEqual(korea.state, "connected", korea.connection_message)
        tea = self.env["product.product"].create({"name": "Green tea", "is_storable": True})
        self.sandbox.add_seller_product(
            PRODUCT_ID, "녹차", [(VENDOR_ITEM, "KR-TEA", "8800000000100", "녹차", [], 9900)]
        )
        self.env["ec.product.mapping"].create(
            {"account_id": korea.id, "vendor_item_id": str(VENDOR_ITEM), "product_id": tea.id}
        )
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(tea, warehouse.lot_stock_id, 10)

        self.start_tour(
            f"/odoo/action-ec_coupang.ec_account_action/{korea.id}", "ec_coupang_stock_settings_tour", login="admin"
        )

        self.assertRecordValues(korea, [{"stock_push": True, "stock_safety": 2}])
        self.assertFalse(self.sandbox.requests_to("item_quantity"), "the button only starts the scheduled action")
        self.env["ec.stock.push"]._cron_send_stock()
        vendor_id = self.sandbox.demo_vendor.vendor_id
        self.assertEqual(self.sandbox.catalog.vendor_item(vendor_id, "KR", str(VENDOR_ITEM)).maximum_buy_count, 8)
