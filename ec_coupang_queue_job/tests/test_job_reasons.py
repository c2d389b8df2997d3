from odoo import Command
from odoo.addons.ec_coupang.tests.fetch_common import EcFetchCase
from odoo.addons.ec_coupang.tests.push_common import TEA, PushCase
from odoo.addons.ec_coupang.tests.test_stored_texts import CATALOGUES, ReadersMixin, translation
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_queue_jobs import run_job

REJECTED = "Coupang rejected the request: %s"
UNAVAILABLE = "Coupang is temporarily unavailable (HTTP %s). Try again later."
MALFORMED = "Coupang sent a response that could not be read. Try again later; if it goes on, contact support."
UNREADABLE_KEY = (
    "The Secret Key of %s cannot be decrypted with this server's encryption key. Enter the Secret Key again."
)


class JobReadersMixin(ReadersMixin):
    """A manager reading the jobs in each catalogue's language."""

    def setUp(self):
        super().setUp()
        manager = self.env.ref("ec_coupang.group_ec_manager")
        self.readers = {
            lang: self.env["res.users"].create(
                {
                    "name": f"Job reader {lang}",
                    "login": f"job_reader_{lang}",
                    "lang": lang,
                    "groups_id": [Command.set([manager.id])],
                }
            )
            for lang in CATALOGUES
        }

    def read_as(self, job, lang):
        """What the reader of ``lang`` reads of the job, in the EC jobs list's column."""
        reader = self.readers[lang]
        (values,) = job.with_user(reader).with_context(lang=reader.lang).read(["ec_error"])
        return values["ec_error"]

    def assert_reason_read(self, job, msgid, *args):
        """The job's reason is ``msgid`` (% ``args``; Coupang's transaction id may follow), in English
        for an English reader and in their language for each other reader."""
        english = job.with_context(lang="en_US").ec_error
        self.assertTrue(english.startswith(msgid % args if args else msgid), english)
        for text in (job.exc_message or "", job.result or "", english):
            self.assertNotIn("'code'", text, "no raw message stored or shown")
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                expected = translation(lang, msgid)
                self.assertTrue(expected, f"{msgid!r} has a {lang} translation")
                read = self.read_as(job, lang)
                self.assertTrue(read.startswith(expected % args if args else expected), read)


@tagged("post_install", "-at_install")
class TestFetchJobReasons(JobReadersMixin, EcFetchCase):
    def test_a_refused_fetch_job_s_reason_reads_in_each_reader_s_language(self):
        self.sandbox.inject("order_sheets", "status", status=400, message="bad createdAtFrom", times=None)
        job = self.account.with_delay()._ec_job_fetch_orders()
        with mute_logger("odoo.addons.ec_coupang", "odoo.addons.queue_job"):
            stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "failed")
        self.assertEqual(stored.ec_error_code, "request_rejected")
        self.assertEqual(stored.exc_name, "odoo.addons.queue_job.exception.FailedJobError")
        self.assertTrue(stored.exc_message.startswith(REJECTED % "bad createdAtFrom"), "queue_job's message as it was")
        self.assertIn("Traceback", stored.exc_info)
        self.assert_reason_read(stored, REJECTED, "bad createdAtFrom")

    def test_coupang_unavailable_leaves_the_waiting_job_s_reason_then_the_retries_run_out(self):
        self.sandbox.inject("order_sheets", "status", status=503, retry_after=0, times=None)
        job = self.account.with_delay(max_retries=2)._ec_job_fetch_orders()
        with mute_logger("odoo.addons.ec_coupang", "odoo.addons.ec_coupang.coupang.client", "odoo.addons.queue_job"):
            stored = run_job(self.env, job.uuid)
            self.assertEqual((stored.state, stored.retry), ("pending", 1))
            self.assertEqual(stored.ec_error_code, "service_unavailable")
            self.assert_reason_read(stored, UNAVAILABLE, 503)
            stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "failed")
        self.assertIn("Max. retries (2) reached", stored.exc_message)
        self.assertEqual(stored.ec_error_code, "service_unavailable", "why the retries did not help")
        self.assert_reason_read(stored, UNAVAILABLE, 503)
        self.sandbox.clear_faults()
        stored.requeue()
        self.assertFalse(stored.ec_error_code, "a requeued job has no reason yet")
        self.assertEqual(run_job(self.env, job.uuid).state, "done")
        self.assertFalse(stored.ec_error_code)
        self.assertFalse(stored.ec_error)

    def test_an_unreadable_answer_of_coupang_leaves_the_job_s_reason(self):
        self.sandbox.inject("order_sheets", "malformed", times=None)
        job = self.account.with_delay()._ec_job_fetch_orders()
        with mute_logger("odoo.addons.ec_coupang", "odoo.addons.ec_coupang.coupang.client", "odoo.addons.queue_job"):
            stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "pending", "tried again later")
        self.assertEqual(stored.ec_error_code, "malformed_response")
        self.assert_reason_read(stored, MALFORMED)

    def test_a_page_job_without_a_readable_secret_key_says_why_in_each_reader_s_language(self):
        self.small_pages_of_new_orders(3, 5)
        with trap_jobs() as trap:
            self.account._ec_job_fetch_orders()
            (page_id,) = trap._filtered_enqueued_jobs(self.account._ec_job_import_page)[0].args
        job = self.account.with_delay()._ec_job_import_page(page_id)
        self.env.cr.execute(
            "UPDATE ec_account SET coupang_secret_key_encrypted = 'not a token' WHERE id = %s", [self.account.id]
        )
        with mute_logger("odoo.addons.ec_coupang", "odoo.addons.queue_job"):
            stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "failed")
        self.assertEqual(stored.ec_error_code, "secret_key_unreadable", stored.exc_message)
        self.assert_reason_read(stored, UNREADABLE_KEY, self.account.name)

    def test_the_fetch_job_s_result_is_the_run_s_summary_as_text(self):
        self.small_pages_of_new_orders(3, 5)
        job = self.account.with_delay()._ec_job_fetch_orders()
        stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "done")
        log = self.env["ec.fetch.log"].search([("account_id", "=", self.account.id)], order="id desc", limit=1)
        self.assertEqual(stored.result, log.summary)
        self.assertNotIn("{", stored.result)
        self.assertFalse(stored.ec_error_code or stored.ec_error)


@tagged("post_install", "-at_install")
class TestPushJobReasons(JobReadersMixin, PushCase):
    @mute_logger("odoo.addons.ec_coupang.coupang.client", "odoo.addons.queue_job")
    def test_a_refused_push_job_and_its_delivery_say_why_in_each_reader_s_language(self):
        picking = self.ship(self.create_coupang_order([(TEA, 1)]).picking_ids, "TW200000001")
        self.env["ec.tracking.push"]._cron_push_tracking()
        job = self.env["queue.job"].search([("method_name", "=", "_ec_job_push_tracking")])
        self.sandbox.inject("upload_invoices", "status", status=400, message="vendorId mismatch", times=None)
        stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "failed")
        self.assertEqual(stored.ec_error_code, "request_rejected")
        self.assert_reason_read(stored, REJECTED, "vendorId mismatch")
        push = picking.ec_push_ids
        self.assertEqual(push.message_code, "request_rejected", "the delivery keeps the job's reason as a code")
        for lang, reader in self.readers.items():
            with self.subTest(lang=lang):
                read = push.with_user(reader).with_context(lang=reader.lang)
                expected = translation(lang, REJECTED) % "vendorId mismatch"
                self.assertTrue(read.message.startswith(expected), read.message)
