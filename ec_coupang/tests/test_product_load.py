from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .fetch_common import EcFetchCase

# The store of 500 vendor items: 125 products of 4 options each.
PRODUCTS, OPTIONS = 125, 4
FIRST_PRODUCT, FIRST_ITEM = 7100000000, 91000000000
BY_REFERENCE = range(0, 300)  # an Odoo product has the item's seller SKU as internal reference
BY_BARCODE = range(300, 450)  # an Odoo product has the item's barcode, under another reference
TWO_REFERENCES = range(450, 480)  # two Odoo products share the item's seller SKU
UNKNOWN = range(480, 500)  # nothing in Odoo


def sku(index):
    return f"KR-SKU-{index:03d}"


def barcode(index):
    return f"880{index:010d}"


@tagged("post_install", "-at_install")
class TestProductLoad(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.kr_account = self._create_account(name="Coupang KR", coupang_market="KR", coupang_rate_limit=1000.0)
        self.account.coupang_rate_limit = 1000.0  # the same vendor: its lowest rate is the one used
        self.kr_account.action_test_connection()
        self.assertEqual(self.kr_account.state, "connected", self.kr_account.connection_message)
        with self.sandbox.catalog.lock:
            self.sandbox.catalog.products.clear()  # only the products each test adds
        self.manager = self.env["res.users"].create(
            {
                "name": "EC manager",
                "login": "ec_product_manager",
                "groups_id": [Command.set([self.env.ref("ec_coupang.group_ec_manager").id])],
            }
        )

    def add_products(self, first, count, created_at=None, options=OPTIONS):
        """``count`` products of ``options`` items each; item n has seller SKU ``sku(n)`` and barcode ``barcode(n)``."""
        for number in range(first, first + count):
            items = [
                (
                    FIRST_ITEM + number * options + option,
                    sku(number * options + option),
                    barcode(number * options + option),
                    f"녹차 티백 {number}-{option}",
                    [("수량", f"{option + 1}개")],
                    9900,
                )
                for option in range(options)
            ]
            self.sandbox.add_seller_product(FIRST_PRODUCT + number, f"녹차 티백 {number}", items, created_at=created_at)

    def mappings(self, account=None):
        return self.env["ec.product.mapping"].search([("account_id", "=", (account or self.kr_account).id)])

    def product_requests(self):
        lists = [request for request in self.sandbox.requests if request.endpoint == "seller_products"]
        lookups = [request for request in self.sandbox.requests if request.endpoint == "seller_product"]
        return lists, lookups

    def test_first_load_of_a_store_of_500_items(self):
        Product = self.env["product.product"]
        Product.create([{"name": f"Green tea {index}", "default_code": sku(index)} for index in BY_REFERENCE])
        Product.create(
            [
                {"name": f"Green tea {index}", "default_code": f"OWN-{index}", "barcode": barcode(index)}
                for index in BY_BARCODE
            ]
        )
        twins = Product.create(
            [
                {"name": name, "default_code": sku(index)}
                for index in TWO_REFERENCES
                for name in (f"녹차 티백 old {index}", f"Black tea {index}")
            ]
        )
        self.add_products(0, PRODUCTS, created_at=self.sandbox.now() - timedelta(days=30))
        self.sandbox.clear_requests()

        self.kr_account.with_user(self.manager).action_load_products()

        lists, lookups = self.product_requests()
        self.assertEqual(len(lists), 2, "125 products, 100 a page")
        self.assertEqual([request.params.get("nextToken", "") for request in lists], ["", "2"])
        self.assertEqual(len(lookups), PRODUCTS, "one lookup a product for its items")
        mappings = self.mappings()
        self.assertEqual(len(mappings), 500)
        counts = {
            method: len(mappings.filtered(lambda mapping, method=method: mapping.match_method == method))
            for method in ("reference", "barcode", False)
        }
        self.assertEqual(counts, {"reference": 300, "barcode": 150, False: 50})
        self.assertEqual(len(mappings.filtered(lambda mapping: mapping.state == "to_map")), 50)
        by_sku = {mapping.seller_sku: mapping for mapping in mappings}
        self.assertEqual(by_sku[sku(7)].product_id.default_code, sku(7))
        self.assertEqual(by_sku[sku(301)].product_id.barcode, barcode(301))
        twin = by_sku[sku(455)]
        self.assertFalse(twin.product_id, "two products with the SKU: the user chooses")
        self.assertIn(twin.suggested_product_id, twins)
        self.assertEqual(twin.suggested_product_id.name, "녹차 티백 old 455", "the name closest to the item's")
        self.assertEqual(twin.seller_product_id, str(FIRST_PRODUCT + 455 // OPTIONS))
        self.assertEqual(twin.seller_product_name, f"녹차 티백 {455 // OPTIONS}")
        self.assertEqual(twin.item_options, "수량: 4개")
        self.assertFalse(by_sku[sku(490)].product_id)
        self.assertEqual(self.kr_account.last_result_action, "load_products")
        self.assertEqual(self.kr_account.last_result_level, "warning")
        self.assertIn(
            "500 vendor items of 125 products read from Coupang: 300 matched by internal reference, 150 by "
            "barcode, 50 left to map",
            self.kr_account.last_result,
        )
        self.assertTrue(self.kr_account.products_loaded_from)
        to_map = self.env["ec.product.mapping"].search(
            [("account_id", "=", self.kr_account.id), ("state", "=", "to_map")]
        )
        self.assertEqual(to_map, mappings.filtered(lambda mapping: not mapping.product_id))

    def test_a_later_load_reads_only_the_products_created_since_the_last(self):
        self.add_products(0, 3, created_at=self.sandbox.now() - timedelta(days=30))
        self.kr_account.action_load_products()
        self.assertEqual(len(self.mappings()), 12)
        loaded_from = self.kr_account.products_loaded_from
        self.assertTrue(loaded_from)
        # Created before the first load but not listed by it (e.g. approved later): not read again.
        self.add_products(3, 1, created_at=self.sandbox.now() - timedelta(days=2))
        self.add_products(4, 2)  # created now
        self.env["product.product"].create({"name": "Green tea", "default_code": sku(16)})
        self.sandbox.clear_requests()

        self.env.ref("ec_coupang.ir_cron_ec_load_products").method_direct_trigger()
        self.env.invalidate_all()

        lists, lookups = self.product_requests()
        self.assertEqual(len(lists), 1, "one 24-hour window since the last load")
        self.assertIn("createdAt", lists[0].params)
        self.assertEqual(
            sorted(request.path.rsplit("/", 1)[1] for request in lookups),
            [str(FIRST_PRODUCT + 4), str(FIRST_PRODUCT + 5)],
        )
        mappings = self.mappings()
        self.assertEqual(len(mappings), 20)
        self.assertNotIn(sku(12), mappings.mapped("seller_sku"))
        self.assertEqual(mappings.filtered(lambda mapping: mapping.seller_sku == sku(16)).match_method, "reference")
        self.assertGreaterEqual(self.kr_account.products_loaded_from, loaded_from)

    def test_a_user_without_rights_cannot_load_and_nothing_is_sent(self):
        self.add_products(0, 1)
        self.sandbox.clear_requests()
        for user in (self.ec_user, self.env["res.users"].create({"name": "Clerk", "login": "ec_plain_user"})):
            with self.assertRaises(AccessError):
                self.kr_account.with_user(user).action_load_products()
        self.assertEqual(self.sandbox.requests, [], "refused before any call")
        self.assertFalse(self.mappings())
        self.assertFalse(self.kr_account.products_loaded_from)

    def test_taiwan_matches_again_the_items_orders_named(self):
        self.add_products(0, 1)
        mapping = self.env["ec.product.mapping"].create(
            {"account_id": self.account.id, "vendor_item_id": "123", "seller_sku": "CP-TEA-001"}
        )
        self.sandbox.clear_requests()
        self.account.action_load_products()
        self.assertEqual(self.sandbox.requests, [], "Taiwan lists no vendor item: nothing to read")
        self.assertEqual((mapping.product_id, mapping.match_method), (self.products["CP-TEA-001"], "reference"))
        self.assertIn("Coupang Taiwan lists products without their vendor items", self.account.last_result)

    def test_held_order_is_imported_once_its_item_is_mapped_by_hand(self):
        self.clear_sandbox_orders()
        # Held for the same item, and for its receiver too: ordered first, retried first, it stays held.
        nameless = self.sandbox.add_order(
            delivery="home", items=[("CP-POT-001", 1)], ordered_at=self.sandbox.now() - timedelta(hours=5)
        )
        nameless.lines[0].external_vendor_sku_code = "POT-OLD-SKU"
        nameless.receiver["name"] = ""
        held = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1), ("CP-POT-001", 1)])
        held.lines[1].external_vendor_sku_code = "POT-OLD-SKU"
        other = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        other.lines[0].external_vendor_sku_code = "TEA-OLD-SKU"
        self.fetch()
        Review = self.env["ec.order.import"]
        kept = Review.search(
            [("account_id", "=", self.account.id), ("shipment_box_id", "=", str(held.shipment_box_id))]
        )
        still = Review.search(
            [("account_id", "=", self.account.id), ("shipment_box_id", "=", str(other.shipment_box_id))]
        )
        blocked = Review.search(
            [("account_id", "=", self.account.id), ("shipment_box_id", "=", str(nameless.shipment_box_id))]
        )
        self.assertEqual((kept.state, still.state, blocked.state), ("held", "held", "held"))
        self.assertEqual(Review._held_for_items(self.account, {str(held.lines[1].vendor_item_id)}, 50), blocked | kept)
        mapping = self.mappings(self.account).filtered(lambda mapping: mapping.seller_sku == "POT-OLD-SKU")

        cron = self.env.ref("ec_coupang.ir_cron_ec_retry_held_orders")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        mapping.with_user(self.manager).product_id = self.products["CP-POT-001"]
        self.assertEqual(mapping.match_method, "manual")
        self.assertEqual(kept.state, "held", "the user's save does not wait for the imports")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.sandbox.clear_requests()
        cron.method_direct_trigger()  # what the scheduler runs at once
        self.env.invalidate_all()
        self.assertFalse(mapping.held_retry_due)

        self.assertEqual(kept.state, "done", kept.reason)
        self.assertIn(self.products["CP-POT-001"], kept.sale_order_id.order_line.product_id)
        self.assertEqual(self.sandbox.order(held.shipment_box_id).status, "INSTRUCT")
        self.assertEqual(still.state, "held", "an order of another item stays held")
        self.assertEqual(blocked.state, "held", "its receiver still has no name")
        self.assertIn("receiver", blocked.reason)
        self.assertNotIn("POT-OLD-SKU", blocked.reason, "its item has a product now")
