import os
import shutil
import tempfile
from pathlib import Path
from unittest.mock import patch

from odoo.addons.ec_coupang.const import RECORD_DIR_ENV, RECORD_DIR_PARAM, RECORD_HIDE_VENDOR_ID_PARAM
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import EcCoupangCase, IpEchoServer


@tagged("post_install", "-at_install")
class TestEcAccountConnection(EcCoupangCase):
    def _test_connection(self, account=None):
        return (account or self.account).action_test_connection()

    def test_success_connects_and_loads_locations(self):
        account = self._create_account(vendor=self.add_store())
        self.assertEqual(account.state, "draft")
        action = self._test_connection(account)
        self.assertEqual(account.state, "connected")
        self.assertTrue(account.connected_at)
        self.assertEqual(action["params"]["title"], "Connection Successful")
        # Connected, but no location is chosen yet: the first fetch would hold every order.
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Choose the Return Center Code (7-11) on the Settings tab.", action["params"]["message"])
        centers = account.location_ids.filtered(lambda location: location.kind == "return_center")
        places = account.location_ids.filtered(lambda location: location.kind == "outbound_place")
        self.assertEqual(sorted(centers.mapped("code")), sorted(self.sandbox.return_center_codes()))
        self.assertEqual(sorted(places.mapped("code")), sorted(self.sandbox.outbound_place_codes()))
        self.assertIn(f"{len(centers)} return centers and {len(places)} outbound places", action["params"]["message"])

    def _record_folder(self):
        folder = tempfile.mkdtemp(prefix="ec_coupang_record_")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        return folder

    def _recorded_text(self, folder, account):
        files = sorted((Path(folder) / f"{account.coupang_market}-{account.id}").glob("*.json"))
        return len(files), "\n".join(path.read_text(encoding="utf-8") for path in files)

    def test_recording_keeps_the_accounts_exchanges_without_its_keys(self):
        folder = self._record_folder()
        self.env["ir.config_parameter"].sudo().set_param(RECORD_DIR_PARAM, folder)
        self._test_connection()
        count, text = self._recorded_text(folder, self.account)
        # The connection check, then the return centers and the outbound places.
        self.assertEqual(count, 3)
        self.assertIn("returnCenterCode", text)
        vendor = self.sandbox.demo_vendor
        self.assertNotIn(vendor.secret_key, text)
        self.assertNotIn(vendor.access_key, text)
        self.assertIn(vendor.vendor_id, text)

    def test_recording_from_the_environment_can_hide_the_vendor_id(self):
        folder = self._record_folder()
        self.env["ir.config_parameter"].sudo().set_param(RECORD_HIDE_VENDOR_ID_PARAM, "True")
        with patch.dict(os.environ, {RECORD_DIR_ENV: folder}):
            self._test_connection()
        count, text = self._recorded_text(folder, self.account)
        self.assertEqual(count, 3)
        self.assertNotIn(self.sandbox.demo_vendor.vendor_id, text)

    def test_no_recording_without_a_folder(self):
        environment = {key: value for key, value in os.environ.items() if key != RECORD_DIR_ENV}
        with patch.dict(os.environ, environment, clear=True):
            self.assertIsNone(self.account._coupang_recorder("secret"))

    def test_ip_not_whitelisted_is_diagnosed_first(self):
        self.sandbox.set_allowed_ips(["198.51.100.99"])
        with IpEchoServer("203.0.113.7") as echo:
            self.set_ip_echo_url(echo.url)
            action = self._test_connection()
        self.assertEqual(self.account.state, "failed")
        self.assertIn("203.0.113.7", self.account.connection_message)
        self.assertIn("allowed IPs", self.account.connection_message)
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.account.outbound_ip, "203.0.113.7")

    def test_an_ip_refused_says_its_advice_once(self):
        self.sandbox.set_allowed_ips(["198.51.100.99"])
        with IpEchoServer("203.0.113.7") as echo:
            self.set_ip_echo_url(echo.url)
            self.account.action_test_connection()
        said = self.account.connection_message
        self.assertEqual(said.count("allowed IPs"), 1, said)
        self.assertEqual(said.count("30 minutes"), 1, said)
        self.assertIn("203.0.113.7", said)

    def test_an_unknown_ip_refused_points_to_detect(self):
        self.sandbox.set_allowed_ips(["198.51.100.99"])
        self.set_ip_echo_url("http://127.0.0.1:9/")
        self.account.action_test_connection()
        self.assertEqual(self.account.connection_message_code, "ip_not_allowed_here")
        self.assertIn("click Detect", self.account.connection_message)

    def test_a_new_unsaved_account_shows_the_server_ip(self):
        self.env["ir.config_parameter"].sudo().set_param("ec_coupang.outbound_ip", "198.51.100.23")
        form = Form(self.env["ec.account"])
        self.assertEqual(form.outbound_ip, "198.51.100.23")
        self.assertFalse(form.outbound_ip_hint)

    def test_wrong_vendor_id(self):
        self.account.coupang_vendor_id = "A99999999"
        self._test_connection()
        self.assertEqual(self.account.state, "failed")
        self.assertIn("Vendor ID", self.account.connection_message)

    def test_wrong_access_key(self):
        self.account.coupang_access_key = "not-a-known-access-key"
        self._test_connection()
        self.assertEqual(self.account.state, "failed")
        self.assertRegex(self.account.connection_message, "(?i)access key|secret key")

    def test_wrong_secret_key(self):
        self.account.coupang_secret_key = "wrong-secret"
        self._test_connection()
        self.assertEqual(self.account.state, "failed")
        self.assertRegex(self.account.connection_message, "(?i)secret key")
        self.assertNotIn("wrong-secret", self.account.connection_message)

    def test_server_clock_skew(self):
        self.sandbox.set_clock_skew(30 * 60)
        self._test_connection()
        self.assertEqual(self.account.state, "failed")
        self.assertRegex(self.account.connection_message, "(?i)clock")

    def test_failure_is_posted_on_the_chatter(self):
        self.account.coupang_vendor_id = "A99999999"
        self._test_connection()
        self.assertIn("Connection test failed", self.account.message_ids[0].body)

    def test_success_after_a_failure(self):
        self.account.coupang_vendor_id = "A99999999"
        self._test_connection()
        self.assertEqual(self.account.state, "failed")
        self.account.coupang_vendor_id = self.sandbox.demo_vendor.vendor_id
        self._test_connection()
        self.assertEqual(self.account.state, "connected")
        self.assertFalse(self.account.connection_message)

    def test_load_locations_needs_a_connection(self):
        account = self._create_account(vendor=self.add_store())
        with self.assertRaisesText(UserError, "Test the connection"):
            account.action_load_locations()

    def test_outbound_ip_set_by_hand_wins(self):
        self.env["ir.config_parameter"].sudo().set_param("ec_coupang.outbound_ip", "198.51.100.23")
        self.assertEqual(self.account.outbound_ip, "198.51.100.23")

    def test_outbound_ip_detection_failure_explains_the_system_parameter(self):
        self.set_ip_echo_url("http://127.0.0.1:9/")
        action = self.account.action_detect_outbound_ip()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("ec_coupang.outbound_ip", action["params"]["message"])

    def test_form_chooses_merchant_first_and_defaults_the_channel(self):
        with Form(self.env["ec.account"]) as form:
            form.merchant_id = self.merchant
            form.name = "Second store"
            form.coupang_vendor_id = self.add_store().vendor_id
            form.coupang_access_key = "key"
            form.coupang_secret_key = "secret"
            self.assertTrue(form.team_id)
        account = form.save()
        self.assertEqual(account.platform, "coupang")
        self.assertEqual(account.state, "draft")


@tagged("post_install", "-at_install")
class TestEcLocations(EcCoupangCase):
    def _locations(self, kind):
        return (
            self.env["ec.location"]
            .with_context(active_test=False)
            .search([("account_id", "=", self.account.id), ("kind", "=", kind)])
        )

    def test_refresh_adds_renames_and_archives(self):
        centers_before = self._locations("return_center")
        kept, renamed, vanished = centers_before[:3]
        self.account.return_center_familymart_id = vanished
        self.sandbox.rename_return_center(renamed.code, "新名稱 退貨中心")
        self.sandbox.remove_return_center(vanished.code)
        new_code = self.sandbox.add_return_center("新竹 退貨中心")

        self.account.action_load_locations()

        centers = self._locations("return_center")
        self.assertEqual(len(centers), len(centers_before) + 1)
        self.assertIn(new_code, centers.mapped("code"))
        self.assertEqual(renamed.name, "新名稱 退貨中心")
        self.assertTrue(kept.active)
        self.assertFalse(vanished.active, "a place gone from Coupang is archived, not deleted")
        self.assertEqual(self.account.return_center_familymart_id, vanished, "still valid where used")

    def test_a_place_that_comes_back_is_reactivated(self):
        center = self._locations("return_center")[:1]
        self.sandbox.remove_return_center(center.code)
        self.account.action_load_locations()
        self.assertFalse(center.active)
        self.sandbox.add_return_center(center.name, code=center.code)
        self.account.action_load_locations()
        self.assertTrue(center.active)
        self.assertEqual(len(self._locations("return_center").filtered(lambda loc: loc.code == center.code)), 1)

    def test_empty_lists_say_what_to_check(self):
        for center in self._locations("return_center"):
            self.sandbox.remove_return_center(center.code)
        action = self.account.action_load_locations()
        self.assertIn("Coupang returned no return center", action["params"]["message"])
        self.assertIn("Wing", action["params"]["message"])

    def test_locations_are_loaded_across_pages(self):
        for index in range(60):
            self.sandbox.add_return_center(f"退貨中心 {index}")
        self.account.action_load_locations()
        self.assertEqual(len(self._locations("return_center")), len(self.sandbox.return_center_codes()))
