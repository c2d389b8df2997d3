from pathlib import Path

from coupang_sandbox import SECOND_ACCESS_KEY, SECOND_SECRET_KEY, SECOND_VENDOR_ID
from odoo.tests import tagged

from .common import EcCoupangCase, load_module_file

DEMO_SETUP = Path(__file__).resolve().parents[2] / "scripts" / "demo_setup.py"


@tagged("post_install", "-at_install")
class TestDemoSetup(EcCoupangCase):
    """scripts/demo_setup.py, which scripts/run runs at every start of the demo."""

    def setUp(self):
        super().setUp()
        self.account.action_archive()  # the demo account holds the demo store
        self.demo = load_module_file("ec_coupang_demo_setup", DEMO_SETUP)

    def start_demo(self):
        return self.demo.ensure_account(self.env, self.sandbox.base_url)

    def test_a_restart_keeps_what_the_user_changed_on_the_demo_account(self):
        account = self.start_demo()
        self.assertEqual(account.state, "connected")
        self.assertTrue(account.fetch_orders)
        self.assertEqual(account.coupang_wing_user_id, self.sandbox.demo_vendor.wing_user_id, "Cancel on Coupang works")
        centers = account.location_ids.filtered(lambda location: location.kind == "return_center" and location.usable)
        other_center = centers - account.return_center_seven_eleven_id
        account.write(
            {
                "coupang_base_url": "http://127.0.0.1:9",
                "return_center_seven_eleven_id": other_center[0].id,
                "outbound_place_home_id": False,
                "fetch_orders": False,
            }
        )
        self.assertEqual(self.start_demo(), account)
        self.assertEqual(account.coupang_base_url, "http://127.0.0.1:9")
        self.assertEqual(account.return_center_seven_eleven_id, other_center[0])
        self.assertFalse(account.outbound_place_home_id)
        self.assertFalse(account.fetch_orders)

    def test_the_readmes_new_account_connects_beside_the_demo_account(self):
        demo_account = self.start_demo()
        # The README's walk: New, a merchant, the second store's keys; the market and the API Base
        # URL are the defaults.
        account = self.env["ec.account"].create(
            {
                "name": "My second shop",
                "merchant_id": self.merchant.id,
                "coupang_vendor_id": SECOND_VENDOR_ID,
                "coupang_access_key": SECOND_ACCESS_KEY,
                "coupang_secret_key": SECOND_SECRET_KEY,
            }
        )
        self.assertEqual(account.coupang_market, demo_account.coupang_market)
        self.assertEqual(account.coupang_base_url, self.sandbox.base_url)
        account.action_test_connection()
        self.assertEqual(account.state, "connected", account.connection_message)
        self.assertTrue(account.location_ids)

    def test_the_demo_offers_traditional_chinese_and_korean(self):
        Lang = self.env["res.lang"].with_context(active_test=False)
        north_korean = Lang.search([("code", "=", "ko_KP")])
        before = north_korean.read(["name", "active"])
        self.demo.ensure_languages(self.env)
        active = Lang.search([("code", "in", ["zh_TW", "ko_KR"]), ("active", "=", True)])
        self.assertEqual(sorted(active.mapped("code")), ["ko_KR", "zh_TW"])
        # Korean is ko_KR, whose texts are Wing's; Odoo's own language records stay as they are.
        self.assertEqual(north_korean.read(["name", "active"]), before)
        for lang, vendor_id in (("ko_KR", "업체코드"), ("zh_TW", "供應商 ID")):
            fields = self.env["ec.account"].with_context(lang=lang).fields_get(["coupang_vendor_id"])
            self.assertEqual(fields["coupang_vendor_id"]["string"], vendor_id)
