import logging

from odoo import Command
from odoo.addons.ec_coupang.tools import secret_box
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import SECRET_KEY, EcCoupangCase


@tagged("post_install", "-at_install")
class TestEcAccountSecretKey(EcCoupangCase):
    def _stored_ciphertext(self, account):
        self.env.cr.execute(SQL("SELECT coupang_secret_key_encrypted FROM ec_account WHERE id = %s", account.id))
        return self.env.cr.fetchone()[0]

    def test_database_row_holds_ciphertext_only(self):
        ciphertext = self._stored_ciphertext(self.account)
        self.assertTrue(ciphertext)
        self.assertNotIn(SECRET_KEY, ciphertext)
        self.assertEqual(secret_box.decrypt(ciphertext), SECRET_KEY)

    def test_no_orm_field_exposes_the_ciphertext(self):
        self.assertNotIn("coupang_secret_key_encrypted", self.env["ec.account"]._fields)

    def test_saving_a_new_secret_does_not_send_it_back(self):
        self.account.write({"coupang_secret_key": "typed-in-the-form"})
        self.assertFalse(self.account.read(["coupang_secret_key"])[0]["coupang_secret_key"])
        account = self.env["ec.account"].create(
            {"name": "Fresh", "merchant_id": self.merchant.id, "coupang_secret_key": "typed-at-create"}
        )
        self.assertFalse(account.read(["coupang_secret_key"])[0]["coupang_secret_key"])

    def test_rpc_read_as_admin_returns_no_secret(self):
        admin_account = self.account.with_user(self.env.ref("base.user_admin"))
        values = admin_account.read(["coupang_secret_key", "coupang_secret_key_set"])[0]
        self.assertFalse(values["coupang_secret_key"])
        self.assertTrue(values["coupang_secret_key_set"])
        everything = admin_account.read()[0]
        self.assertNotIn(SECRET_KEY, repr(everything))
        self.assertNotIn(self._stored_ciphertext(self.account), repr(everything))

    def test_rpc_read_as_user_cannot_touch_the_secret(self):
        account = self.account.with_user(self.ec_user)
        with self.assertRaises(AccessError):
            account.read(["coupang_secret_key"])
        self.assertNotIn("coupang_secret_key", account.fields_get())
        self.assertNotIn(SECRET_KEY, repr(account.read()[0]))

    def test_user_cannot_write_the_secret(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.ec_user).write({"coupang_secret_key": "attacker"})

    def test_secret_never_logged_nor_posted(self):
        with self.assertLogs("odoo.addons.ec_coupang", level=logging.DEBUG) as logs:
            logging.getLogger("odoo.addons.ec_coupang").debug("log capture started")
            self.account.write({"coupang_secret_key": "another-secret-value-42"})
            self.account.action_test_connection()
        self.assertNotIn("another-secret-value-42", "\n".join(logs.output))
        messages = self.account.message_ids.mapped("body") + self.account.message_ids.tracking_value_ids.mapped(
            lambda value: f"{value.old_value_char} {value.new_value_char}"
        )
        self.assertNotIn("another-secret-value-42", " ".join(str(message) for message in messages))

    def test_new_secret_replaces_the_old_and_resets_the_connection(self):
        self.assertEqual(self.account.state, "connected")
        self.account.write({"coupang_secret_key": "replacement"})
        self.assertEqual(self.account.state, "draft")
        self.assertEqual(self.account._get_coupang_secret_key(), "replacement")

    def test_unreadable_ciphertext_asks_for_the_key_again(self):
        self.env.cr.execute(
            SQL("UPDATE ec_account SET coupang_secret_key_encrypted = 'garbage' WHERE id = %s", self.account.id)
        )
        with self.assertRaisesText(UserError, "Enter the Secret Key again"):
            self.account._get_coupang_secret_key()


@tagged("post_install", "-at_install")
class TestEcAccountRules(EcCoupangCase):
    def test_each_credential_change_resets_the_connection(self):
        for field_name, value in [
            ("coupang_vendor_id", "A99999999"),
            ("coupang_access_key", "other-access-key"),
            ("coupang_market", "KR"),
            ("coupang_base_url", self.sandbox.base_url + "/"),
        ]:
            self.account.write({"state": "connected"})
            self.account.write({field_name: value})
            self.assertEqual(self.account.state, "draft", field_name)

    def test_other_changes_keep_the_connection(self):
        self.account.write({"name": "Renamed shop"})
        self.assertEqual(self.account.state, "connected")

    def test_platform_is_fixed_after_creation(self):
        self.account.write({"platform": "coupang"})
        self.env["ec.account"]._fields["platform"].selection.append(("other", "Other"))
        self.addCleanup(self.env["ec.account"]._fields["platform"].selection.remove, ("other", "Other"))
        with self.assertRaisesText(UserError, "cannot be changed"):
            self.account.write({"platform": "other"})

    def test_fetching_needs_one_to_three_times(self):
        self.account.fetch_slot_ids.unlink()
        with self.assertRaisesText(ValidationError, "at least one time"):
            self.account.write({"fetch_orders": True})
        self.configure_locations()
        with self.assertRaisesText(ValidationError, "at most 3"):
            self.account.write({"fetch_slot_ids": [Command.create({"time": hour}) for hour in (6, 9, 12, 15)]})
        self.account.write(
            {"fetch_orders": True, "fetch_slot_ids": [Command.create({"time": hour}) for hour in (6, 9, 12)]}
        )
        self.assertEqual(len(self.account.fetch_slot_ids), 3)

    def test_fetch_time_stays_within_the_day(self):
        with self.assertRaises(ValidationError):
            self.account.write({"fetch_slot_ids": [Command.create({"time": 24.0})]})

    def test_locations_required_only_for_shipping_methods_in_use(self):
        self.account.write({"ship_seven_eleven": True, "ship_familymart": False, "ship_home_delivery": False})
        self.account.fetch_slot_ids = [Command.create({"time": 9.0})]
        with self.assertRaisesText(ValidationError, "Return Center Code (7-11)"):
            self.account.write({"fetch_orders": True})
        center = self.account.location_ids.filtered(lambda location: location.kind == "return_center")[:1]
        self.account.write({"return_center_seven_eleven_id": center.id, "fetch_orders": True})
        self.assertTrue(self.account.fetch_orders)

    def test_missing_sales_channel_is_explained(self):
        self.env["crm.team"].search([]).action_archive()
        with self.assertRaisesText(ValidationError, "No sales channel exists yet"):
            self._create_account(vendor=self.add_store(), team_id=False)


@tagged("post_install", "-at_install")
class TestEcAccountMultiCompany(EcCoupangCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Warehouse Co."})
        cls.other_user = cls.env["res.users"].create(
            {
                "name": "Other company clerk",
                "login": "other_company_clerk",
                "company_id": cls.other_company.id,
                "company_ids": [Command.set(cls.other_company.ids)],
                "groups_id": [Command.set([cls.env.ref("ec_coupang.group_ec_manager").id])],
            }
        )

    def test_user_of_another_company_sees_nothing(self):
        Account = self.env["ec.account"].with_user(self.other_user)
        self.assertFalse(Account.search([]))
        self.assertFalse(self.env["ec.location"].with_user(self.other_user).search([]))
        self.assertFalse(self.env["ec.fetch.slot"].with_user(self.other_user).search([]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.account.with_user(self.other_user).read(["name"])

    def test_user_of_the_company_sees_its_accounts(self):
        self.assertEqual(self.env["ec.account"].with_user(self.ec_user).search([]), self.account)

    def test_store_error_names_nothing_of_the_other_company(self):
        team = self.env["crm.team"].create({"name": "Other sales", "company_id": self.other_company.id})
        Account = self.env["ec.account"].with_user(self.other_user).with_company(self.other_company)
        with self.assertRaises(ValidationError) as caught:
            Account.create(
                {
                    "name": "Our Coupang",
                    "merchant_id": self.merchant.id,
                    "team_id": team.id,
                    "coupang_vendor_id": self.sandbox.demo_vendor.vendor_id,
                    "coupang_access_key": "access",
                    "coupang_market": "TW",
                }
            )
        message = str(caught.exception)
        self.assertIn(self.sandbox.demo_vendor.vendor_id, message)
        for other_company_text in (self.account.name, self.account.company_id.name, self.merchant.name):
            self.assertNotIn(other_company_text, message)


@tagged("post_install", "-at_install")
class TestEcAccountKeysAndLogs(EcCoupangCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No e-mail address: nothing this manager does may depend on sending mail.
        cls.manager = cls.env["res.users"].create(
            {
                "name": "EC manager without e-mail",
                "login": "ec_manager_no_mail",
                "email": False,
                "groups_id": [Command.set([cls.env.ref("ec_coupang.group_ec_manager").id])],
            }
        )

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_access_key_is_read_by_managers_only(self):
        account = self.account.with_user(self.ec_user)
        self.assertNotIn("coupang_access_key", account.fields_get())
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            account.read(["coupang_access_key"])
        self.assertNotIn(self.sandbox.demo_vendor.access_key, repr(account.read()[0]))
        values = self.account.with_user(self.manager).read(["coupang_access_key"])[0]
        self.assertEqual(values["coupang_access_key"], self.sandbox.demo_vendor.access_key)

    def test_chatter_says_the_keys_changed_not_their_values(self):
        self._flush_tracking()
        self.account.with_user(self.manager).write({"name": "Renamed", "coupang_access_key": "new-access-key-4711"})
        self._flush_tracking()
        tracked = self.account.message_ids.tracking_value_ids
        self.assertIn("name", tracked.field_id.mapped("name"), "tracking ran")
        self.assertNotIn("coupang_access_key", tracked.field_id.mapped("name"))
        texts = " ".join(
            [str(body) for body in self.account.message_ids.mapped("body")]
            + [f"{value.old_value_char} {value.new_value_char}" for value in tracked]
        )
        self.assertNotIn("new-access-key-4711", texts)
        self.assertNotIn(self.sandbox.demo_vendor.access_key, texts)
        self.assertIn("keys were changed", texts)

    def test_failed_test_is_saved_for_a_manager_without_email(self):
        self.account.coupang_vendor_id = "A99999999"
        action = self.account.with_user(self.manager).action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.account.state, "failed")
        self.assertIn("Vendor ID", self.account.connection_message)
        self.assertIn("Connection test failed", str(self.account.message_ids[0].body))

    def test_fetch_times_saved_by_a_manager_without_email(self):
        self.account.with_user(self.manager).write({"fetch_slot_ids": [Command.create({"time": 7.5})]})
        self.assertEqual(self.account.fetch_slot_ids.mapped("time"), [7.5])
        self.assertIn("Fetch times changed", str(self.account.message_ids[0].body))

    def test_rpc_debug_log_holds_no_secret_key(self):
        secret = "typed-in-the-form-8c1f2e"
        Account = self.env["ec.account"].with_user(self.manager)
        # Every logger of Odoo at DEBUG (as --log-level=debug, and the SQL queries too).
        with self.assertLogs("odoo", level=logging.DEBUG) as logs:
            # As the web client saves the form: an existing account, then a new one, then an onchange.
            call_kw(Account, "web_save", [[self.account.id], {"coupang_secret_key": secret}], {"specification": {}})
            call_kw(
                Account,
                "web_save",
                [[], {"name": "New", "merchant_id": self.merchant.id, "coupang_secret_key": secret}],
                {"specification": {}},
            )
            call_kw(
                Account,
                "onchange",
                [[], {"coupang_secret_key": secret}, ["coupang_secret_key"], {"coupang_secret_key": {}}],
                {},
            )
        output = "\n".join(logs.output)
        self.assertEqual(output.count("odoo.api:call ec.account"), 3, "the calls were logged")
        self.assertIn("[redacted]", output)
        self.assertEqual(output.count(secret), 0)
        self.assertEqual(self.account._get_coupang_secret_key(), secret)
