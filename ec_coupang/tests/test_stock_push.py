import random
from datetime import timedelta

from odoo import Command, fields
from odoo.addons.ec_coupang.const import STOCK_COALESCING_PARAM
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import EcCoupangCase

FIRST_PRODUCT, FIRST_ITEM = 7300000000, 93000000000
SEND_CRON = "ec_coupang.ir_cron_ec_send_stock"


@tagged("post_install", "-at_install")
class TestStockPush(EcCoupangCase):
    def setUp(self):
        super().setUp()
        # The Korea store of the demo vendor; the Taiwan account shares its rate limit.
        self.account.coupang_rate_limit = 1000.0
        self.kr = self._create_account(name="Coupang KR", coupang_market="KR", coupang_rate_limit=1000.0)
        self.kr.action_test_connection()
        self.assertEqual(self.kr.state, "connected", self.kr.connection_message)
        self.warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.stock = self.warehouse.lot_stock_id
        self.set_coalescing(0)
        self.products = self.add_items(3)
        self.kr.stock_push = True  # without a warehouse: the company's first one
        for product in self.products:
            self.set_stock(product, 10)
        self.run_cron()
        self.sandbox.clear_requests()

    # === helpers === #

    def set_coalescing(self, seconds):
        self.env["ir.config_parameter"].sudo().set_param(STOCK_COALESCING_PARAM, str(seconds))

    def add_items(self, count, account=None, first=0):
        """``count`` storable products, each the vendor item FIRST_ITEM + n on Coupang, mapped."""
        products = self.env["product.product"].create(
            [{"name": f"Green tea {first + n}", "is_storable": True} for n in range(count)]
        )
        for n, product in enumerate(products, start=first):
            item = (FIRST_ITEM + n, f"KR-TEA-{n}", f"880{n:010d}", f"녹차 {n}", [], 9900)
            self.sandbox.add_seller_product(FIRST_PRODUCT + n, f"녹차 {n}", [item])
            self.env["ec.product.mapping"].create(
                {"account_id": (account or self.kr).id, "vendor_item_id": str(FIRST_ITEM + n), "product_id": product.id}
            )
        return products

    def item(self, product):
        return str(FIRST_ITEM + self.products.ids.index(product.id)) if product in self.products else None

    def on_coupang(self, vendor_item_id):
        vendor_id = self.sandbox.demo_vendor.vendor_id
        return self.sandbox.catalog.vendor_item(vendor_id, "KR", vendor_item_id).maximum_buy_count

    def set_stock(self, product, quantity, location=None):
        location = location or self.stock
        on_hand = sum(self.env["stock.quant"]._gather(product, location, strict=True).mapped("quantity"))
        if quantity != on_hand:
            self.env["stock.quant"]._update_available_quantity(product, location, quantity - on_hand)

    def reserve(self, product, quantity):
        self.env["stock.quant"]._update_reserved_quantity(product, self.stock, quantity)

    def run_cron(self):
        return self.env["ec.stock.push"]._cron_send_stock()

    def calls(self):
        return [request for request in self.sandbox.requests if request.endpoint == "item_quantity"]

    def rows(self, account=None):
        return self.env["ec.stock.push"].search([("account_id", "=", (account or self.kr).id)])

    def row(self, product):
        return self.rows().filtered(lambda row: row.product_id == product)

    # === tests === #

    def test_setup_sent_each_item_once(self):
        self.assertEqual([self.on_coupang(self.item(product)) for product in self.products], [10, 10, 10])
        self.assertEqual(set(self.rows().mapped("state")), {"sent"})
        self.assertEqual(self.rows().mapped("sent_quantity"), [10, 10, 10])

    def test_a_change_queues_one_row_without_calling_coupang(self):
        self.set_coalescing(60)
        tea = self.products[0]
        self.set_stock(tea, 7)
        self.set_stock(tea, 6)
        self.assertEqual(self.calls(), [], "a change only marks the item")
        self.run_cron()
        self.assertEqual(self.calls(), [], "the item waits for the coalescing delay")
        row = self.row(tea)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.state, "pending")
        self.assertGreater(row.due_at, fields.Datetime.now() + timedelta(seconds=30))
        self.assertEqual(len(self.rows()), 3, "one row per item, the others unchanged")
        self.assertEqual(set((self.rows() - row).mapped("state")), {"sent"})

    def test_many_changes_of_one_item_give_one_call_with_the_last_value(self):
        tea = self.products[1]
        for quantity in (9, 3, 12, 5, 8):
            self.set_stock(tea, quantity)
            self.env["ec.stock.change"]._mark_products({tea.id})  # and a second mark of the same change
        self.run_cron()
        calls = self.calls()
        self.assertEqual(len(calls), 1)
        self.assertIn(f"/vendor-items/{self.item(tea)}/quantities/8", calls[0].path)
        self.assertEqual(self.on_coupang(self.item(tea)), 8)
        self.assertRecordValues(self.row(tea), [{"state": "sent", "sent_quantity": 8, "attempts": 0}])

    def test_free_quantity_less_reservations_and_safety_stock(self):
        tea, pot, cup = self.products
        self.reserve(tea, 4)
        self.kr.stock_safety = 3
        self.set_stock(cup, 2)
        self.run_cron()
        self.assertEqual(self.on_coupang(self.item(tea)), 3, "10 on hand, 4 reserved, 3 kept back")
        self.assertEqual(self.on_coupang(self.item(pot)), 7, "the safety stock applies to every item")
        self.assertEqual(self.on_coupang(self.item(cup)), 0, "never below 0")

    def test_only_the_chosen_warehouse_or_locations_count(self):
        tea = self.products[0]
        self.assertEqual(self.kr._stock_locations(), self.stock, "no warehouse chosen: the company's first")
        other = self.env["stock.warehouse"].create({"name": "Busan", "code": "BSN"})
        self.set_stock(tea, 50, other.lot_stock_id)
        self.run_cron()
        self.assertEqual(self.calls(), [], "another warehouse's stock does not change what is sent")
        self.assertEqual(self.on_coupang(self.item(tea)), 10)
        self.kr.stock_warehouse_id = other
        self.run_cron()
        self.assertEqual(self.on_coupang(self.item(tea)), 50)
        self.assertEqual(self.on_coupang(self.item(self.products[1])), 0)
        shelf = self.env["stock.location"].create({"name": "Shelf A", "location_id": self.stock.id})
        self.set_stock(tea, 4, shelf)
        self.kr.stock_location_ids = [Command.set(self.stock.ids)]
        self.run_cron()
        self.assertEqual(self.on_coupang(self.item(tea)), 14, "the location and its sublocations")
        self.assertEqual(self.on_coupang(self.item(self.products[1])), 10)

    def test_taiwan_is_refused_and_queues_nothing(self):
        taiwan = self.account
        self.assertFalse(taiwan.stock_offered)
        with self.assertRaisesText(ValidationError, "Korea only"):
            taiwan.stock_push = True
        with self.assertRaisesText(UserError, "Korea only"):
            taiwan.action_send_stock_now()
        self.env["ec.product.mapping"].create(
            {"account_id": taiwan.id, "vendor_item_id": str(FIRST_ITEM), "product_id": self.products[0].id}
        )
        self.set_stock(self.products[0], 2)
        self.run_cron()
        self.assertFalse(self.rows(taiwan))
        self.assertEqual([request.headers.get("x-market") for request in self.calls()], ["KR"], "the Korea item only")

    def test_a_transient_error_is_tried_again_then_sent(self):
        tea = self.products[2]
        self.sandbox.inject("item_quantity", "status", status=503)
        self.set_stock(tea, 4)
        self.run_cron()
        row = self.row(tea)
        self.assertRecordValues(row, [{"state": "pending", "attempts": 1, "sent_quantity": 10}])
        self.assertIn("tried again later", row.message)
        self.assertGreater(row.due_at, fields.Datetime.now())
        self.assertEqual(self.on_coupang(self.item(tea)), 10)
        self.run_cron()
        self.assertEqual(len(self.calls()), 1, "not before its pause")
        row.write({"due_at": fields.Datetime.now() - timedelta(seconds=1)})
        self.run_cron()
        self.assertEqual(len(self.calls()), 2)
        self.assertRecordValues(row, [{"state": "sent", "attempts": 0, "sent_quantity": 4, "message": False}])
        self.assertEqual(self.on_coupang(self.item(tea)), 4)

    def test_a_refused_item_fails_and_the_others_go(self):
        tea, pot = self.products[:2]
        self.sandbox.inject("item_quantity", "status", status=400)
        self.set_stock(tea, 1)
        self.set_stock(pot, 2)
        self.run_cron()
        states = sorted(self.rows().filtered(lambda row: row.product_id in tea | pot).mapped("state"))
        self.assertEqual(states, ["error", "sent"])

    def test_an_unchanged_value_is_not_sent_again(self):
        tea = self.products[0]
        self.set_stock(tea, 11)
        self.set_stock(tea, 10)
        self.run_cron()
        self.assertEqual(self.calls(), [])
        self.assertEqual(self.row(tea).state, "sent")

    def test_send_stock_now_is_for_managers_and_only_starts_the_cron(self):
        cron = self.env.ref(SEND_CRON)
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        decrypted = []
        account_class = type(self.env["ec.account"])
        read_key = account_class._get_coupang_secret_key
        self.patch(
            account_class, "_get_coupang_secret_key", lambda account: decrypted.append(account) or read_key(account)
        )
        with self.assertRaises(AccessError):
            self.kr.with_user(self.ec_user).action_send_stock_now()
        self.assertFalse(self.env["ec.stock.change"].search([]))
        manager = self.env["res.users"].create(
            {
                "name": "EC manager",
                "login": "ec_stock_manager",
                "groups_id": [Command.set([self.env.ref("ec_coupang.group_ec_manager").id])],
            }
        )
        self.kr.with_user(manager).action_send_stock_now()
        self.assertEqual(self.calls(), [], "no user waits on Coupang")
        self.assertEqual(decrypted, [], "nothing decrypted, for the plain user nor the manager")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.run_cron()
        self.assertTrue(decrypted, "the patch sees the scheduled action's decryption")
        self.assertEqual(len(self.calls()), 3, "every item again, even unchanged")
        self.run_cron()
        self.assertEqual(len(self.calls()), 3)

    def test_1000_quantity_changes_of_100_items_within_a_minute(self):
        """1000 quantity changes of 100 items within a minute become at most one call per item, the
        last value on the sandbox for each, 0 x 429."""
        self.set_coalescing(60)
        self.sandbox.rate_limit = 10  # Coupang's documented calls per second per vendor
        (self.account | self.kr).write({"coupang_rate_limit": 10.0})
        products = self.add_items(100, first=len(self.products))
        chance = random.Random(5)
        for _change in range(1000):
            product = chance.choice(products)
            if chance.random() < 0.2:
                self.reserve(product, 1)
            else:
                self.set_stock(product, chance.randint(0, 40))
        self.run_cron()
        self.assertEqual(self.calls(), [], "within the minute nothing is sent")
        rows = self.rows().filtered(lambda row: row.product_id in products)
        self.assertEqual(len(rows), 100)
        rows.write({"due_at": fields.Datetime.now() - timedelta(seconds=1)})  # the minute has passed
        self.run_cron()
        calls = self.calls()
        self.assertLessEqual(len(calls), 100)
        self.assertEqual(len({call.path for call in calls}), len(calls), "at most one call per item")
        self.assertEqual(self.sandbox.rate_limited_count, 0)
        free = self.kr._stock_to_send(products)
        for n, product in enumerate(products, start=len(self.products)):
            self.assertEqual(self.on_coupang(str(FIRST_ITEM + n)), free[product.id], product.name)
        self.assertEqual(set(rows.mapped("state")), {"sent"})

    def test_a_run_is_bounded_and_the_next_goes_on(self):
        for product in self.products:
            self.set_stock(product, 5)
        self.assertEqual(self.env["ec.stock.push"]._cron_send_stock(batch_size=2), 2)
        self.assertEqual(len(self.calls()), 2)
        self.assertEqual(self.env["ec.stock.push"]._cron_send_stock(time_budget=0), 0, "past its deadline")
        self.run_cron()
        self.assertEqual([self.on_coupang(self.item(product)) for product in self.products], [5, 5, 5])

    def test_the_daily_resync_sends_every_item_of_the_accounts_sending_stock(self):
        self.env["ec.stock.push"]._cron_resync_stock()
        self.run_cron()
        self.assertEqual(len(self.calls()), 3)
        self.kr.stock_push = False
        self.env["ec.stock.push"]._cron_resync_stock()
        self.run_cron()
        self.assertEqual(len(self.calls()), 3, "an account that stopped sending is left out")

    def test_three_calls_in_a_row_without_answer_leave_the_account_to_the_next_run(self):
        self.products |= self.add_items(1, first=3)
        for product in self.products:
            self.set_stock(product, 6)
        self.sandbox.inject("item_quantity", "status", status=503, times=1)
        self.run_cron()
        self.assertEqual(sorted(self.rows().mapped("state")), ["pending", "sent", "sent", "sent"], "the others go")
        self.assertEqual(sorted(self.rows().mapped("attempts")), [0, 0, 0, 1])
        for product in self.products:
            self.set_stock(product, 7)
        self.rows().write({"due_at": fields.Datetime.now() - timedelta(seconds=1)})
        self.sandbox.inject("item_quantity", "status", status=503, times=3)
        self.sandbox.clear_requests()
        self.run_cron()
        self.assertEqual(len(self.calls()), 3, "the fourth item waits for the next run")
        self.assertEqual(sorted(self.rows().mapped("state")), ["pending"] * 4)
        self.rows().write({"due_at": fields.Datetime.now() - timedelta(seconds=1)})
        self.run_cron()
        self.assertEqual([self.on_coupang(self.item(product)) for product in self.products], [7, 7, 7, 7])

    def test_a_mapping_moved_to_another_vendor_item_sends_its_stock_there(self):
        tea = self.products[0]
        moved = FIRST_ITEM + 50
        self.sandbox.add_seller_product(
            FIRST_PRODUCT + 50, "녹차 50", [(moved, "KR-TEA-50", "8800000000050", "녹차 50", [], 9900)]
        )
        mapping = self.row(tea).mapping_id
        mapping.vendor_item_id = str(moved)
        self.run_cron()
        self.assertEqual(
            [request.path.split("/vendor-items/")[1] for request in self.calls()],
            [f"{moved}/quantities/10"],
            "one call, to the vendor item now mapped, although the stock is unchanged",
        )
        self.assertEqual(self.on_coupang(str(moved)), 10)
        self.assertRecordValues(self.row(tea), [{"vendor_item_id": str(moved), "state": "sent", "sent_quantity": 10}])

    def test_another_company_does_not_see_the_stock_updates(self):
        other_company = self.env["res.company"].create({"name": "Other Warehouse Co."})
        manager = self.env["res.users"].create(
            {
                "name": "Other company's EC manager",
                "login": "ec_stock_other_manager",
                "company_id": other_company.id,
                "company_ids": [Command.set(other_company.ids)],
                "groups_id": [Command.set([self.env.ref("ec_coupang.group_ec_manager").id])],
            }
        )
        self.assertEqual(len(self.rows()), 3)
        self.assertFalse(self.env["ec.stock.push"].with_user(manager).search([]))

    def test_a_value_whose_answer_was_lost_is_sent_again_even_if_unchanged(self):
        tea = self.products[0]
        self.sandbox.inject("item_quantity", "truncated")  # Coupang takes 4, its answer is cut off
        self.set_stock(tea, 4)
        self.run_cron()
        self.assertEqual(self.on_coupang(self.item(tea)), 4)
        self.assertRecordValues(self.row(tea), [{"state": "pending", "attempts": 1, "sent_quantity": 10}])
        self.set_stock(tea, 10)  # back to the value Coupang took last, as far as Odoo knows
        self.row(tea).due_at = fields.Datetime.now() - timedelta(seconds=1)
        self.run_cron()
        self.assertEqual(len(self.calls()), 2)
        self.assertEqual(self.on_coupang(self.item(tea)), 10)
        self.assertRecordValues(self.row(tea), [{"state": "sent", "sent_quantity": 10, "force": False}])

    def test_an_account_of_another_company_counts_its_own_warehouse(self):
        branch = self.env["res.company"].create({"name": "Busan Tea"})
        self.env.user.company_ids |= branch
        self.kr.active = False  # one active account per Coupang store
        team = self.env["crm.team"].create({"name": "Coupang Busan", "company_id": branch.id})
        account = self._create_account(
            name="Coupang KR Busan", coupang_market="KR", company_id=branch.id, team_id=team.id
        )
        own = self.env["stock.warehouse"].search([("company_id", "=", branch.id)], limit=1)
        self.assertTrue(own)
        self.assertEqual(account._stock_locations(), own.lot_stock_id)
        with self.assertRaisesText(UserError, "Incompatible companies"):
            account.stock_warehouse_id = self.warehouse

    def test_an_item_failed_after_lost_answers_is_sent_again_at_its_next_change(self):
        tea = self.products[0]
        self.sandbox.inject("item_quantity", "truncated", times=None)  # Coupang takes 4, never answers
        self.set_stock(tea, 4)
        self.run_cron()
        row = self.row(tea)
        for _try in range(7):
            row.due_at = fields.Datetime.now() - timedelta(seconds=1)
            self.run_cron()
        self.assertRecordValues(row, [{"state": "error", "attempts": 8, "sent_quantity": 10}])
        self.sandbox.clear_faults()
        self.set_stock(tea, 10)
        self.run_cron()
        self.assertEqual(self.on_coupang(self.item(tea)), 10, "sent although Odoo last saw 10 taken")
        self.assertEqual(row.state, "sent")
