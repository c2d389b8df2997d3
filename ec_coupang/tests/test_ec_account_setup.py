from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import EcCoupangCase, IpEchoServer

UNUSABLE_CENTER = "1000558004"  # the sandbox's center Coupang marks unusable


@tagged("post_install", "-at_install")
class TestEcAccountSetup(EcCoupangCase):
    """What a new user meets while setting an account up."""

    def location(self, code):
        return self.account.with_context(active_test=False).location_ids.filtered(lambda loc: loc.code == code)

    def test_connected_account_without_locations_saves_while_fetching_is_off(self):
        with Form(self.account) as form:
            form.name = "Taipei Tea House on Coupang"
        self.assertFalse(self.account.return_center_seven_eleven_id)
        action = self.account.action_load_locations()
        self.assertEqual(action["params"]["type"], "success")

    def test_locations_are_required_once_fetching_is_on(self):
        form = Form(self.account)
        form.fetch_orders = True
        with self.assertRaisesRegex(AssertionError, "return_center_seven_eleven_id"):
            form.save()

    def test_a_center_coupang_marks_unusable_is_not_offered(self):
        domain = self.account._fields["return_center_seven_eleven_id"].domain
        self.assertIn("('usable', '=', True)", domain)
        self.assertFalse(self.location(UNUSABLE_CENTER).usable)

    def test_a_chosen_location_archived_by_a_reload_is_warned_about(self):
        self.configure_locations()
        center = self.account.return_center_seven_eleven_id
        self.sandbox.remove_return_center(center.code)
        message = self.account.action_load_locations()["params"]["message"]
        self.assertFalse(center.active)
        self.assertIn(f"{center.display_name} is no longer listed by Coupang", message)
        self.assertIn(center.display_name, self.account.location_warning)

    def test_a_chosen_location_coupang_marks_unusable_is_warned_about(self):
        self.configure_locations()
        self.account.return_center_familymart_id = self.location(UNUSABLE_CENTER)
        self.assertIn("unusable", self.account.location_warning)
        self.assertIn("unusable", self.account.action_load_locations()["params"]["message"])

    def test_well_chosen_locations_raise_no_warning(self):
        self.configure_locations()
        self.assertFalse(self.account.location_warning)

    def test_failed_connection_notification_is_not_sticky(self):
        self.account.coupang_vendor_id = "A99999999"
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertFalse(action["params"]["sticky"])
        self.assertEqual(self.account.state, "failed")

    def test_undetected_server_ip_shows_a_hint_and_how_to_set_it(self):
        self.set_ip_echo_url("http://127.0.0.1:9/")
        self.account.action_detect_outbound_ip()
        self.assertFalse(self.account.outbound_ip)
        self.assertIn("ec_coupang.outbound_ip", self.account.outbound_ip_hint)

    def test_known_server_ip_needs_no_hint(self):
        self.env["ir.config_parameter"].sudo().set_param("ec_coupang.outbound_ip", "198.51.100.23")
        self.assertFalse(self.account.outbound_ip_hint)

    def test_fetch_refused_for_the_ip_fails_the_connection_like_test_connection(self):
        self.configure_locations()
        self.sandbox.set_allowed_ips(["198.51.100.99"])
        with IpEchoServer("203.0.113.7") as echo:
            self.set_ip_echo_url(echo.url)
            log = self.account._fetch_orders()
        self.assertEqual(log.state, "failed")
        self.assertEqual(self.account.state, "failed")
        self.assertIn("203.0.113.7", self.account.connection_message)
        self.assertIn("allowed IPs", self.account.connection_message)
        self.assertIn(self.account.connection_message, log.error)

    def test_a_fourth_fetch_time_cannot_be_added(self):
        self.configure_locations()
        form = Form(self.account)
        form.fetch_orders = True
        for time in (8.0, 12.0, 16.0):
            with form.fetch_slot_ids.new() as slot:
                slot.time = time
        self.assertTrue(form.fetch_slots_full)
        with form.fetch_slot_ids.new() as slot:
            slot.time = 20.0
        self.assertIn("more than 3 times", form.fetch_status)

    def test_fetch_time_changes_are_kept_in_the_chatter(self):
        self.account.fetch_slot_ids = [Command.create({"time": 9.5})]
        self.assertIn("none → 09:30", self.account.message_ids[0].body)
        self.account.fetch_slot_ids = [Command.update(self.account.fetch_slot_ids.id, {"time": 14.0})]
        self.assertIn("09:30 → 14:00", self.account.message_ids[0].body)

    def test_the_keys_change_date_is_kept_and_their_expiry_shown(self):
        self.assertTrue(self.account.coupang_key_changed_at)
        self.assertEqual(self.account.coupang_key_expires_on, self.account.coupang_key_changed_at + timedelta(days=180))
        self.assertFalse(self.account.coupang_key_renewal_due)
        long_ago = fields.Datetime.now() - timedelta(days=100)
        self.account.coupang_key_changed_at = long_ago
        self.account.name = "Renamed"  # not a key: the date stays
        self.assertEqual(self.account.coupang_key_changed_at, long_ago)
        self.account.coupang_access_key = "new-access-key"
        self.assertGreater(self.account.coupang_key_changed_at, long_ago)

    def test_the_responsible_is_reminded_before_the_key_expires(self):
        self.account.coupang_key_changed_at = fields.Datetime.now() - timedelta(days=170)
        self.assertTrue(self.account.coupang_key_renewal_due)
        self.env["ec.account"]._cron_remind_key_renewal()
        self.env["ec.account"]._cron_remind_key_renewal()
        activity = self.account._key_renewal_activity()
        self.assertEqual(len(activity), 1, "one reminder, however often the cron runs")
        self.assertEqual(activity.user_id, self.account.user_id)
        self.assertEqual(activity.date_deadline, self.account.coupang_key_expires_on.date())

    def test_a_fresh_key_gets_no_reminder(self):
        self.env["ec.account"]._cron_remind_key_renewal()
        self.assertFalse(self.account._key_renewal_activity())
