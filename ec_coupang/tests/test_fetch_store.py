import os
from collections import Counter
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools.coupang_errors import render
from .common import load_module_file
from .fetch_common import EcFetchCase

MIGRATION = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations", "18.0.1.1.0", "post-migrate.py")


def load_migration():
    return load_module_file("ec_coupang_store_key_migration", MIGRATION)


@tagged("post_install", "-at_install")
class TestOneStoreOneImport(EcFetchCase):
    """A Coupang store (market and Vendor ID) imports each shipment box once, whatever its accounts."""

    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()

    def test_a_second_active_account_of_the_store_is_refused(self):
        with self.assertRaisesText(ValidationError, "already has an active EC account: Coupang TW"):
            self._create_account(name="Coupang TW again")
        vendor = self.sandbox.demo_vendor
        with self.assertRaisesText(ValidationError, vendor.vendor_id):
            self._create_account(name="Coupang TW spaced", coupang_vendor_id=f"  {vendor.vendor_id} ")

    def test_the_same_vendor_id_in_the_other_market_is_another_store(self):
        korea = self._create_account(name="Coupang KR", coupang_market="KR")
        self.assertEqual(korea._coupang_store_key(), f"KR:{self.sandbox.demo_vendor.vendor_id}")
        self.assertNotEqual(korea._coupang_store_key(), self.account._coupang_store_key())

    def test_an_archived_account_does_not_count_until_it_comes_back(self):
        self.account.active = False
        successor = self._create_account(name="Coupang TW successor")
        self.assertTrue(successor.active)
        with self.assertRaisesText(ValidationError, "Coupang TW successor"):
            self.account.active = True

    def test_two_accounts_of_one_store_import_each_order_once(self):
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(4)]
        first = self.fetch()
        self.assertEqual(first.count_created, len(orders))
        self.account.active = False
        successor = self._create_account(name="Coupang TW successor")
        successor.action_test_connection()
        self.configure_locations(successor)
        later = self.sandbox.add_order(delivery="home", items=[("CP-TEA-002", 1)])
        second = self.fetch(successor)
        self.assertEqual(second.state, "done", second.summary)
        self.assertEqual((second.count_created, second.count_existing), (1, len(orders)))
        boxes = Counter(
            self.env["sale.order"]
            .search([("ec_store_key", "=", successor._coupang_store_key())])
            .mapped("coupang_shipment_box_id")
        )
        self.assertEqual(boxes, Counter(self.box_ids([*orders, later])))
        self.assertEqual(self.sale_order(later, successor).ec_store_key, f"TW:{self.sandbox.demo_vendor.vendor_id}")

    def test_the_store_key_stays_when_the_account_is_edited(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        self.fetch()
        sale_order = self.sale_order(order)
        self.account.coupang_vendor_id = "A99999999"
        self.assertEqual(sale_order.ec_store_key, f"TW:{self.sandbox.demo_vendor.vendor_id}")

    def test_the_upgrade_gives_earlier_imports_their_store_key_once_per_box(self):
        first, second = (self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(2))
        held = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1), ("CP-POT-001", 1)])
        held.lines[1].external_vendor_sku_code = "NO-SUCH-SKU"
        self.fetch()
        orders = self.sale_order(first) | self.sale_order(second)
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(held.shipment_box_id))])
        self.assertEqual((len(orders), kept.state), (2, "held"))
        self.env.flush_all()
        # As before the upgrade: no store key, and a box that two accounts of the store both imported.
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET ec_store_key = NULL, coupang_shipment_box_id = %s WHERE id IN %s",
                str(first.shipment_box_id),
                tuple(orders.ids),
            )
        )
        self.env.cr.execute(SQL("UPDATE ec_order_import SET ec_store_key = NULL WHERE id = %s", kept.id))
        load_migration().migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        store_key = self.account._coupang_store_key()
        self.assertEqual(orders.sorted("id").mapped("ec_store_key"), [store_key, False], "the first copy only")
        self.assertEqual(kept.ec_store_key, store_key)

    def test_an_inactive_currency_holds_the_order_and_stays_inactive(self):
        twd = self.env.ref("base.TWD")
        twd.active = False
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        log = self.fetch()
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(order.shipment_box_id))])
        self.assertEqual((log.count_held, kept.state), (1, "held"))
        self.assertIn("currency TWD", kept.reason)
        self.assertFalse(twd.active, "finding the currency never activates it")
        twd.active = True
        kept.action_retry()
        self.assertEqual(kept.state, "done", kept.reason)
        self.assertEqual(self.sale_order(order).currency_id, twd)

    def test_the_order_and_its_review_tell_the_same_currency_problem(self):
        """One rule for the order's currency: the mapper refuses an inactive one with the reason the
        review record gives, how to activate it."""
        self.env.ref("base.TWD").active = False
        mapper = self.env["ec.coupang.order.mapper"]
        _currency, problem = mapper._currency_of("TWD")
        reason = render(self.env, problem)
        self.assertIn("activate it in the accounting settings", reason)
        with self.assertRaises(UserError) as refused:
            mapper._find_currency("TWD")
        self.assertEqual(str(refused.exception), reason)


@tagged("post_install", "-at_install")
class TestLastFetch(EcFetchCase):
    def test_each_account_shows_its_latest_run_that_was_not_skipped(self):
        other = self._create_account(self.add_store(), name="Coupang TW 2")
        Log = self.env["ec.fetch.log"]
        older, newer = (
            Log.create({"account_id": self.account.id, "trigger": "manual", "state": "done", "date_start": day})
            for day in ("2026-03-01 01:00:00", "2026-03-02 01:00:00")
        )
        Log.create({"account_id": self.account.id, "trigger": "manual", "state": "skipped"})
        other_log = Log.create({"account_id": other.id, "trigger": "schedule", "state": "failed"})
        accounts = self.account | other
        accounts.invalidate_recordset(["last_fetch_log_id"])
        self.assertEqual(accounts.mapped("last_fetch_log_id"), newer | other_log)
        self.assertEqual(self.account.last_fetch_date, newer.date_start)
        self.assertEqual(other.last_fetch_state, "failed")
        self.assertNotEqual(older, self.account.last_fetch_log_id)

    def test_next_run_marks_the_runs_whose_worker_stopped(self):
        Log = self.env["ec.fetch.log"]
        other = self._create_account(self.add_store(), name="Coupang TW 2")
        killed = Log.create({"account_id": self.account.id, "trigger": "schedule"})
        other_running = Log.create({"account_id": other.id, "trigger": "schedule"})
        Importer = type(self.env["ec.coupang.importer"])
        with patch.object(Importer, "_lock_fetch", return_value=False):
            skipped = self.fetch()
        self.assertEqual((skipped.state, killed.state), ("skipped", "running"), "without the lock, runs may be alive")
        log = self.fetch()
        self.assertEqual(killed.state, "failed")
        self.assertIn("interrupted", killed.error)
        self.assertTrue(killed.date_end)
        self.assertEqual(log.state, "done")
        self.assertEqual(other_running.state, "running", "another account's run is left to its own runs")
