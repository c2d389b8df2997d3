"""The account's Last Result, written by each of its actions, and what Test Connection checks
before the first fetch."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EcCoupangCase, IpEchoServer
from .test_stored_texts import CATALOGUES, ReadersMixin, translation

CONNECTED = "Connected to Coupang."
BEFORE_FIRST_FETCH = "Before the first fetch: %s"


@tagged("post_install", "-at_install")
class TestLastResult(ReadersMixin, EcCoupangCase):
    def setUp(self):
        super().setUp()
        self.env.ref("base.TWD").active = True

    def ready(self):
        self.configure_locations()

    def test_test_connection_keeps_a_success_when_nothing_is_missing(self):
        self.ready()
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(
            (self.account.last_result_action, self.account.last_result_level), ("test_connection", "success")
        )
        self.assertTrue(self.account.last_result_at)
        self.assertTrue(self.account.last_result.startswith(CONNECTED), self.account.last_result)
        self.assertIn("return centers and", self.account.last_result)
        self.assertEqual(action["params"]["message"], self.account.last_result)
        self.assertNotIn("Before the first fetch", self.account.last_result)

    def test_a_failed_test_connection_keeps_a_danger(self):
        self.account.coupang_vendor_id = "A99999999"
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.account.last_result_level, "danger")
        self.assertIn("Vendor ID", self.account.last_result)
        self.assertEqual(self.account.last_result, self.account.connection_message)

    def test_detect_keeps_the_server_ip_or_what_to_do_without_it(self):
        with IpEchoServer("203.0.113.7") as echo:
            self.set_ip_echo_url(echo.url)
            action = self.account.action_detect_outbound_ip()
        self.assertEqual((self.account.last_result_action, self.account.last_result_level), ("detect_ip", "success"))
        self.assertIn("203.0.113.7", self.account.last_result)
        self.assertEqual(action["params"]["type"], "success")
        self.set_ip_echo_url("http://127.0.0.1:9/")
        self.account.action_detect_outbound_ip()
        self.assertEqual(self.account.last_result_level, "warning")
        self.assertIn("ec_coupang.outbound_ip", self.account.last_result)

    def test_load_locations_keeps_what_was_loaded(self):
        self.ready()
        self.account.action_load_locations()
        self.assertEqual(
            (self.account.last_result_action, self.account.last_result_level), ("load_locations", "success")
        )
        self.assertIn("return centers and", self.account.last_result)
        center = self.account.return_center_seven_eleven_id
        self.sandbox.remove_return_center(center.code)
        action = self.account.action_load_locations()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(f"{center.display_name} is no longer listed by Coupang", self.account.last_result)

    def test_the_last_result_reads_in_the_reader_s_language(self):
        self.env.ref("base.TWD").active = False
        self.account.action_test_connection()
        self.assertEqual(self.account.last_result_level, "warning")
        results = set()
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                connected, before = translation(lang, CONNECTED), translation(lang, BEFORE_FIRST_FETCH)
                self.assertTrue(connected and before)
                read = self.as_reader(self.account, lang).last_result
                results.add(read)
                self.assertTrue(read.startswith(connected), read)
                self.assertIn(before.split("%s")[0].strip(), read)
                self.assertIn("TWD", read)
                self.assertNotIn("Before the first fetch", read)
        self.assertEqual(len(results), len(CATALOGUES))


@tagged("post_install", "-at_install")
class TestReadiness(EcCoupangCase):
    """Test Connection, once Coupang answered, says what the first fetch still needs."""

    def setUp(self):
        super().setUp()
        self.env.ref("base.TWD").active = True
        self.configure_locations()
        self.manager = self.env["res.users"].create(
            {
                "name": "EC manager",
                "login": "ec_readiness_manager",
                "groups_id": [Command.set([self.env.ref("ec_coupang.group_ec_manager").id])],
            }
        )
        self.admin = self.env.ref("base.user_admin")

    def problems(self):
        action = self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")
        return action["params"]["type"], self.account.last_result

    def test_an_inactive_market_currency_warns_and_can_be_activated(self):
        twd = self.env.ref("base.TWD")
        twd.active = False
        level, said = self.problems()
        self.assertEqual(level, "warning")
        self.assertIn("The currency TWD of the store's market is not active", said)
        self.assertTrue(self.account.market_currency_inactive)

        as_manager = self.account.with_user(self.manager)
        self.assertFalse(as_manager.may_activate_currency, "the button is not shown to who may not")
        with self.assertRaises(AccessError):
            as_manager.action_activate_currency()
        self.assertFalse(twd.active)

        as_admin = self.account.with_user(self.admin)
        self.assertTrue(as_admin.may_activate_currency)
        action = as_admin.action_activate_currency()
        self.assertTrue(twd.active)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.account.last_result_action, "activate_currency")
        self.assertFalse(self.account.market_currency_inactive)
        self.assertEqual(self.problems(), ("success", self.account.last_result))

    def test_a_korea_account_says_krw_is_inactive(self):
        self.env.ref("base.KRW").active = False
        self.account.coupang_market = "KR"
        [problem] = self.account._currency_problems()
        self.assertEqual(problem["code"], "ready_currency_inactive")
        self.assertEqual(problem["params"], {"currency": "KRW"})
        self.assertTrue(self.account.market_currency_inactive)

    def test_a_tax_no_longer_usable_is_named(self):
        tax = self.env["account.tax"].create(
            {"name": "VAT 5% included", "amount": 5, "type_tax_use": "sale", "price_include_override": "tax_included"}
        )
        self.account.order_tax_id = tax
        self.assertEqual(self.problems()[0], "success")
        tax.active = False
        level, said = self.problems()
        self.assertEqual(level, "warning")
        self.assertIn("the tax VAT 5% included is no longer an active sale tax included in the price", said)
        self.assertIn(self.account.company_id.name, said)

    def test_no_tax_chosen_is_no_problem(self):
        self.assertFalse(self.account.order_tax_id)
        self.assertEqual(self.problems()[0], "success")

    def test_an_unchosen_location_is_named(self):
        self.account.outbound_place_home_id = False
        level, said = self.problems()
        self.assertEqual(level, "warning")
        self.assertIn("Choose the Outbound Place Code (Home Delivery - Kerry TJ / HCT) on the Settings tab.", said)
        self.assertNotIn("Return Center Code (7-11)", said)
        self.account.ship_home_delivery = False
        self.assertEqual(self.problems()[0], "success", "a shipping method not in use needs no location")

    def test_a_location_gone_from_coupang_is_named(self):
        center = self.account.return_center_familymart_id
        self.sandbox.remove_return_center(center.code)
        level, said = self.problems()
        self.assertEqual(level, "warning")
        self.assertFalse(center.active)
        self.assertIn(f"Return Center Code (FamilyMart): {center.display_name} is no longer listed by Coupang", said)
