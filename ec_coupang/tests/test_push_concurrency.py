import threading
from collections import Counter

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from .push_common import TEA, TEAPOT, PushCase

ORDER_COUNT = 6


@tagged("post_install", "-at_install")
class TestPushConcurrency(PushCase):
    """Two scheduler workers push at the same time, on committed data, each in its own transaction."""

    def _commit_shipped_orders(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            vendor = self.sandbox.demo_vendor
            account = env["ec.account"].create(
                {
                    "name": "Coupang TW (committed)",
                    "merchant_id": env["res.partner"].create({"name": "Committed merchant"}).id,
                    "coupang_vendor_id": vendor.vendor_id,
                    "coupang_access_key": vendor.access_key,
                    "coupang_secret_key": vendor.secret_key,
                    "coupang_base_url": self.sandbox.base_url,
                    "coupang_market": "TW",
                }
            )
            # Another code than the test transaction's, whose uncommitted row would block this insert.
            products, _delivery_company, carrier = self.create_catalogue(env, "KERRYTJ-2")
            orders = env["sale.order"]
            for index in range(ORDER_COUNT):
                order = self.create_coupang_order([(TEA, 1), (TEAPOT, 1)], env=env, account=account, products=products)
                self.ship(order.picking_ids, f"TW3000000{index:02d}", carrier=carrier)
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

    def _push_in_thread(self, barrier, errors):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                barrier.wait(timeout=30)
                env["stock.picking"]._ec_push_due(auto_commit=True, batch_size=2)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    def test_two_workers_send_each_invoice_once(self):
        order_ids = self._commit_shipped_orders()
        # Slow answers make the two workers overlap.
        self.sandbox.inject("upload_invoices", "delay", seconds=0.2, times=None)
        barrier, errors = threading.Barrier(2), []
        workers = [threading.Thread(target=self._push_in_thread, args=(barrier, errors)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        self.assertEqual(errors, [])

        sent = Counter(
            (dto["shipmentBoxId"], dto["vendorItemId"])
            for request in self.sandbox.requests_to("upload_invoices")
            for dto in request.json["orderSheetInvoiceApplyDtos"]
        )
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
