import os

import polib

from odoo.tests import tagged

from ..tools.coupang_errors import message
from .fetch_common import EcFetchCase
from .push_common import TEA, PushCase

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")
CATALOGUES = {"zh_TW": "zh_TW.po", "ko_KR": "ko.po"}


def translation(lang, msgid):
    entry = polib.pofile(os.path.join(I18N, CATALOGUES[lang])).find(msgid)
    return entry and entry.msgstr


class ReadersMixin:
    """The catalogues' languages active, and a user reading in each of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in CATALOGUES:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(["ec_coupang"], list(CATALOGUES), overwrite=True)

    def as_reader(self, record, lang):
        """``record`` as the user reads it after switching their language to ``lang``."""
        self.ec_user.lang = lang
        return record.with_user(self.ec_user).with_context(lang=self.ec_user.lang)


@tagged("post_install", "-at_install")
class TestStoredTextsInTheReadersLanguage(ReadersMixin, EcFetchCase):
    """Reasons, errors and banners are stored as codes: each reader sees them in their language."""

    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()

    def test_a_held_order_s_reason_reads_in_the_user_s_language(self):
        unknown = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        unknown.lines[0].external_vendor_sku_code = "TEA-OLD-SKU"
        self.fetch()
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(unknown.shipment_box_id))])
        msgid = (
            "No product for the Coupang items %s. Give the product the item's SKU as internal "
            "reference, or map the item in Product Mappings, then retry."
        )
        items = kept.reason_params["lines"][0]["params"]["items"]
        self.assertIn("TEA-OLD-SKU", items)
        self.assertEqual(kept.reason, msgid % items)
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, msgid))
                self.assertEqual(self.as_reader(kept, lang).reason, translation(lang, msgid) % items)
        self.assertEqual(len(self.as_reader(kept, "ko_KR").search([("reason", "ilike", "TEA-OLD-SKU")])), 1)

    def test_an_unreadable_row_s_reason_reads_in_the_user_s_language(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)], status="INSTRUCT")
        order.lines[0].shipping_count = 0
        order.lines[0].cancel_count = -1
        self.fetch()
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(order.shipment_box_id))])
        self.assertEqual(kept.state, "failed")
        msgid = "Coupang sent this order in a form that could not be read (%s). Its data is kept as Coupang sent it."
        error = (kept.reason_params or {}).get("error", "")
        self.assertIn("ValueError", error)
        self.assertEqual(kept.reason, msgid % error)
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, msgid))
                self.assertEqual(self.as_reader(kept, lang).reason, translation(lang, msgid) % error)

    def test_a_fetch_s_error_and_summary_read_in_the_user_s_language(self):
        log = self.env["ec.fetch.log"].create({"account_id": self.account.id, "trigger": "manual"})
        self.env["ec.fetch.log"]._close_interrupted(self.account)
        msgid = "The run was interrupted: its worker stopped before the run ended."
        self.assertEqual((log.state, log.error), ("failed", msgid))
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, msgid))
                read = self.as_reader(log, lang)
                self.assertEqual(read.error, translation(lang, msgid))
                self.assertTrue(read.summary.endswith(translation(lang, msgid)))

    def test_a_fetch_stopped_by_a_missing_secret_key_reads_in_the_user_s_language(self):
        self.env.cr.execute(
            "UPDATE ec_account SET coupang_secret_key_encrypted = NULL WHERE id = %s", [self.account.id]
        )
        self.fetch()
        log = self.env["ec.fetch.log"].search([("account_id", "=", self.account.id)], order="id desc", limit=1)
        self.assertEqual((log.error_code, log.error_params["reason"]["code"]), ("fetch_stopped", "secret_key_missing"))
        msgid = "Enter the Secret Key of the account %s."
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, msgid))
                self.assertIn(translation(lang, msgid) % self.account.name, self.as_reader(log, lang).error)

    def test_a_coupang_request_s_banner_reads_in_the_user_s_language(self):
        request = self.env["ec.coupang.request"].create(
            {
                "account_id": self.account.id,
                "ec_store_key": self.account._coupang_store_key(),
                "receipt_id": "51000002",
                "kind": "return",
            }
        )
        request._set_state("person", message("return_checked_by_coupang"))
        msgid = "Coupang checks this return; follow it in Wing."
        self.assertEqual(request.reason, msgid)
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, msgid))
                self.assertEqual(self.as_reader(request, lang).reason, translation(lang, msgid))

    def test_a_failed_connection_s_banner_reads_in_the_user_s_language(self):
        self.account.coupang_vendor_id = "A99999999"
        self.account.action_test_connection()
        msgid = (
            "Coupang says the Vendor ID does not belong to this Open API key. Check the Vendor ID in Wing "
            "(it starts with A or C, e.g. A00012345)."
        )
        self.assertEqual(self.account.state, "failed")
        self.assertTrue(self.account.connection_message.startswith(msgid))
        banners = set()
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, msgid))
                banner = self.as_reader(self.account, lang).connection_message
                banners.add(banner)
                self.assertTrue(banner.startswith(translation(lang, msgid)), banner)
        self.assertEqual(len(banners), len(CATALOGUES), "each reader reads their own language")

    def test_a_fetch_refused_for_the_server_s_ip_leaves_a_banner_in_the_reader_s_language(self):
        self.account.outbound_ip = "203.0.113.7"
        self.sandbox.set_allowed_ips(["198.51.100.99"])
        self.fetch()
        self.assertEqual(self.account.state, "failed")
        self.assertTrue(self.account.connection_message_code)
        banners = {self.as_reader(self.account, lang).connection_message for lang in CATALOGUES}
        self.assertEqual(len(banners), len(CATALOGUES), "each reader reads their own language")
        self.assertTrue(all("203.0.113.7" in banner for banner in banners), banners)

    def test_a_text_stored_before_codes_is_shown_as_it_was_written(self):
        log = self.env["ec.fetch.log"].create({"account_id": self.account.id, "trigger": "manual"})
        log.error_text = "Fetching stopped: Coupang is temporarily unavailable."
        self.assertEqual(self.as_reader(log, "ko_KR").error, "Fetching stopped: Coupang is temporarily unavailable.")

    def test_coupang_s_status_codes_read_as_words(self):
        request = self.env["ec.coupang.request"].create(
            {
                "account_id": self.account.id,
                "ec_store_key": self.account._coupang_store_key(),
                "receipt_id": "51000003",
                "kind": "stop",
                "coupang_status": "RELEASE_STOP_UNCHECKED",
            }
        )
        self.assertEqual(request.coupang_status_label, "Stop-shipment requested")
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, "Stop-shipment requested"))
                label = self.as_reader(request, lang).coupang_status_label
                self.assertEqual(label, translation(lang, "Stop-shipment requested"))
        request.coupang_status = "A_STATUS_COUPANG_ADDED_SINCE"
        self.assertEqual(request.coupang_status_label, "A_STATUS_COUPANG_ADDED_SINCE")


@tagged("post_install", "-at_install")
class TestPushTextsInTheReadersLanguage(ReadersMixin, PushCase):
    """What a tracking push and each of its attempts say is stored as codes too."""

    def test_a_push_and_its_attempts_read_in_the_user_s_language(self):
        self.sandbox.inject("upload_invoices", "status", status=503)
        push = self.ship(self.create_coupang_order([(TEA, 1)]).picking_ids, "TW100000001").ec_push_ids
        self.run_push_cron()
        unavailable = "Coupang is temporarily unavailable (HTTP %s). Try again later."
        postponed = "Not sent to Coupang yet; it is tried again later. %s"
        self.assertTrue(push.attempt_ids.message.startswith(unavailable % 503))
        self.assertEqual(push.message, postponed % push.attempt_ids.message)
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, unavailable) and translation(lang, postponed))
                read = self.as_reader(push, lang)
                said = read.attempt_ids.message  # with Coupang's transaction id
                self.assertTrue(said.startswith(translation(lang, unavailable) % 503), said)
                self.assertEqual(read.message, translation(lang, postponed) % said)

    def test_coupang_s_own_words_stay_quoted_in_the_user_s_language(self):
        self.sandbox.inject("upload_invoices", "box_failure", message="系統忙碌")
        push = self.ship(self.create_coupang_order([(TEA, 1)]).picking_ids, "TW100000001").ec_push_ids
        self.run_push_cron()
        refused = "Coupang refused the invoice: %(message)s (%(code)s)"
        words = {"message": "系統忙碌", "code": "UNDEFINED_ERROR_OCCUR"}
        self.assertEqual((push.state, push.message), ("pending", refused % words))
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                self.assertTrue(translation(lang, refused))
                read = self.as_reader(push, lang)
                said = translation(lang, refused) % words
                self.assertEqual((read.message, read.attempt_ids.message), (said, "系統忙碌"))
        self.assertEqual(len(self.as_reader(push, "ko_KR").search([("message", "ilike", "系統忙碌")])), 1)
