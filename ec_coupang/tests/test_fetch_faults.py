import threading
import time
from collections import Counter
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..const import FETCH_LOCK_KEY
from .fetch_common import EcCommittedAccountCase, EcFetchCase

PAGE_SIZE = 5


@tagged("post_install", "-at_install")
class TestFetchFaults(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.orders = self.small_pages_of_new_orders(12, PAGE_SIZE)

    def fetch_with_fault_after_first_page(self, kind, **options):
        """Fetches while Coupang fails the list's second page (the one asked after the first is imported)."""
        Importer = type(self.env["ec.coupang.importer"])
        import_sheets = Importer._import_sheets
        pages = []

        def fault_on_next_page(importer, *args, **kwargs):
            if not pages:
                self.sandbox.inject("order_sheets", kind, **options)
            pages.append(args[1])
            return import_sheets(importer, *args, **kwargs)

        with patch.object(Importer, "_import_sheets", fault_on_next_page), mute_logger("odoo.addons.ec_coupang"):
            return self.fetch()

    def assert_fault_then_clean_run(self, failed):
        self.assertEqual(failed.state, "failed")
        self.assertIn("the next fetch reads them again", failed.error)
        self.assertEqual(len(self.imported_box_ids()), PAGE_SIZE, "the first page was imported")
        self.assertFalse(self.account.last_fetch_watermark, "not moved past unread orders")
        self.sandbox.clear_faults()
        clean = self.fetch()
        self.assertEqual(clean.state, "done", clean.summary)
        imported = Counter(self.imported_box_ids())
        self.assertEqual(set(imported), self.box_ids(self.orders))
        self.assertEqual(set(imported.values()), {1}, "every order exactly once")
        self.assertEqual((clean.count_created, clean.count_existing), (len(self.orders) - PAGE_SIZE, PAGE_SIZE))
        self.assertEqual(self.account.last_fetch_watermark, clean.window_to)

    def test_unavailable_second_page_then_a_clean_run(self):
        failed = self.fetch_with_fault_after_first_page("status", status=503, retry_after=0, times=None)
        self.assertIn("unavailable", failed.error)
        self.assert_fault_then_clean_run(failed)

    def test_page_cut_in_the_middle_then_a_clean_run(self):
        failed = self.fetch_with_fault_after_first_page("truncated")
        self.assert_fault_then_clean_run(failed)

    def test_connection_reset_on_the_second_page_then_a_clean_run(self):
        failed = self.fetch_with_fault_after_first_page("reset", times=None)
        self.assertIn("Could not reach Coupang", failed.error)
        self.assert_fault_then_clean_run(failed)

    def test_error_text_holds_no_secret(self):
        failed = self.fetch_with_fault_after_first_page("status", status=401, times=None)
        self.assertNotIn(self.sandbox.demo_vendor.secret_key, failed.error)
        self.assertNotIn("signature=", failed.error)


@tagged("post_install", "-at_install")
class TestFetchConcurrency(EcCommittedAccountCase):
    """Two workers fetching one account at once, on committed data in cursors of their own."""

    def fetch_in_thread(self, results, name):
        def run():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                log = env["ec.account"].browse(self.account_id)._fetch_orders(run=self.committing_run(env))
                results[name] = (log.state, log.count_created)

        thread = threading.Thread(target=run, name=f"fetch-{name}")
        thread.start()
        return thread

    def join(self, *threads):
        for thread in threads:
            thread.join(timeout=120)
            self.assertFalse(thread.is_alive(), f"{thread.name} did not end")

    def test_a_second_fetch_of_a_locked_account_skips(self):
        orders = self.add_orders(6)
        Importer = type(self.env["ec.coupang.importer"])
        lock_fetch = Importer._lock_fetch
        first_holds_lock, second_done = threading.Event(), threading.Event()

        def lock_and_hold(importer, run):
            locked = lock_fetch(importer, run)
            if locked and not first_holds_lock.is_set():
                first_holds_lock.set()
                second_done.wait(timeout=60)
            return locked

        results = {}
        with patch.object(Importer, "_lock_fetch", lock_and_hold):
            first = self.fetch_in_thread(results, "first")
            self.assertTrue(first_holds_lock.wait(timeout=60))
            second = self.fetch_in_thread(results, "second")
            self.join(second)
            second_done.set()
            self.join(first)
        self.assertEqual(results["second"], ("skipped", 0))
        self.assertEqual(results["first"], ("done", 6))
        self.assertEqual(self.imported_box_counts(), {str(order.shipment_box_id): 1 for order in orders})

    def test_two_workers_at_once_import_each_order_once(self):
        orders = self.add_orders(8)
        results = {}
        threads = [self.fetch_in_thread(results, name) for name in ("one", "two")]
        self.join(*threads)
        self.assertEqual(self.imported_box_counts(), {str(order.shipment_box_id): 1 for order in orders})
        self.assertEqual(sum(created for _state, created in results.values()), len(orders))
        self.assertTrue(all(state in ("done", "skipped") for state, _created in results.values()), results)

    def test_a_fetch_holds_no_snapshot_beside_its_work_and_releases_its_lock(self):
        self.add_orders(6)
        Importer = type(self.env["ec.coupang.importer"])
        import_sheets = Importer._import_sheets
        seen = []
        with self.registry.cursor() as cr:
            cr.execute("SELECT pg_backend_pid()")
            (lock_pid,) = cr.fetchone()

            def import_and_look(importer, run, sheets):
                with self.registry.cursor() as look:
                    look.execute("SELECT state, backend_xmin FROM pg_stat_activity WHERE pid = %s", [lock_pid])
                    seen.append(look.fetchone())
                return import_sheets(importer, run, sheets)

            with patch.object(Importer, "_import_sheets", import_and_look):
                env = api.Environment(cr, SUPERUSER_ID, {})
                log = env["ec.account"].browse(self.account_id)._fetch_orders(run=self.committing_run(env))
                self.assertEqual((log.state, log.count_created), ("done", 6))
        self.assertTrue(seen)
        # An open transaction there would keep its snapshot while the run's updates leave row
        # versions PostgreSQL could not clean up meanwhile.
        self.assertEqual(set(seen), {("idle", None)}, "the connection holding the run's lock is in no transaction")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = self.committing_run(env)
            self.assertTrue(env["ec.coupang.importer"]._lock_fetch(run), "the run released its lock")
            run.release_lock(FETCH_LOCK_KEY)

    def user_writes_the_account(self, values):
        """A user's save of the account form, committed; it fails instead of waiting for a lock."""
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '5s'")
            api.Environment(cr, SUPERUSER_ID, {})["ec.account"].browse(self.account_id).write(values)

    def test_a_user_saves_the_account_while_a_fetch_holds_its_lock(self):
        with self.registry.cursor() as fetch_cr:
            env = api.Environment(fetch_cr, SUPERUSER_ID, {})
            run = self.committing_run(env)
            self.assertTrue(env["ec.coupang.importer"]._lock_fetch(run))
            self.user_writes_the_account({"name": "Renamed during the fetch", "fetch_first_days": 3})
            with self.registry.cursor() as other_cr:
                other = api.Environment(other_cr, SUPERUSER_ID, {})
                locked = other["ec.coupang.importer"]._lock_fetch(self.committing_run(other))
                self.assertFalse(locked, "a second fetch of the account does not get the lock")
            run.release_lock(FETCH_LOCK_KEY)
        with self.registry.cursor() as cr:
            account = api.Environment(cr, SUPERUSER_ID, {})["ec.account"].browse(self.account_id)
            self.assertEqual((account.name, account.fetch_first_days), ("Renamed during the fetch", 3))

    def test_a_scheduled_fetch_runs_on_while_a_user_edits_the_account(self):
        orders = self.add_orders(6)
        Importer = type(self.env["ec.coupang.importer"])
        import_sheets = Importer._import_sheets
        first_page_done, user_done = threading.Event(), threading.Event()

        def import_then_wait(importer, *args, **kwargs):
            result = import_sheets(importer, *args, **kwargs)
            if not first_page_done.is_set():
                first_page_done.set()
                user_done.wait(timeout=60)
            return result

        results = {}
        with (
            patch.object(Importer, "_import_sheets", import_then_wait),
            patch.object(Importer, "_fetch_page_size", lambda importer: 2),
        ):
            fetch = self.fetch_in_thread(results, "scheduled")
            self.assertTrue(first_page_done.wait(timeout=60))
            self.user_writes_the_account({"name": "Edited during the fetch", "require_tracking": False})
            user_done.set()
            self.join(fetch)
        self.assertEqual(results["scheduled"], ("done", 6))
        self.assertEqual(self.imported_box_counts(), {str(order.shipment_box_id): 1 for order in orders})
        with self.registry.cursor() as cr:
            account = api.Environment(cr, SUPERUSER_ID, {})["ec.account"].browse(self.account_id)
            self.assertEqual((account.name, account.require_tracking), ("Edited during the fetch", False))
            self.assertEqual(account.last_fetch_watermark, account.last_fetch_log_id.window_to)

    def test_imports_of_one_company_take_turns_each_seeing_the_others_stock(self):
        """Under the cron an import waits for the company's turn, and its transaction starts after
        the other import committed: two stores reserving the same quants no longer fail each other."""
        waiting, seen = threading.Event(), {}

        def second_import():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                waiting.set()
                with env["ec.coupang.importer"]._stock_turn(self.committing_run(env)):
                    seen["name"] = env["ec.account"].browse(self.account_id).name

        with self.registry.cursor() as first_cr:
            first = api.Environment(first_cr, SUPERUSER_ID, {})
            with first["ec.coupang.importer"]._stock_turn(self.committing_run(first)):
                thread = threading.Thread(target=second_import, name="second-import")
                thread.start()
                self.assertTrue(waiting.wait(timeout=60))
                self.assertTrue(self.wait_for_advisory_waiter(first_cr), "the second import waits for its turn")
                self.assertNotIn("name", seen)
                first["ec.account"].browse(self.account_id).name = "Renamed by the first import"
                first_cr.commit()
            self.join(thread)
        self.assertEqual(seen["name"], "Renamed by the first import")

    def wait_for_advisory_waiter(self, cr):
        """Whether another session waits for an advisory lock within 30 s."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            cr.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cr.fetchone()[0]:
                return True
            time.sleep(0.05)
        return False
