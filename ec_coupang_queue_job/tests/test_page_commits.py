from unittest.mock import patch

from urllib3.util.retry import Retry

from odoo import SUPERUSER_ID, api
from odoo.addons.ec_coupang.tests.fetch_common import EcCommittedAccountCase
from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import PENDING, Job
from odoo.tests import tagged
from odoo.tools import mute_logger

PAGE_SIZE = 5


@tagged("post_install", "-at_install")
class TestPagesQueuedWhileListed(EcCommittedAccountCase):
    """The fetch job's pages, each queued and committed as soon as it is listed, on committed data: each
    job runs in a transaction of its own, committed when it ends and rolled back when it fails, as
    queue_job's workers run them."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.delete_jobs)
        self.patch(type(self.env["ec.coupang.importer"]), "_fetch_page_size", lambda importer: PAGE_SIZE)
        self.patch(Retry, "get_backoff_time", lambda retry: 0)
        # The work commits transactions of its own as outside a test: these are the test's own, deleted at its end.
        self.patch(CoupangRun, "may_commit", staticmethod(lambda: True))

    def delete_jobs(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["queue.job"].search([("ec_account_id", "=", self.account_id)]).unlink()
            env["ec.order.page"].search([("account_id", "=", self.account_id)]).unlink()

    def run_fetch_job(self):
        """The account's fetch job in a transaction of its own, committed unless it raises."""
        with self.registry.cursor() as cr:
            return api.Environment(cr, SUPERUSER_ID, {})["ec.account"].browse(self.account_id)._ec_job_fetch_orders()

    def waiting_pages(self):
        """Seen from a cursor of its own: the shipment box ids of each page whose job waits."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            pages = [env["ec.order.page"].browse(job.args[0]) for job in self.pending_jobs(env, "_ec_job_import_page")]
            return [sorted(str(row["shipmentBoxId"]) for row in page.rows) for page in pages]

    def pending_jobs(self, env, method):
        records = env["queue.job"].search(
            [("ec_account_id", "=", self.account_id), ("method_name", "=", method), ("state", "=", PENDING)],
            order="id",
        )
        return [Job.load(env, record.uuid) for record in records]

    def run_waiting_jobs(self):
        """Runs the account's waiting jobs, each in a transaction of its own."""
        while True:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                uuid = (
                    env["queue.job"]
                    .search(
                        [("ec_account_id", "=", self.account_id), ("state", "=", PENDING)],
                        order="priority, id",
                        limit=1,
                    )
                    .uuid
                )
            if not uuid:
                return
            self.perform(uuid)

    def perform(self, uuid):
        """Runs the job as a worker does, in a transaction of its own; returns its result."""
        with self.registry.cursor() as cr:
            job = Job.load(api.Environment(cr, SUPERUSER_ID, {}), uuid)
            job.set_started()
            result = job.perform()
            job.set_done(result=result)
            job.store()
            return result

    def test_pages_are_committed_as_listed_and_stay_right_when_the_fetch_job_fails(self):
        orders = self.add_orders(12)
        Importer = type(self.env["ec.coupang.importer"])
        import_page = Importer._import_page
        seen_while_listing = []

        def import_page_then_look(importer, run, page):
            result = import_page(importer, run, page)
            seen_while_listing.append(self.waiting_pages())
            if len(seen_while_listing) == 2:
                # Coupang fails the list's third page: the fetch job fails after queueing two pages.
                self.sandbox.inject("order_sheets", "status", status=503, retry_after=0, times=None)
            return result

        with (
            patch.object(Importer, "_import_page", import_page_then_look),
            mute_logger("odoo.addons.ec_coupang", "odoo.addons.ec_coupang_queue_job"),
            self.assertRaises(RetryableJobError),
        ):
            self.run_fetch_job()
        self.assertEqual([len(pages) for pages in seen_while_listing], [1, 2], "each page's job committed as listed")
        self.assertEqual([len(boxes) for boxes in seen_while_listing[1]], [PAGE_SIZE, PAGE_SIZE])
        self.assertEqual(seen_while_listing[0], seen_while_listing[1][:1])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertFalse(env["ec.account"].browse(self.account_id).last_fetch_watermark, "the fetch job failed")
            self.assertFalse(env["ec.fetch.log"].search([("account_id", "=", self.account_id)]), "rolled back")
        self.assertEqual(self.waiting_pages(), seen_while_listing[1], "the queued pages wait, whole")

        # A worker imports the first page; then the fetch job, tried again, lists every page again.
        with self.registry.cursor() as cr:
            first = self.pending_jobs(api.Environment(cr, SUPERUSER_ID, {}), "_ec_job_import_page")[0]
        self.assertIn("5 of 5 orders in Odoo", self.perform(first.uuid))
        self.sandbox.clear_faults()
        self.run_fetch_job()
        pages = self.waiting_pages()
        self.assertEqual([len(boxes) for boxes in pages], [PAGE_SIZE, PAGE_SIZE, 2], "the waiting page once")
        self.assertEqual(pages[0], seen_while_listing[1][1], "the second page's job is the one queued before")
        self.run_waiting_jobs()
        self.assertEqual(self.imported_box_counts(), {str(order.shipment_box_id): 1 for order in orders})
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertFalse(env["ec.order.page"].search([("account_id", "=", self.account_id)]))
            self.assertTrue(env["ec.account"].browse(self.account_id).last_fetch_watermark)
