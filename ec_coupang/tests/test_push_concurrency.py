import threading
from collections import Counter

from odoo import SUPERUSER_ID, api
from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.exceptions import UserError
from odoo.tests import tagged

from .push_common import TEA, TEAPOT, PushCase

ORDER_COUNT = 6


@tagged("post_install", "-at_install")
class TestPushConcurrency(PushCase):
    """Two scheduler workers push at the same time, on committed data, each in its own transaction."""

    def setUp(self):
        super().setUp()
        self.let_threads_open_environments()

    def _commit_shipped_orders(self, in_two_parcels=False):
        """Committed Coupang orders of a tea and a teapot, shipped: at once, or the tea first and the
        teapot in the backorder."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = self.create_committed_account(env)
            # Another code than the test transaction's, whose uncommitted row would block this insert.
            products, _delivery_company, carrier = self.create_catalogue(env, "KERRYTJ-2")
            orders = env["sale.order"]
            for index in range(ORDER_COUNT):
                order = self.create_coupang_order([(TEA, 1), (TEAPOT, 1)], env=env, account=account, products=products)
                quantities = {TEA: 1} if in_two_parcels else None
                first = self.ship(order.picking_ids, f"TW3000000{index:02d}", carrier=carrier, quantities=quantities)
                if in_two_parcels:
                    self.ship(order.picking_ids - first, f"TW3100000{index:02d}", carrier=carrier)
                orders |= order
            products = env["product.product"].union(*products.values(), carrier.product_id)
            self.addCleanup(
                self._delete_committed,
                {
                    "pickings": orders.picking_ids.ids,
                    "orders": orders.ids,
                    "products": products.ids,
                    "templates": products.product_tmpl_id.ids,
                    "partners": [*orders.partner_id.ids, account.merchant_id.id],
                    "carrier": carrier.id,
                    "delivery_company": carrier.ec_delivery_company_id.id,
                    "account": account.id,
                },
            )
            return orders.ids

    def _delete_committed(self, ids):
        with self.registry.cursor() as cr:
            for query in (
                "DELETE FROM mail_activity WHERE res_model = 'stock.picking' AND res_id = ANY(%(pickings)s)",
                "DELETE FROM mail_message WHERE model = 'stock.picking' AND res_id = ANY(%(pickings)s)",
                "DELETE FROM mail_message WHERE model = 'sale.order' AND res_id = ANY(%(orders)s)",
                "DELETE FROM mail_message WHERE model = 'ec.account' AND res_id = %(account)s",
                "DELETE FROM mail_followers WHERE partner_id = ANY(%(partners)s)",
                "DELETE FROM stock_valuation_layer WHERE product_id = ANY(%(products)s)",
                "DELETE FROM stock_move_line WHERE picking_id = ANY(%(pickings)s)",
                "DELETE FROM stock_move WHERE picking_id = ANY(%(pickings)s)",
                "DELETE FROM stock_picking WHERE id = ANY(%(pickings)s)",
                "DELETE FROM procurement_group WHERE sale_id = ANY(%(orders)s)",
                "DELETE FROM stock_quant WHERE product_id = ANY(%(products)s)",
                "DELETE FROM sale_order WHERE id = ANY(%(orders)s)",
                "DELETE FROM delivery_carrier WHERE id = %(carrier)s",
                "DELETE FROM ec_delivery_company WHERE id = %(delivery_company)s",
                "DELETE FROM product_template WHERE id = ANY(%(templates)s)",
                "DELETE FROM ec_account WHERE id = %(account)s",
                "DELETE FROM res_partner WHERE id = ANY(%(partners)s)",
            ):
                cr.execute(query, ids)

    def _push_in_thread(self, errors, barrier=None, batch_size=2):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                if barrier:
                    barrier.wait(timeout=30)
                Push = env["ec.tracking.push"]
                for account in Push._due_accounts():
                    # The scheduler's run, as outside a test: it commits each batch.
                    Push._push_due(CoupangRun(account, commits=True), batch_size=batch_size)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    def _run_two_workers(self, batch_size=2):
        # Slow answers make the two workers overlap.
        self.sandbox.inject("upload_invoices", "delay", seconds=0.2, times=None)
        barrier, errors = threading.Barrier(2), []
        workers = [threading.Thread(target=self._push_in_thread, args=(errors, barrier, batch_size)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        self.assertEqual(errors, [])

    def _uploaded(self, *keys):
        """How many times each invoice line reached Coupang, by the given fields of its line."""
        return Counter(
            tuple(dto[key] for key in keys)
            for request in self.sandbox.requests_to("upload_invoices")
            for dto in request.json["orderSheetInvoiceApplyDtos"]
        )

    def test_two_workers_send_each_invoice_once(self):
        order_ids = self._commit_shipped_orders()
        self._run_two_workers()

        sent = self._uploaded("shipmentBoxId", "vendorItemId")
        with self.registry.cursor() as cr:
            orders = api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(order_ids)
            expected = {
                (int(order.coupang_shipment_box_id), int(line.coupang_vendor_item_id))
                for order in orders
                for line in order.order_line
            }
            self.assertEqual(set(sent), expected)
            self.assertEqual(set(sent.values()), {1}, "each invoice reached Coupang exactly once")
            self.assertEqual(set(orders.picking_ids.mapped("ec_push_state")), {"done"})

    def test_two_workers_push_the_parcels_of_one_box_one_after_the_other(self):
        order_ids = self._commit_shipped_orders(in_two_parcels=True)
        self._run_two_workers(batch_size=1)

        sent = self._uploaded("shipmentBoxId", "vendorItemId", "invoiceNumber", "preSplitShipped")
        with self.registry.cursor() as cr:
            orders = api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(order_ids)
            expected = set()
            for index, order in enumerate(orders):
                box = int(order.coupang_shipment_box_id)
                tea, teapot = self.vendor_item(TEA), self.vendor_item(TEAPOT)
                expected |= {
                    (box, tea, f"TW3000000{index:02d}", False),
                    (box, teapot, "", False),
                    (box, teapot, f"TW3100000{index:02d}", True),
                }
            self.assertEqual(set(sent), expected, "the first parcel splits the box, its backorder completes it")
            self.assertEqual(set(sent.values()), {1}, "each invoice reached Coupang exactly once")
            self.assertEqual(set(orders.picking_ids.mapped("ec_push_state")), {"done"})

    def test_push_leaves_the_account_and_the_orders_free_for_their_users(self):
        order_ids = self._commit_shipped_orders()
        held = self.sandbox.inject("upload_invoices", "hold")
        errors = []
        pusher = threading.Thread(target=self._push_in_thread, args=(errors,))
        pusher.start()
        try:
            self.assertTrue(held.wait_until_holding(timeout=60), "the push calls Coupang")
            self._edit_as_a_user(order_ids)
        finally:
            held.release()
            pusher.join(timeout=120)
        self.assertEqual(errors, [], "the push went on after the user's changes")

        with self.registry.cursor() as cr:
            orders = api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(order_ids)
            self.assertEqual(set(orders.picking_ids.mapped("ec_push_state")), {"done"})
            self.assertEqual(set(self._uploaded("shipmentBoxId", "vendorItemId").values()), {1})
            self.assertEqual(orders.ec_account_id.name, "Coupang TW (renamed)")
            self.assertEqual(set(orders.mapped("client_order_ref")), {"PO-1"})
            self.assertEqual(set(orders.picking_ids.mapped("origin")), {"Edited while pushing"})

    def test_push_button_while_the_push_runs_says_so(self):
        order_ids = self._commit_shipped_orders()
        held = self.sandbox.inject("upload_invoices", "hold")
        errors = []
        pusher = threading.Thread(target=self._push_in_thread, args=(errors, None, ORDER_COUNT))
        pusher.start()
        try:
            self.assertTrue(held.wait_until_holding(timeout=60), "the push calls Coupang")
            with self.registry.cursor() as cr:
                cr.execute("SET LOCAL lock_timeout = '1s'")
                picking = api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(order_ids[0]).picking_ids
                with self.assertRaisesRegex(UserError, "being sent to Coupang right now"):
                    picking.action_ec_push_tracking()
        finally:
            held.release()
            pusher.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(set(self._uploaded("shipmentBoxId", "vendorItemId").values()), {1})

    def _edit_as_a_user(self, order_ids):
        """A user's changes to the account, the orders and their deliveries, committed while the push
        waits for Coupang's answer."""
        with self.registry.cursor() as cr:
            # A row the push holds makes this fail at once, instead of waiting for Coupang's answer.
            cr.execute("SET LOCAL lock_timeout = '1s'")
            orders = api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(order_ids)
            orders.ec_account_id.write({"name": "Coupang TW (renamed)", "require_tracking": False})
            orders.write({"client_order_ref": "PO-1", "note": "Gift wrap"})
            orders.picking_ids.write({"origin": "Edited while pushing", "note": "Fragile"})
            cr.flush()
