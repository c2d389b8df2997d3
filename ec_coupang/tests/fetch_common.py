"""Shared base of the order fetching tests: products for the sandbox's SKUs, a configured account."""

from urllib3.util.retry import Retry

from coupang_sandbox import SKU_CATALOGUE
from odoo.tests import TransactionCase

from .common import EcCoupangTestMixin

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

    def clear_sandbox_orders(self):
        """Removes the seeded orders, for tests that count exactly what they add."""
        with self.sandbox.store.lock:
            self.sandbox.store.orders.clear()

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
