"""Shared base of the order fetching tests: products for the sandbox's SKUs, a configured account."""

from urllib3.util.retry import Retry

from coupang_sandbox import SKU_CATALOGUE
from odoo import SUPERUSER_ID, api
from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.tests import TransactionCase
from odoo.tools import SQL

from .common import EcCoupangCase, EcCoupangTestMixin

TAIPEI = "Asia/Taipei"
RETURN_CENTER_SEVEN_ELEVEN = "1000558001"
RETURN_CENTER_FAMILYMART = "1000558002"
OUTBOUND_PLACE_HOME = "2500001"


class EcFetchMixin(EcCoupangTestMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = TAIPEI
        cls.env.ref("base.TWD").active = True  # the import never activates a currency
        cls.products = {
            item.sku: cls.env["product.product"].create(
                {"name": item.name_zh, "default_code": item.sku, "type": "consu", "is_storable": True}
            )
            for item in SKU_CATALOGUE
        }

    def setUp(self):
        super().setUp()
        self.configure_locations(self.account)

    def small_pages_of_new_orders(self, count, page_size):
        """Only ``count`` new home delivery orders in the sandbox, read ``page_size`` per page, and no
        pause between the client's tries; returns the orders."""
        self.clear_sandbox_orders()
        self.patch(type(self.env["ec.coupang.importer"]), "_fetch_page_size", lambda importer: page_size)
        # The client's growing pauses between its tries would only slow the test down.
        self.patch(Retry, "get_backoff_time", lambda retry: 0)
        return [self.sandbox.add_order(delivery="home", items=[("CP-SNK-001", 1)]) for _ in range(count)]

    def put_in_stock(self, quantity=100):
        """Every product of the sandbox's SKUs in stock, so that their deliveries can be reserved."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        for product in self.products.values():
            self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, quantity)

    def fetch(self, account=None):
        return (account or self.account)._fetch_orders()

    def sale_order(self, order, account=None):
        return self.env["sale.order"].search(
            [
                ("ec_account_id", "=", (account or self.account).id),
                ("coupang_shipment_box_id", "=", str(order.shipment_box_id)),
            ]
        )

    def sandbox_orders(self, statuses=("ACCEPT", "INSTRUCT")):
        return [order for order in self.sandbox.orders(market="TW") if order.status in statuses]

    def cod_order(self):
        """A cash-on-delivery 7-ELEVEN order with a company's e-invoice, fetched into its sale order."""
        order = self.sandbox.add_order(delivery="seven_eleven", items=[("CP-TEA-001", 2)])
        self.sandbox.factory.make_cod_business_order(order)
        self.assertEqual(self.fetch().state, "done")
        return self.sale_order(order)

    def box_ids(self, orders):
        return {str(order.shipment_box_id) for order in orders}

    def imported_box_ids(self, account=None):
        orders = self.env["sale.order"].search([("ec_account_id", "=", (account or self.account).id)])
        return orders.mapped("coupang_shipment_box_id")


class EcFetchCase(EcFetchMixin, TransactionCase):
    pass


class EcCommittedAccountCase(EcCoupangCase):
    """An account, its products and merchant committed (``account_id``), for tests whose work runs in
    cursors of their own, as several workers do; the sandbox holds no order at first. What the test
    committed with the account is deleted at its end."""

    SKUS = ("CP-TEA-001", "CP-TEA-002")

    def setUp(self):
        super().setUp()
        self.let_threads_open_environments()
        with self.sandbox.store.lock:
            self.sandbox.store.orders.clear()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            pricelists = env["product.pricelist"].with_context(active_test=False).search([]).ids
            products = env["product.product"].create(
                [{"name": sku, "default_code": sku, "is_storable": True} for sku in self.SKUS]
            )
            merchant = env["res.partner"].create({"name": "Concurrent Tea"})
            account = env["ec.account"].create(
                {
                    "name": "Coupang TW (committed)",
                    "merchant_id": merchant.id,
                    "coupang_vendor_id": self.sandbox.demo_vendor.vendor_id,
                    "coupang_access_key": self.sandbox.demo_vendor.access_key,
                    "coupang_secret_key": self.sandbox.demo_vendor.secret_key,
                    "coupang_base_url": self.sandbox.base_url,
                }
            )
            account.action_test_connection()
            home = account.location_ids.filtered(lambda location: location.code == OUTBOUND_PLACE_HOME)
            account.write({"ship_seven_eleven": False, "ship_familymart": False, "outbound_place_home_id": home.id})
            env.ref("base.TWD").active = True
        self.account_id = account.id
        self.addCleanup(self.delete_committed_data, account.id, products.ids, merchant.id, pricelists)

    def delete_committed_data(self, account_id, product_ids, merchant_id, pricelist_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search([("ec_account_id", "=", account_id)])
            partners = orders.partner_id | orders.partner_shipping_id
            pickings = orders.picking_ids
            orders._action_cancel()
            pickings.unlink()
            orders.unlink()
            partners.unlink()
            env["ec.account"].browse(account_id).unlink()
            env["product.product"].browse(product_ids).unlink()
            env["res.partner"].browse(merchant_id).unlink()
            env["product.pricelist"].with_context(active_test=False).search([("id", "not in", pricelist_ids)]).unlink()

    def committing_run(self, env):
        """The scheduler's run of the account, which commits order by order (even in this test)."""
        return CoupangRun(env["ec.account"].browse(self.account_id), commits=True)

    def imported_box_counts(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT coupang_shipment_box_id, count(*) FROM sale_order WHERE ec_account_id = %s GROUP BY 1",
                    self.account_id,
                )
            )
            return dict(cr.fetchall())

    def add_orders(self, count):
        items = [(self.SKUS[0], 1), (self.SKUS[1], 2)]
        return [self.sandbox.add_order(delivery="home", items=items) for _ in range(count)]
