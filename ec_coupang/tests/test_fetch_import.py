import math
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta, timezone
from decimal import Decimal
from unittest.mock import patch

from odoo.addons.ec_coupang.const import DEFER_RESERVATION, REQUEST_LISTS
from odoo.tests import tagged
from odoo.tools import mute_logger

from .fetch_common import OUTBOUND_PLACE_HOME, RETURN_CENTER_FAMILYMART, RETURN_CENTER_SEVEN_ELEVEN, EcFetchCase

# What the note linking a delivery to its sale order holds (mail.message_origin_link).
ORIGIN_LINK = 'data-oe-model="sale.order"'


@tagged("post_install", "-at_install")
class TestFetchImport(EcFetchCase):
    def test_to_ship_orders_become_confirmed_sale_orders(self):
        to_ship = self.sandbox_orders()
        shipped = self.sandbox_orders(statuses=("DEPARTURE",))
        self.assertTrue(to_ship and shipped, "the seeded sandbox holds orders to ship and shipped ones")
        log = self.fetch()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(to_ship))
        self.assertEqual((log.count_read, log.count_created), (len(to_ship), len(to_ship)))
        order = self.sale_order(to_ship[0])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.company_id, self.account.company_id)
        self.assertEqual(order.team_id, self.account.team_id)
        self.assertEqual(order.coupang_order_id, str(to_ship[0].order_id))
        self.assertEqual(order.currency_id.name, "TWD")
        self.assertEqual(order.picking_ids.state, "confirmed")
        self.assertEqual(order.coupang_status, "INSTRUCT")
        self.assertEqual(order.date_order, to_ship[0].ordered_at.astimezone(timezone.utc).replace(tzinfo=None))
        self.assertEqual(
            sorted(order.order_line.filtered("coupang_vendor_item_id").mapped("product_id.default_code")),
            sorted(line.external_vendor_sku_code for line in to_ship[0].lines),
        )

    def test_accept_boxes_are_acknowledged_in_batches_and_read_again_from_the_instruct_list(self):
        new = self.sandbox_orders(statuses=("ACCEPT",))
        in_preparation = self.sandbox_orders(statuses=("INSTRUCT",))
        self.fetch()
        acknowledged = [
            str(box_id)
            for request in self.sandbox.requests_to("acknowledge")
            for box_id in request.json["shipmentBoxIds"]
        ]
        self.assertEqual(sorted(acknowledged), sorted(self.box_ids(new)))
        self.assertFalse(self.box_ids(in_preparation) & set(acknowledged))
        self.assertTrue(
            all(len(request.json["shipmentBoxIds"]) <= 50 for request in self.sandbox.requests_to("acknowledge"))
        )
        # Read again after the acknowledgement: each order comes from a sheet Coupang gave as INSTRUCT,
        # which only a list read after the acknowledgement holds.
        self.assertEqual({self.sale_order(order).coupang_status for order in new}, {"INSTRUCT"})
        statuses = [request.params.get("status") for request in self.sandbox.requests_to("order_sheets")]
        last_acknowledgement = max(
            index for index, request in enumerate(self.sandbox.requests) if request.endpoint == "acknowledge"
        )
        self.assertTrue(
            any(
                request.endpoint == "order_sheets" and request.params["status"] == "INSTRUCT"
                for request in self.sandbox.requests[last_acknowledgement:]
            )
        )
        self.assertEqual(statuses, sorted(statuses), "every ACCEPT page before the INSTRUCT list")
        self.assertFalse(self.sandbox.requests_to("order_sheet"), "no box is read on its own")
        self.assertTrue(all(self.sandbox.order(order.shipment_box_id).status == "INSTRUCT" for order in new))

    def test_a_buyer_ordering_again_gets_the_same_contacts_unless_they_differ(self):
        self.clear_sandbox_orders()
        first, again, elsewhere = (self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(3))
        for order in (again, elsewhere):
            order.orderer, order.receiver = dict(first.orderer), dict(first.receiver)
        elsewhere.receiver["addr2"] = "5F-2"
        log = self.fetch()
        self.assertEqual(log.count_created, 3)
        first_order, again_order, elsewhere_order = (self.sale_order(order) for order in (first, again, elsewhere))
        customer, address = first_order.partner_id, first_order.partner_shipping_id
        self.assertEqual((again_order.partner_id, again_order.partner_shipping_id), (customer, address))
        self.assertEqual(elsewhere_order.partner_id, customer)
        self.assertEqual(elsewhere_order.partner_shipping_id.parent_id, customer)
        self.assertEqual(elsewhere_order.partner_shipping_id.street2, "5F-2")
        self.assertNotEqual(elsewhere_order.partner_shipping_id, address)

        # A contact the user changed is never reused, nor changed back.
        customer.phone = "0912000000"
        ordered_at = log.window_to.replace(tzinfo=timezone.utc) - timedelta(minutes=10)
        later = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)], ordered_at=ordered_at)
        later.orderer, later.receiver = dict(first.orderer), dict(first.receiver)
        self.assertEqual(self.fetch().count_created, 1)
        later_order = self.sale_order(later)
        self.assertNotEqual(later_order.partner_id, customer)
        self.assertEqual(later_order.partner_id.phone, first.orderer["safeNumber"])
        self.assertEqual(customer.phone, "0912000000")

    def test_address_changed_before_acknowledgement_is_used(self):
        self.clear_sandbox_orders()
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        Importer = type(self.env["ec.coupang.importer"])
        acknowledge = Importer._acknowledge

        def buyer_moves_then_acknowledge(importer, client, box_ids):
            # The list was read with the old address; the buyer changes it before the acknowledgement.
            self.sandbox.change_address(
                order.shipment_box_id, addr1="臺中市北屯區崇德路二段88號", addr2="3樓", postCode="406"
            )
            return acknowledge(importer, client, box_ids)

        with patch.object(Importer, "_acknowledge", buyer_moves_then_acknowledge):
            self.fetch()
        shipping = self.sale_order(order).partner_shipping_id
        self.assertEqual(
            (shipping.street, shipping.street2, shipping.zip), ("臺中市北屯區崇德路二段88號", "3樓", "406")
        )

    def test_mixed_delivery_types_get_their_location(self):
        self.clear_sandbox_orders()
        seven = self.sandbox.add_order(delivery="seven_eleven", items=[("CP-TEA-002", 1)])
        family = self.sandbox.add_order(delivery="familymart", items=[("CP-TEA-003", 1)])
        home = self.sandbox.add_order(delivery="home", items=[("CP-TEA-004", 1)], status="INSTRUCT")
        self.fetch()
        expected = [
            (seven, "seven_eleven", RETURN_CENTER_SEVEN_ELEVEN),
            (family, "familymart", RETURN_CENTER_FAMILYMART),
            (home, "home", OUTBOUND_PLACE_HOME),
        ]
        for order, kind, location_code in expected:
            sale_order = self.sale_order(order)
            self.assertEqual(sale_order.ec_delivery_kind, kind)
            self.assertEqual(sale_order.ec_location_id.code, location_code)
        store_order = self.sale_order(seven)
        store_id = seven.receiver["addr1"].split("店號 ")[1].rstrip(")")
        self.assertEqual(store_order.ec_store_code, store_id)
        self.assertTrue(store_order.ec_store_name.endswith("門市"))
        self.assertEqual(store_order.partner_shipping_id.street, f"7-ELEVEN {store_order.ec_store_name} #{store_id}")
        self.assertEqual(store_order.partner_shipping_id.street2, seven.receiver["addr2"])
        self.assertTrue(self.sale_order(family).partner_shipping_id.street.startswith("FamilyMart "))
        self.assertEqual(self.sale_order(home).partner_shipping_id.street, home.receiver["addr1"])
        self.assertFalse(self.sale_order(home).ec_store_code)

    def _order_with_discounts(self, tea_price, cups_price, instant, download, coupang):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 2), ("CP-CUP-001", 1)])
        tea, cups = order.lines
        tea.sales_price, cups.sales_price = tea_price, cups_price
        tea.instant_coupon_discount, tea.coupang_discount, tea.downloadable_coupon_discount = instant, coupang, 0
        cups.instant_coupon_discount, cups.coupang_discount, cups.downloadable_coupon_discount = 0, 0, download
        order.shipping_price = Decimal(100)
        return order

    def test_amounts_reproduced_to_the_cent(self):
        self.clear_sandbox_orders()
        order = self._order_with_discounts(Decimal(450), Decimal(199), Decimal(90), Decimal(10), Decimal(45))
        tax = self.env["account.tax"].create(
            {"name": "VAT 5% included", "amount": 5, "type_tax_use": "sale", "price_include_override": "tax_included"}
        )
        self.account.order_tax_id = tax
        self.fetch()
        sale_order = self.sale_order(order)
        # 2 x 450 - 90 - 45 + 199 - 10 + 100
        self.assertEqual(sale_order.amount_total, 1054.0)
        self.assertTrue(sale_order.amount_tax)
        lines = {line.name: line.price_total for line in sale_order.order_line if not line.coupang_vendor_item_id}
        self.assertEqual(
            lines,
            {
                "Coupang instant coupon": -90.0,
                "Coupang download coupon": -10.0,
                "Coupang discount (funded by Coupang)": -45.0,
                "Coupang shipping fee": 100.0,
            },
        )
        self.assertEqual(set(sale_order.order_line.tax_id), {tax})

    def test_amounts_in_cents_need_a_currency_in_cents(self):
        self.clear_sandbox_orders()
        order = self._order_with_discounts(
            Decimal("450.25"), Decimal("199.99"), Decimal("90.05"), Decimal("10.01"), Decimal("45.50")
        )
        self.fetch()
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(order.shipment_box_id))])
        self.assertEqual(kept.state, "failed")
        self.assertIn("1054.93", kept.reason)
        self.assertIn("rounding", kept.reason)
        self.assertEqual(kept.reason_code, "total_differs", "stored as a code, read in the reader's language")
        self.assertFalse(self.sale_order(order))
        self.env.ref("base.TWD").rounding = 0.01
        kept.action_retry()
        self.assertEqual(kept.state, "done")
        self.assertEqual(kept.sale_order_id.amount_total, 1054.93)

    def test_without_tax_lines_carry_none(self):
        self.clear_sandbox_orders()
        order = self.sandbox.add_order(delivery="seven_eleven", items=[("CP-TEA-004", 1)])
        self.fetch()
        sale_order = self.sale_order(order)
        self.assertFalse(sale_order.order_line.tax_id)
        expected = sum(line.sales_price - line.discount_price for line in order.lines) + order.shipping_price
        self.assertEqual(sale_order.amount_total, float(expected))

    def test_paging_reads_every_page(self):
        self.clear_sandbox_orders()
        orders = [self.sandbox.add_order(items=[("CP-SNK-001", 1)]) for _ in range(12)]
        with patch.object(type(self.env["ec.coupang.importer"]), "_fetch_page_size", return_value=5):
            log = self.fetch()
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(orders))
        pages = [
            request for request in self.sandbox.requests_to("order_sheets") if request.params["status"] == "ACCEPT"
        ]
        self.assertEqual(len(pages), 3)
        self.assertTrue(pages[1].params["nextToken"] and pages[2].params["nextToken"])
        self.assertEqual((log.count_read, log.count_created), (12, 12))

    def test_running_again_imports_nothing_new(self):
        first = self.fetch()
        imported = Counter(self.imported_box_ids())
        self.assertTrue(first.count_created)
        second = self.fetch()
        self.assertEqual(Counter(self.imported_box_ids()), imported)
        self.assertEqual(second.count_created, 0)
        self.assertEqual(second.count_existing, second.count_read)
        self.assertEqual(second.state, "done")

    def test_watermark_and_overlap(self):
        self.clear_sandbox_orders()
        self.assertFalse(self.account.last_fetch_watermark)
        first = self.fetch()
        self.assertEqual(self.account.last_fetch_watermark, first.window_to)
        self.assertEqual(first.window_to - first.window_from, timedelta(days=7))
        # Listed late: created before the last run's end, it only shows up now.
        late = self.sandbox.add_order(
            items=[("CP-TEA-001", 1)], ordered_at=first.window_to.replace(tzinfo=timezone.utc) - timedelta(minutes=10)
        )
        second = self.fetch()
        self.assertEqual(second.window_from, first.window_to - timedelta(minutes=30))
        self.assertTrue(self.sale_order(late))
        self.assertEqual(second.count_created, 1)

    def test_account_of_another_company_imports_into_it(self):
        branch = self.env["res.company"].create({"name": "Kaohsiung Tea", "currency_id": self.env.ref("base.TWD").id})
        team = self.env["crm.team"].create({"name": "Coupang Kaohsiung", "company_id": branch.id})
        store = self.add_store()
        account = self._create_account(store, name="Coupang TW Kaohsiung", company_id=branch.id, team_id=team.id)
        account.action_test_connection()
        self.configure_locations(account)
        self.clear_sandbox_orders()
        order = self.sandbox.add_order(delivery="familymart", items=[("CP-TEA-001", 1)], vendor_id=store.vendor_id)
        self.fetch(account)
        sale_order = self.sale_order(order, account)
        self.assertEqual(sale_order.company_id, branch)
        self.assertEqual(sale_order.team_id, team)
        self.assertEqual(sale_order.warehouse_id.company_id, branch)
        self.assertEqual(sale_order.picking_ids.company_id, branch)
        self.assertEqual(sale_order.partner_id.company_id, branch)
        self.assertEqual(sale_order.pricelist_id.currency_id, branch.currency_id)

    def test_korean_orders_in_won_with_the_remote_area_fee(self):
        self.env.ref("base.KRW").active = True
        self.account.coupang_market = "KR"
        self.account.action_test_connection()
        jeju = self.sandbox.add_order("KR", items=[("CP-TEA-001", 1)])
        jeju.remote_price, jeju.remote_area = Decimal(3000), True
        korean = self.sandbox.orders(market="KR")
        to_ship = [order for order in korean if order.status in ("ACCEPT", "INSTRUCT")]
        self.assertTrue(to_ship)
        self.fetch()
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(to_ship))
        for order in to_ship:
            sale_order = self.sale_order(order)
            self.assertEqual(sale_order.currency_id.name, "KRW")
            self.assertEqual(sale_order.ec_delivery_kind, "home")
            self.assertEqual(sale_order.partner_shipping_id.country_id.code, "KR")
            expected = sum(line.order_price - line.discount_price for line in order.lines)
            expected += order.shipping_price + (order.remote_price or 0)
            self.assertEqual(sale_order.amount_total, float(expected))
            remote_lines = sale_order.order_line.filtered(lambda line: line.name == "Coupang remote area fee")
            self.assertEqual(remote_lines.price_total, float(order.remote_price or 0))


@tagged("post_install", "-at_install")
class TestFetchByPage(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()

    @contextmanager
    def creates_of(self, model):
        """The values lists given to ``create`` of ``model`` meanwhile, one per call."""
        Model = type(self.env[model])
        create = Model.create
        calls = []

        def recorded(records, vals_list):
            calls.append(vals_list)
            return create(records, vals_list)

        with patch.object(Model, "create", recorded):
            yield calls

    @staticmethod
    def failing_on(bad, model, method_name, reason):
        """(a patch of ``model``'s ``method_name``(account, sheet, ...) raising ``reason`` for the box
        ``bad``, {box id: calls})."""
        method = getattr(model, method_name)
        tries = Counter()

        def failing_on_one(record, account, sheet, *args):
            tries[sheet.shipment_box_id] += 1
            if sheet.shipment_box_id == bad:
                raise ValueError(reason)
            return method(record, account, sheet, *args)

        return patch.object(model, method_name, failing_on_one), tries

    def test_new_orders_cost_three_requests_per_fifty(self):
        orders = self.sandbox.generate_orders(60, "TW", ordered_at=self.sandbox.now() - timedelta(hours=1))
        self.sandbox.clear_requests()
        log = self.fetch()
        self.assertEqual((log.state, log.count_read, log.count_created), ("done", 60, 60), log.summary)
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(orders))
        endpoints = Counter(request.endpoint for request in self.sandbox.requests)
        # The requests check that ends the account's first fetch reads each list it follows twice
        # (one empty page each): the first days by day, the last hours by minute.
        self.assertEqual(endpoints.pop("return_requests"), 2 * len(REQUEST_LISTS))
        # ACCEPT pages, acknowledgements in batches of 50, INSTRUCT pages: 3 x ceil(60 / 50).
        self.assertEqual(endpoints, Counter({"order_sheets": 4, "acknowledge": 2}))
        self.assertEqual(endpoints.total(), 3 * math.ceil(60 / 50))

    def test_the_next_fetch_reads_the_minutes_since_the_watermark_not_the_days_open_orders(self):
        now = self.sandbox.now()
        self.sandbox.generate_orders(60, "TW", ordered_at=now - timedelta(hours=3))
        first = self.fetch()
        self.assertEqual(first.count_created, 60, first.summary)
        first_lists = self.sandbox.requests_to("order_sheets")
        self.assertNotIn("timeFrame", {request.params.get("searchType") for request in first_lists})
        new = self.sandbox.add_order(items=[("CP-TEA-001", 1)], ordered_at=now)
        self.sandbox.clear_requests()
        log = self.fetch()
        self.assertEqual((log.state, log.count_read, log.count_created), ("done", 1, 1), log.summary)
        self.assertTrue(self.sale_order(new))
        lists = self.sandbox.requests_to("order_sheets")
        # ACCEPT and INSTRUCT, each one call a market day of the window (two across midnight).
        self.assertLessEqual(len(lists), 4)
        self.assertEqual({request.params.get("searchType") for request in lists}, {"timeFrame"})
        self.assertEqual({request.status for request in lists}, {200})
        self.assertFalse(self.sandbox.requests_to("order_sheet"), "no open order is read again")

    def test_a_fetch_after_a_long_pause_reads_by_day(self):
        self.fetch()
        self.account.last_fetch_watermark -= timedelta(days=8)
        self.sandbox.clear_requests()
        self.assertEqual(self.fetch().state, "done")
        lists = self.sandbox.requests_to("order_sheets")
        self.assertTrue(lists)
        self.assertNotIn("timeFrame", {request.params.get("searchType") for request in lists})

    def test_a_page_is_created_and_confirmed_together(self):
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(4)]
        Mapper = type(self.env["ec.coupang.order.mapper"])
        create_sale_orders = Mapper._create_sale_orders
        pages = []

        def counted(mapper, account, ready):
            pages.append(len(ready))
            return create_sale_orders(mapper, account, ready)

        with patch.object(Mapper, "_create_sale_orders", counted):
            log = self.fetch()
        self.assertEqual(pages, [4])
        self.assertEqual(log.count_created, 4)
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(orders))

    def test_a_page_subscribes_its_customers_together_as_odoo_confirming_each_order_would(self):
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(3)]
        with self.creates_of("mail.followers") as calls:
            self.assertEqual(self.fetch().count_created, 3)
        inserts = [
            {(values["res_model"], values.get("res_id"), values["partner_id"]) for values in call} for call in calls
        ]
        imported = [self.sale_order(order) for order in orders]
        customers = {("sale.order", order.id, order.partner_id.id) for order in imported}
        self.assertEqual([insert & customers for insert in inserts if insert & customers], [customers])

        # The same followers, with the same subtypes, as a sale order confirmed straight through the ORM.
        reference = self.env["sale.order"].create(
            {
                "partner_id": imported[0].partner_id.id,
                "order_line": [(0, 0, {"product_id": imported[0].order_line[0].product_id.id})],
            }
        )
        reference.action_confirm()
        expected = reference.message_follower_ids.filtered(lambda follower: follower.partner_id == reference.partner_id)
        self.assertTrue(expected.subtype_ids)
        for order in imported:
            self.assertIn(order.partner_id, order.message_partner_ids)
            follower = order.message_follower_ids.filtered(
                lambda follower, order=order: follower.partner_id == order.partner_id
            )
            self.assertEqual(follower.subtype_ids, expected.subtype_ids)

    def test_a_page_logs_its_deliveries_notes_together_as_odoo_logs_them_one_by_one(self):
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(3)]
        with self.creates_of("mail.message") as calls:
            self.assertEqual(self.fetch().count_created, 3)
        imported = [self.sale_order(order) for order in orders]
        pickings = [order.picking_ids for order in imported]
        self.assertEqual([len(picking) for picking in pickings], [1, 1, 1])
        # One insert of the deliveries' creation notes, then one of the notes linking them to their orders.
        inserts = [{values["res_id"] for values in call if values["model"] == "stock.picking"} for call in calls]
        picking_ids = {picking.id for picking in pickings}
        self.assertEqual([insert for insert in inserts if insert], [picking_ids, picking_ids])

        # The notes Odoo logs on the delivery of a sale order confirmed straight through the ORM.
        reference = self.env["sale.order"].create(
            {
                "partner_id": imported[0].partner_id.id,
                "order_line": [(0, 0, {"product_id": imported[0].order_line[0].product_id.id})],
            }
        )
        reference.action_confirm()
        expected = reference.picking_ids.message_ids.sorted("id")
        self.assertEqual(len(expected), 2)
        self.assertIn(ORIGIN_LINK, expected[1].body)
        # The same notes, in the same order, by the same author, to no one. The note linking the delivery
        # to its order is logged as Odoo logs notes in batch (_message_log_batch): seen by internal users
        # only, as its subtype is internal, and without a parent message.
        fields = ["message_type", "subtype_id", "author_id", "model", "partner_ids", "notification_ids"]
        for order, picking in zip(imported, pickings, strict=True):
            notes = picking.message_ids.sorted("id")
            self.assertEqual(
                [{**values, "id": False} for values in notes.read(fields)],
                [{**values, "id": False} for values in expected.read(fields)],
            )
            self.assertEqual(notes[0].body, expected[0].body)
            body = str(expected[1].body).replace(reference.name, order.name)
            self.assertEqual(
                str(notes[1].body), body.replace(f'data-oe-id="{reference.id}"', f'data-oe-id="{order.id}"')
            )

    def test_a_page_is_sorted_out_together_and_looks_its_currency_and_pricelist_up_once(self):
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(4)]
        Importer, Mapper = type(self.env["ec.coupang.importer"]), type(self.env["ec.coupang.order.mapper"])
        calls = Counter()

        def counted(model, name):
            method = getattr(model, name)

            def call(*args, **kwargs):
                calls[name] += 1
                return method(*args, **kwargs)

            return patch.object(model, name, call)

        with (
            counted(Importer, "_serialized"),
            counted(Mapper, "_currency_of"),
            counted(Mapper, "_find_or_create_pricelist"),
        ):
            log = self.fetch()
        self.assertEqual((log.state, log.count_created), ("done", 4), log.summary)
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(orders))
        # The ACCEPT page, then the INSTRUCT page: each sorted out in one step, with one currency lookup;
        # the orders of the INSTRUCT page created together, with one currency and pricelist lookup.
        self.assertEqual(calls, Counter({"_serialized": 2, "_currency_of": 3, "_find_or_create_pricelist": 1}))

    def test_a_box_that_fails_its_sorting_out_is_kept_and_the_others_of_its_page_are_imported(self):
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(4)]
        bad = str(orders[1].shipment_box_id)
        Importer = type(self.env["ec.coupang.importer"])
        failing, tries = self.failing_on(bad, Importer, "_hold_reason", "This box cannot be sorted out.")
        with failing, mute_logger("odoo.addons.ec_coupang"):
            log = self.fetch()
        self.assertEqual((log.count_created, log.count_failed, log.state), (3, 1, "partial"), log.summary)
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(orders) - {bad})
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", bad)])
        self.assertEqual((kept.state, kept.reason), ("failed", "ValueError: This box cannot be sorted out."))
        self.assertEqual(tries[bad], 2, "tried with its page, then on its own")
        self.assertEqual(self.sandbox.order(bad).status, "ACCEPT", "not acknowledged")

    def test_an_order_needing_the_deleted_shipping_fee_product_is_kept_for_review(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        self.assertTrue(order.shipping_price, "the order has a shipping fee line")
        self.env.ref("ec_coupang.product_coupang_shipping_fee").unlink()
        with mute_logger("odoo.addons.ec_coupang"):
            log = self.fetch()
        self.assertEqual((log.count_created, log.count_failed), (0, 1), log.summary)
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", str(order.shipment_box_id))])
        self.assertEqual(kept.state, "failed")
        self.assertIn("was deleted. Upgrade the Coupang module.", kept.reason)

    def test_each_page_reserves_its_deliveries_with_its_orders(self):
        self.put_in_stock()
        Importer = type(self.env["ec.coupang.importer"])
        self.patch(Importer, "_fetch_page_size", lambda importer: 2)
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(6)]
        create_page = Importer._create_page
        pages = []

        def recorded(importer, run, ready):
            create_page(importer, run, ready)
            box_ids = [str(sheet.shipment_box_id) for sheet, _products in ready]
            pickings = importer.env["sale.order"].search([("coupang_shipment_box_id", "in", box_ids)]).picking_ids
            pages.append(pickings.mapped("state"))

        with patch.object(Importer, "_create_page", recorded):
            log = self.fetch()
        self.assertEqual((log.state, log.count_created), ("done", 6), log.summary)
        self.assertEqual(pages, [["assigned"] * 2] * 3, "reserved as each page is created")
        sale_orders = self.env["sale.order"].union(*(self.sale_order(order) for order in orders))
        self.assertEqual(set(sale_orders.mapped("state")), {"sale"})
        self.assertFalse(sale_orders.picking_ids.message_ids.tracking_value_ids, "as reserved on creation")

    def test_a_delivery_that_cannot_be_reserved_keeps_its_order_and_the_others_are_reserved(self):
        self.put_in_stock()
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(3)]
        bad = str(orders[1].shipment_box_id)
        Move = type(self.env["stock.move"])
        action_assign = Move._action_assign

        def failing_on_one(moves, force_qty=False):
            deferred = moves.env.context.get(DEFER_RESERVATION)
            if not deferred and bad in moves.picking_id.sale_id.mapped("coupang_shipment_box_id"):
                raise ValueError("This delivery cannot be reserved.")
            return action_assign(moves, force_qty=force_qty)

        with patch.object(Move, "_action_assign", failing_on_one), mute_logger("odoo.addons.ec_coupang"):
            log = self.fetch()
        self.assertEqual((log.state, log.count_created, log.count_failed), ("done", 3, 0), log.summary)
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(orders))
        states = {str(order.shipment_box_id): self.sale_order(order).picking_ids.state for order in orders}
        self.assertEqual(states.pop(bad), "confirmed", "left for Odoo's scheduler or Check Availability")
        self.assertEqual(set(states.values()), {"assigned"})
        self.assertEqual(self.sale_order(orders[1]).state, "sale")

    def test_one_bad_order_sends_its_page_order_by_order(self):
        orders = [self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)]) for _ in range(4)]
        bad = str(orders[2].shipment_box_id)
        Mapper = type(self.env["ec.coupang.order.mapper"])
        failing, tries = self.failing_on(bad, Mapper, "_prepare_sale_order_values", "This order cannot be imported.")
        with failing, mute_logger("odoo.addons.ec_coupang"):
            log = self.fetch()
        self.assertEqual((log.count_created, log.count_failed, log.state), (3, 1, "partial"))
        self.assertEqual(set(self.imported_box_ids()), self.box_ids(orders) - {bad})
        kept = self.env["ec.order.import"].search([("shipment_box_id", "=", bad)])
        self.assertEqual((kept.state, kept.reason), ("failed", "ValueError: This order cannot be imported."))
        self.assertEqual(tries[bad], 2, "tried with its page, then on its own")
        self.assertEqual(len(tries), 4)
        self.assertEqual(self.env["sale.order"].search_count([("coupang_shipment_box_id", "=", bad)]), 0)
