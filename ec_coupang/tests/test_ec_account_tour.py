from odoo.tests import HttpCase, tagged

from .common import EcCoupangTestMixin

NEW_CENTER = "7-11 桃園新退貨中心"


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestEcAccountTour(EcCoupangTestMixin, HttpCase):
    def setUp(self):
        super().setUp()
        # New accounts made in the browser point at this test's sandbox.
        self.env["ir.default"].set("ec.account", "coupang_base_url", self.sandbox.base_url)

    def test_scenario_1_connect_and_configure(self):
        self.account.unlink()
        self.start_tour("/odoo/action-ec_coupang.ec_account_action?debug=1", "ec_coupang_account_tour", login="admin")
        account = self.env["ec.account"].search([("name", "=", "Taipei Tea House on Coupang")])
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.merchant_id, self.merchant)
        self.assertTrue(account.fetch_orders)
        self.assertEqual(account.fetch_slot_ids.mapped("time"), [9.5])
        self.assertEqual(account.return_center_seven_eleven_id.name, "7-ELEVEN 退貨中心")
        self.assertEqual(account.return_center_familymart_id.name, "全家 退貨中心")
        self.assertEqual(account.outbound_place_home_id.name, "台北倉 出貨地")
        self.assertEqual(account._get_coupang_secret_key(), self.sandbox.demo_vendor.secret_key)

    def test_scenario_2_reload_locations_and_reselect(self):
        self.account.name = "Taipei Tea House on Coupang"
        self.configure_locations()
        old_center = self.account.return_center_seven_eleven_id
        self.sandbox.remove_return_center(old_center.code)
        new_code = self.sandbox.add_return_center(NEW_CENTER)

        self.start_tour("/odoo/action-ec_coupang.ec_account_action", "ec_coupang_reload_locations_tour", login="admin")

        self.assertEqual(self.account.return_center_seven_eleven_id.code, new_code)
        self.assertFalse(old_center.active)

    def test_scenario_3_load_locations_before_choosing_any(self):
        self.account.name = "Taipei Tea House on Coupang"
        self.assertFalse(self.account.return_center_seven_eleven_id)
        new_code = self.sandbox.add_return_center(NEW_CENTER)

        self.start_tour(
            "/odoo/action-ec_coupang.ec_account_action", "ec_coupang_load_locations_unconfigured_tour", login="admin"
        )

        self.assertEqual(self.account.return_center_seven_eleven_id.code, new_code)
        self.assertFalse(self.account.fetch_orders)
