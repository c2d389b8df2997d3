from collections import Counter
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import ec_coupang_importer
from .fetch_common import EcFetchCase

PAGE_SIZE = 5
ORDERS = 12


class FakeClock:
    """time.monotonic() of the importer: moves only when the test says, or by ``step`` a reading."""

    def __init__(self, step=0.0):
        self.now = 1000.0
        self.step = step

    def __call__(self):
        self.now += self.step
        return self.now


@tagged("post_install", "-at_install")
class TestFetchBounds(EcFetchCase):
    """A fetch meeting a Coupang that misbehaves ends (within its budget, or with an error), keeps
    what it could not take, leaves the watermark, and the next run completes the window."""

    def setUp(self):
        super().setUp()
        self.orders = self.small_pages_of_new_orders(ORDERS, PAGE_SIZE)
        self.clock = FakeClock()
        self.patch(ec_coupang_importer, "monotonic", self.clock)

    def fetch_with_fault(self, kind, **options):
        self.sandbox.inject("order_sheets", kind, times=None, **options)
        with mute_logger("odoo.addons.ec_coupang"):
            log = self.fetch()
        self.sandbox.clear_faults()
        return log, len(self.sandbox.requests_to("order_sheets"))

    def with_call_deadline(self, seconds):
        make_client = type(self.account)._coupang_client

        def quick_client(account, **options):
            client = make_client(account, **options)
            client.call_deadline = seconds
            return client

        self.patch(type(self.account), "_coupang_client", quick_client)

    def assert_stopped_then_completed(self, log, reason):
        self.assertEqual(log.state, "failed")
        self.assertIn(reason, log.error)
        self.assertFalse(self.account.last_fetch_watermark, "not moved past unread orders")
        clean = self.fetch()
        self.assertEqual(clean.state, "done", clean.error)
        imported = Counter(self.imported_box_ids())
        self.assertEqual(set(imported), self.box_ids(self.orders), "the next run completed the window")
        self.assertEqual(set(imported.values()), {1}, "every order exactly once")
        self.assertEqual(self.account.last_fetch_watermark, clean.window_to)

    def test_a_repeated_next_token_ends_the_fetch(self):
        log, calls = self.fetch_with_fault("repeated_token")
        self.assertEqual(calls, 2, "the ACCEPT list's first page, and the page that sent its token again")
        self.assert_stopped_then_completed(log, "token a second time")

    def test_endless_pages_end_with_the_time_budget(self):
        self.env["ir.config_parameter"].sudo().set_param("ec_coupang.fetch_time_budget", "30")
        self.clock.step = 1.0  # each check of the budget a second later
        log, calls = self.fetch_with_fault("endless_pages")
        self.assertLessEqual(calls, 30)
        self.assertEqual(self.imported_box_ids(), [], "nothing acknowledged nor imported from an endless list")
        self.clock.step = 0.0
        self.assert_stopped_then_completed(log, "stopped after its time budget; the next run goes on")

    def slow_pages(self):
        """A time budget of a minute, and each INSTRUCT page imported in a minute and a second."""
        self.env["ir.config_parameter"].sudo().set_param("ec_coupang.fetch_time_budget", "60")
        Importer = type(self.env["ec.coupang.importer"])
        import_page = Importer._import_page

        def slow_import(importer, *args, **kwargs):
            self.clock.now += 61
            return import_page(importer, *args, **kwargs)

        return patch.object(Importer, "_import_page", slow_import)

    def test_a_run_past_its_time_budget_stops_between_pages_and_the_next_goes_on(self):
        with self.slow_pages():
            log = self.fetch()
        self.assertEqual(len(self.imported_box_ids()), PAGE_SIZE, "the first INSTRUCT page, then the stop")
        self.assertEqual(log.count_created, PAGE_SIZE)
        self.assert_stopped_then_completed(log, "stopped after its time budget; the next run goes on")

    def test_a_run_stopped_by_its_time_budget_reserves_the_deliveries_of_what_it_imported(self):
        self.put_in_stock()
        with self.slow_pages(), mute_logger("odoo.addons.ec_coupang"):
            log = self.fetch()
        self.assertEqual((log.state, log.count_created), ("failed", PAGE_SIZE))
        orders = self.env["sale.order"].search([("ec_account_id", "=", self.account.id)])
        self.assertEqual(len(orders), PAGE_SIZE)
        self.assertEqual(set(orders.picking_ids.mapped("state")), {"assigned"})

    def test_an_oversized_page_is_refused_and_its_rows_kept_for_review(self):
        self.sandbox.inject("order_sheets", "oversized_page")
        with mute_logger("odoo.addons.ec_coupang"):
            log = self.fetch()
        self.assertEqual(len(self.sandbox.requests_to("order_sheets")), 1)
        self.assertIn(f"page of {ORDERS} rows where {PAGE_SIZE} were asked for", log.error)
        kept = self.env["ec.order.import"].search([("account_id", "=", self.account.id)])
        self.assertEqual(set(kept.mapped("shipment_box_id")), self.box_ids(self.orders))
        self.assertEqual(set(kept.mapped("state")), {"failed"})
        self.assertTrue(all(str(record.shipment_box_id) in record.payload for record in kept), "raw rows kept")
        self.assertEqual(log.count_failed, ORDERS)
        self.assertEqual(self.imported_box_ids(), [], "nothing of the refused page acknowledged nor imported")
        self.assert_stopped_then_completed(log, "the page was refused")
        self.assertEqual(set(kept.mapped("state")), {"done"}, "the kept rows were settled by the next run")

    def test_a_trickling_answer_ends_the_fetch_at_the_call_s_deadline(self):
        self.with_call_deadline(1.0)
        log, calls = self.fetch_with_fault("trickle", seconds=0.2)
        self.assertEqual(calls, 1, "no other try past the deadline")
        self.assert_stopped_then_completed(log, "did not answer in time")

    def test_a_stalled_answer_ends_the_fetch_at_the_call_s_deadline(self):
        self.with_call_deadline(1.0)
        log, calls = self.fetch_with_fault("stall")
        self.assertEqual(calls, 1, "no other try past the deadline")
        self.assert_stopped_then_completed(log, "did not answer in time")
