import itertools
import traceback
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from odoo import Command
from odoo.addons.ec_coupang.tests.common import MANAGERS, create_users
from odoo.addons.ec_coupang.tests.fetch_common import EcFetchCase
from odoo.addons.ec_coupang.tests.push_common import TEA, PushCase
from odoo.addons.ec_coupang_queue_job.models import ec_coupang_importer as importer_module
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.jobrunner.channels import ChannelManager
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

PAGE_SIZE = 5
SECRET_KEY = "sandbox-demo-secret-9d4e6f1a2b3c7d8e"


def run_job(env, job_uuid):
    """Runs a stored job as queue_job's controller does (``RunJobController._runjob``), in the test's
    transaction: done; or its work rolled back and postponed after its retry pattern
    (RetryableJobError), or failed with the exception's message and traceback, each stored while
    the exception is handled, as the controller stores it."""
    job = Job.load(env, job_uuid)
    job.set_started()
    try:
        with env.cr.savepoint():
            job.perform()
    except RetryableJobError as error:
        env.invalidate_all()
        job.postpone(result=str(error), seconds=error.seconds)
        job.set_pending(reset_retry=False)
        job.store()
    except (FailedJobError, Exception) as error:  # noqa: BLE001 - as the controller keeps any failure
        env.invalidate_all()
        job.set_failed(**RunJobController._get_failure_values(job, traceback.format_exc(), error))
        job.store()
    else:
        job.set_done()
        job.store()
    return env["queue.job"].search([("uuid", "=", job_uuid)])


def assert_postponed(test, job, seconds, before):
    """The job waits, to run again ``seconds`` after it was postponed (between ``before`` and now)."""
    test.assertEqual(job.state, "pending")
    after = datetime.now()  # noqa: DTZ005 - queue_job's clock
    test.assertGreaterEqual(job.eta, before + timedelta(seconds=seconds))
    test.assertLessEqual(job.eta, after + timedelta(seconds=seconds))


@tagged("post_install", "-at_install")
class TestFetchJobs(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.orders = self.small_pages_of_new_orders(12, PAGE_SIZE)

    def fetch_job(self):
        return self.account._ec_job_fetch_orders()

    def page_jobs(self, trap):
        return trap._filtered_enqueued_jobs(self.account._ec_job_import_page)

    def page_rows(self, job):
        """The order sheets a page job imports, kept on the page its only argument names."""
        (page_id,) = job.args
        return self.env["ec.order.page"].browse(page_id).rows

    def test_the_schedule_queues_one_fetch_job_per_account(self):
        self.account.write({"fetch_orders": True, "fetch_slot_ids": [Command.create({"time": 9.0})]})
        schedule = self.account.fetch_slot_ids.schedule_id
        with trap_jobs() as trap:
            self.env["ec.fetch.schedule"]._cron_fetch_orders(schedule.id)
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                self.account._ec_job_fetch_orders,
                args=(schedule.id,),
                properties={
                    "channel": "root.coupang.fetch",
                    "identity_key": f"ec.account.fetch-{self.account.id}-{schedule.id}",
                },
            )
            self.assertFalse(self.imported_box_ids(), "nothing is fetched before the job runs")
            trap.perform_enqueued_jobs()
            self.assertFalse(self.imported_box_ids(), "the fetch job queued the pages")
            trap.perform_enqueued_jobs()
        self.assertEqual(Counter(self.imported_box_ids()), Counter(self.box_ids(self.orders)))

    def test_fetch_now_queues_the_fetch_job_through_its_cron(self):
        with trap_jobs() as trap:
            self.account.action_fetch_now()
            trap.assert_jobs_count(0)
            self.env.ref("ec_coupang.ir_cron_ec_fetch_requested").method_direct_trigger()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                self.account._ec_job_fetch_orders,
                args=(None,),
                properties={"identity_key": f"ec.account.fetch-{self.account.id}-manual"},
            )
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        self.assertEqual(Counter(self.imported_box_ids()), Counter(self.box_ids(self.orders)))
        log = self.env["ec.fetch.log"].search([("account_id", "=", self.account.id)])
        self.assertRecordValues(log, [{"trigger": "manual", "state": "done", "user_id": self.env.uid}])

    def test_the_fetch_job_acknowledges_and_queues_one_job_per_page(self):
        with trap_jobs() as trap:
            self.fetch_job()
            self.assertEqual(len(self.sandbox.requests_to("acknowledge")), 1, "12 boxes: one batch")
            self.assertFalse(self.imported_box_ids(), "the pages wait for their jobs")
            pages = self.page_jobs(trap)
            self.assertEqual([len(self.page_rows(job)) for job in pages], [5, 5, 2])
            buyers = {row["receiver"]["name"] for job in pages for row in self.page_rows(job)}
            self.assertTrue(buyers)
            self.assertFalse(
                [buyer for buyer in buyers for job in pages if buyer in repr((job.args, job.kwargs))],
                "the jobs carry no buyer's data",
            )
            self.assertEqual({job.channel for job in pages}, {"root.coupang.fetch"})
            self.assertEqual(len({job.identity_key for job in pages}), 3, "one identity key per page")
            page_boxes = [sorted(str(row["shipmentBoxId"]) for row in self.page_rows(job)) for job in pages]
            self.assertEqual(sorted(box for boxes in page_boxes for box in boxes), sorted(self.box_ids(self.orders)))
            requests_before = len(self.sandbox.requests)
            trap.perform_enqueued_jobs()
        self.assertEqual(len(self.sandbox.requests), requests_before, "a page job calls Coupang no more")
        imported = Counter(self.imported_box_ids())
        self.assertEqual(set(imported), self.box_ids(self.orders))
        self.assertEqual(set(imported.values()), {1})
        self.assertTrue(self.account.last_fetch_watermark)
        self.assertFalse(self.env["ec.order.page"].search([]), "an imported page is not kept")

    def test_a_large_backfill_is_acknowledged_and_queued_in_parts_of_whole_days(self):
        self.clear_sandbox_orders()
        self.patch(importer_module, "ACKNOWLEDGEMENT_PART", 2)
        now = self.sandbox.now()
        days = {}
        # 24 h apart or more: three market days, each with its own 2 boxes
        for moment in (now - timedelta(hours=50), now - timedelta(hours=26), now - timedelta(minutes=5)):
            orders = [
                self.sandbox.add_order(delivery="home", items=[("CP-SNK-001", 1)], ordered_at=moment) for _ in range(2)
            ]
            days[moment.astimezone(ZoneInfo("Asia/Taipei")).date().isoformat()] = self.box_ids(orders)
        with trap_jobs() as trap:
            self.fetch_job()
            # (kind, first day, last day) of each call in turn; the dates are yyyy-MM-dd (and the
            # market's offset in v5)
            calls = [
                (request.params["status"], request.params["createdAtFrom"][:10], request.params["createdAtTo"][:10])
                if request.endpoint == "order_sheets"
                else ("acknowledge", *[day for day, boxes in days.items() if boxes == self.box_ids_of(request)])
                for request in self.sandbox.requests
                if request.endpoint in ("order_sheets", "acknowledge")
            ]
            accept = [call for call in calls if call[0] == "ACCEPT"]
            self.assertEqual(calls[: len(accept)], accept, "every ACCEPT page before the first acknowledgement")
            ((window_from, window_to),) = {call[1:] for call in accept}
            parts = calls[len(accept) :]
            self.assertEqual([call[0] for call in parts], ["acknowledge", "INSTRUCT"] * 3)
            self.assertEqual([call[1] for call in parts[::2]], sorted(days), "a day's boxes in each acknowledgement")
            lists = parts[1::2]
            self.assertEqual([call[2] for call in lists], [*sorted(days)[:2], window_to], "each part ends with its day")
            self.assertEqual(lists[0][1], window_from)
            for before, after in itertools.pairwise(lists):
                self.assertEqual(date.fromisoformat(after[1]), date.fromisoformat(before[2]) + timedelta(days=1))
            pages = self.page_jobs(trap)
            self.assertEqual(
                [{str(row["shipmentBoxId"]) for row in self.page_rows(job)} for job in pages],
                [days[day] for day in sorted(days)],
                "a page job per part, queued in the parts' order",
            )
            trap.perform_enqueued_jobs()
        self.assertEqual(Counter(self.imported_box_ids()), Counter(box for boxes in days.values() for box in boxes))

    def box_ids_of(self, acknowledgement):
        return {str(box) for box in acknowledgement.json["shipmentBoxIds"]}

    def test_a_page_job_run_twice_imports_its_orders_once(self):
        with trap_jobs() as trap:
            self.fetch_job()
            first = self.page_jobs(trap)[0]
            (page_id,) = first.args
            self.assertIn("5 of 5 orders in Odoo", self.account._ec_job_import_page(page_id))
            # Requeued after its worker died with the page committed.
            self.assertIn("imported already", self.account._ec_job_import_page(page_id))
        imported = Counter(self.imported_box_ids())
        self.assertEqual(len(imported), 5)
        self.assertEqual(set(imported.values()), {1}, "each order once")
        self.assertEqual(self.env["ec.order.import"].search_count([("account_id", "=", self.account.id)]), 0)

    def test_a_page_job_leaves_the_stock_to_one_reservation_job(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(self.products["CP-SNK-001"], warehouse.lot_stock_id, 100)
        with trap_jobs() as trap:
            self.fetch_job()
            self.account._ec_job_import_page(*self.page_jobs(trap)[0].args)
            pickings = self.env["sale.order"].search([("ec_account_id", "=", self.account.id)]).picking_ids
            self.assertEqual(len(pickings), 5)
            self.assertEqual(set(pickings.mapped("state")), {"confirmed"}, "not reserved by the page job")
            reservations = trap._filtered_enqueued_jobs(self.account._ec_job_reserve)
            self.assertEqual(len(reservations), 1)
            self.assertEqual(reservations[0].args, (sorted(pickings.ids),))
            self.assertEqual(reservations[0].channel, "root.coupang.reserve")
            reservations[0].perform()
        pickings.invalidate_recordset(["state"])
        self.assertEqual(set(pickings.mapped("state")), {"assigned"})

    def test_the_runner_reserves_a_page_s_deliveries_before_the_pages_waiting(self):
        """Reservations run one at a time between the page jobs, each soon after its page, not all
        after the last page: the job runner (two jobs at once here) takes the reservation first."""
        self.fetch_job()
        pages = self.env["queue.job"].search([("method_name", "=", "_ec_job_import_page")], order="id")
        self.assertEqual(len(pages), 3)
        self.assertEqual(run_job(self.env, pages[0].uuid).state, "done")
        reservation = self.env["queue.job"].search([("method_name", "=", "_ec_job_reserve")])
        self.assertEqual(len(reservation), 1)
        runner = ChannelManager()
        runner.simple_configure("root:2,root.coupang.fetch:2,root.coupang.reserve:1,root.coupang.push:1")
        # What the runner reads of the waiting jobs (queue_job's QueueJobRunner.select_jobs).
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT channel, uuid, id, date_created, priority, EXTRACT(EPOCH FROM eta), state FROM queue_job"
            " WHERE state = 'pending' ORDER BY id"
        )
        for job in self.env.cr.fetchall():
            runner.notify(self.env.cr.dbname, *job)
        started = [job.uuid for job in runner.get_jobs_to_run(now=datetime.now().timestamp())]  # noqa: DTZ005
        self.assertEqual(started, [reservation.uuid, pages[1].uuid], "the reservation, then the next page")

    def test_a_page_waiting_is_not_queued_twice(self):
        sheets = list(self.sandbox_client_sheets())
        self.account._delay_page_import(sheets[:PAGE_SIZE])
        self.account._delay_page_import(list(reversed(sheets[:PAGE_SIZE])))
        self.account._delay_page_import(sheets[PAGE_SIZE:])
        jobs = self.env["queue.job"].search([("ec_account_id", "=", self.account.id)])
        self.assertEqual(len(jobs), 2, "same account and boxes: one job")
        self.assertEqual(set(jobs.mapped("state")), {"pending"})

    def sandbox_client_sheets(self):
        now = datetime.now(timezone.utc)
        with self.account._coupang_client() as client:
            yield from client.iter_order_sheets(now - timedelta(days=7), now, "ACCEPT")

    def test_who_reads_the_jobs_and_the_waiting_pages(self):
        users = create_users(self.env)
        self.fetch_job()
        jobs = self.env["queue.job"].search([("ec_account_id", "=", self.account.id)])
        pages = self.env["ec.order.page"].search([("account_id", "=", self.account.id)])
        self.assertTrue(jobs and pages)
        readers = {}
        for name, user in users.items():
            readers[name] = {model: self._reads(user, records) for model, records in (("jobs", jobs), ("pages", pages))}
        expected = {name: {"jobs": name in MANAGERS, "pages": name in MANAGERS} for name in users}
        self.assertEqual(readers, expected)

    def _reads(self, user, records):
        """Whether the user finds and reads every one of the records (their rows)."""
        try:
            found = records.with_user(user).search([("id", "in", records.ids)])
            found.read(["id"])
        except AccessError:
            return False
        return found == records.with_user(user)

    def test_coupang_refusing_the_fetch_fails_its_job_visible_on_the_account(self):
        self.sandbox.inject("order_sheets", "status", status=400, message="vendorId is not valid", times=None)
        job = self.account.with_delay()._ec_job_fetch_orders()
        with mute_logger("odoo.addons.ec_coupang", "odoo.addons.queue_job"):
            stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "failed")
        self.assertEqual(stored.ec_account_id, self.account)
        self.assertIn("vendorId is not valid", stored.exc_message)
        self.assertEqual(stored.exc_name, "odoo.addons.queue_job.exception.FailedJobError")
        for text in (stored.exc_message, stored.exc_info, stored.result or ""):
            self.assertNotIn(SECRET_KEY, text)
        self.assertFalse(self.imported_box_ids())
        self.account.invalidate_recordset(["ec_failed_job_count"])
        self.assertEqual(self.account.ec_failed_job_count, 1)
        action = self.account.action_view_failed_jobs()
        self.assertEqual(self.env["queue.job"].search(action["domain"]), stored)
        manager = self.ec_user.copy({"login": "ec_manager"})
        manager.groups_id = [Command.link(self.env.ref("ec_coupang.group_ec_manager").id)]
        self.assertEqual(self.env["queue.job"].with_user(manager).search(action["domain"]), stored)

    def test_coupang_unavailable_retries_the_fetch_job(self):
        self.sandbox.inject("order_sheets", "status", status=503, retry_after=0, times=None)
        with trap_jobs(), mute_logger("odoo.addons.ec_coupang"):
            with self.assertRaises(RetryableJobError) as caught:
                self.fetch_job()
        self.assertIn("unavailable", str(caught.exception))
        self.assertFalse(self.imported_box_ids())
        self.assertFalse(self.account.last_fetch_watermark)

    def test_the_job_functions_have_their_channels_and_retry_patterns(self):
        Function = self.env["queue.job.function"]
        for method, channel in (
            ("_ec_job_fetch_orders", "root.coupang.fetch"),
            ("_ec_job_import_page", "root.coupang.fetch"),
            ("_ec_job_check_requests", "root.coupang.fetch"),
            ("_ec_job_reserve", "root.coupang.reserve"),
            ("_ec_job_push_tracking", "root.coupang.push"),
        ):
            function = Function.search([("name", "=", f"<ec.account>.{method}")])
            self.assertEqual(function.channel, channel)
            self.assertTrue(function.retry_pattern, method)

    def test_the_requests_check_is_a_job_per_connected_account(self):
        other = self._create_account(self.add_store(), name="Coupang TW 2")
        other.action_test_connection()
        with trap_jobs() as trap:
            self.env["ec.coupang.request.checker"]._cron_check_requests()
            trap.assert_jobs_count(2)
            trap.assert_jobs_count(1, only=other._ec_job_check_requests)
            trap.perform_enqueued_jobs()
        self.assertTrue(self.account.last_request_watermark)
        self.assertTrue(other.last_request_watermark)

    def test_a_refused_requests_check_fails_its_job(self):
        self.sandbox.inject("return_requests", "status", status=400, message="bad searchType", times=None)
        with trap_jobs(), mute_logger("odoo.addons.ec_coupang"):
            with self.assertRaises(FailedJobError) as caught:
                self.account._ec_job_check_requests()
        self.assertIn("bad searchType", str(caught.exception))

    def test_a_page_job_keeps_a_bad_order_for_review_and_ends_done(self):
        with trap_jobs() as trap:
            self.fetch_job()
            (page_id,) = self.page_jobs(trap)[0].args
        page = self.env["ec.order.page"].browse(page_id)
        rows = list(page.rows)
        bad_box = rows[0]["shipmentBoxId"]
        rows[0] = dict(rows[0], orderItems=[])
        page.rows = rows
        job = self.account.with_delay()._ec_job_import_page(page_id)
        with mute_logger("odoo.addons.ec_coupang"):
            stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "done")
        self.assertIn("4 of 5 orders in Odoo, 1 kept for review", stored.result)
        kept = self.env["ec.order.import"].search([("account_id", "=", self.account.id)])
        self.assertEqual(kept.mapped("shipment_box_id"), [str(bad_box)])
        self.assertEqual(kept.state, "failed")

    def test_a_page_job_without_a_readable_secret_key_fails_and_its_page_waits(self):
        with trap_jobs() as trap:
            self.fetch_job()
            (page_id,) = self.page_jobs(trap)[0].args
        self.env.cr.execute(
            "UPDATE ec_account SET coupang_secret_key_encrypted = 'not a token' WHERE id = %s", [self.account.id]
        )
        job = self.account.with_delay()._ec_job_import_page(page_id)
        with mute_logger("odoo.addons.ec_coupang", "odoo.addons.queue_job"):
            stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "failed")
        self.assertEqual(stored.exc_name, "odoo.addons.queue_job.exception.FailedJobError")
        self.assertIn("cannot be decrypted", stored.exc_message)
        self.assertTrue(self.env["ec.order.page"].browse(page_id).exists(), "Requeue imports the page")
        self.assertFalse(self.imported_box_ids())


@tagged("post_install", "-at_install")
class TestPushJobs(PushCase):
    def shipped_push_job(self, count=1):
        """Ships ``count`` Coupang orders and queues their push job; returns (pickings, the stored job)."""
        orders = [self.create_coupang_order([(TEA, 1)]) for _ in range(count)]
        pickings = self.env["stock.picking"].union(
            *(self.ship(order.picking_ids, f"TW20000000{number}") for number, order in enumerate(orders))
        )
        self.env["ec.tracking.push"]._cron_push_tracking()
        job = self.env["queue.job"].search([("method_name", "=", "_ec_job_push_tracking")])
        self.assertEqual(len(job), 1)
        return pickings, job

    def push_cron_triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.push_cron.id)])

    @mute_logger("odoo.addons.ec_coupang.coupang.client")
    def test_coupang_unreachable_retries_the_push_job_after_its_pattern_and_retry_after(self):
        picking, job = self.shipped_push_job()
        triggers = self.push_cron_triggers()
        self.sandbox.inject("upload_invoices", "status", status=503)
        before = datetime.now()  # noqa: DTZ005
        stored = run_job(self.env, job.uuid)
        assert_postponed(self, stored, 60, before)  # the pattern's first pause
        self.assertEqual(stored.retry, 1)
        self.assertIn("temporarily unavailable", stored.result)
        self.sandbox.inject("upload_invoices", "status", status=429, retry_after=120)
        before = datetime.now()  # noqa: DTZ005
        stored = run_job(self.env, job.uuid)
        assert_postponed(self, stored, 121, before)  # Coupang's Retry-After
        self.assertRecordValues(
            picking, [{"ec_push_state": "pending", "ec_push_attempts": 0, "ec_push_next_attempt_at": False}]
        )
        self.assertEqual(self.push_cron_triggers(), triggers, "the job alone tries again")
        stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "done")
        self.assertEqual(picking.ec_push_state, "done")
        self.assertEqual(len(self.sandbox.requests_to("upload_invoices")), 3)

    @mute_logger("odoo.addons.ec_coupang.coupang.client", "odoo.addons.queue_job")
    def test_coupang_refusing_the_push_fails_its_job_and_the_delivery_says_why(self):
        picking, job = self.shipped_push_job()
        self.sandbox.inject("upload_invoices", "status", status=400, message="vendorId mismatch", times=None)
        stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "failed")
        self.assertEqual(stored.exc_name, "odoo.addons.queue_job.exception.FailedJobError")
        self.assertIn("vendorId mismatch", stored.exc_message)
        self.assertEqual(picking.ec_push_state, "error")
        self.assertIn("vendorId mismatch", picking.ec_push_message)
        self.assertTrue(picking.activity_ids)
        self.env["ec.tracking.push"]._cron_push_tracking()
        self.assertEqual(self.env["queue.job"].search_count([]), 1, "the refused delivery is not queued again")
        self.sandbox.clear_faults()
        stored.requeue()
        self.assertEqual(picking.ec_push_state, "pending")
        self.assertEqual(run_job(self.env, job.uuid).state, "done")
        self.assertEqual(picking.ec_push_state, "done")

    def test_a_refused_delivery_is_marked_and_the_push_job_ends_done_without_a_delay_of_its_own(self):
        pickings, job = self.shipped_push_job(2)
        busy, good = pickings
        self.sandbox.inject("upload_invoices", "box_failure", box_ids=[busy.sale_id.coupang_shipment_box_id])
        triggers = self.push_cron_triggers()
        stored = run_job(self.env, job.uuid)
        self.assertEqual(stored.state, "done")
        self.assertEqual(good.ec_push_state, "done")
        self.assertRecordValues(
            busy, [{"ec_push_state": "pending", "ec_push_attempts": 1, "ec_push_next_attempt_at": False}]
        )
        self.assertTrue(busy.ec_push_message)
        self.assertEqual(self.push_cron_triggers(), triggers, "no retry scheduled beside the jobs")

    def test_the_push_is_a_job_per_account_batch_and_each_number_goes_once(self):
        orders = [self.create_coupang_order([(TEA, 1)]) for _ in range(3)]
        with trap_jobs() as trap:
            for number, order in enumerate(orders):
                self.ship(order.picking_ids, f"TRACK{number}")
            self.env["ec.tracking.push"]._cron_push_tracking()
            pushes = orders[0].picking_ids.ec_push_ids | orders[1].picking_ids.ec_push_ids
            pushes |= orders[2].picking_ids.ec_push_ids
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                self.account._ec_job_push_tracking,
                args=(sorted(pushes.ids),),
                properties={
                    "channel": "root.coupang.push",
                    "identity_key": f"ec.account.push-{self.account.id}-{','.join(map(str, sorted(pushes.ids)))}",
                },
            )
            trap.perform_enqueued_jobs()
            self.assertEqual(set(pushes.mapped("state")), {"done"})
            # The same job again (requeued): nothing is due, nothing is sent.
            self.account._ec_job_push_tracking(pushes.ids)
        self.assertEqual(len(self.invoice_calls()), 1, "one upload for the three boxes")
        numbers = [dto["invoiceNumber"] for dtos in self.invoice_dtos() for dto in dtos]
        self.assertEqual(sorted(numbers), ["TRACK0", "TRACK1", "TRACK2"])
