"""Property-based tests of the order import with malformed Coupang order sheets.

Pages of order sheets mix good orders with broken ones (missing fields, wrong types, huge ids,
unknown SKUs, negative quantities, garbage money objects) and with junk that is not an order at
all. They go through what the fetch does with each page it reads: the client's reading of the
page's rows, then the import of the page. Every good order must become its confirmed sale order,
every other row must be kept for review with a reason and its raw data, and the page must never
stop half-way.
"""

import json
from contextlib import closing
from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coupang_sandbox import DEMO_VENDOR_ID, SKU_CATALOGUE
from coupang_sandbox.data import OrderFactory
from coupang_sandbox.render import Renderer
from odoo.addons.ec_coupang.coupang import parse_order_sheets
from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.tests import tagged

from .common import EcCoupangCase

ANCHOR = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)
BOX_BASE = 730000000000000000  # 18 digits, like Coupang's shipmentBoxIds since 2024-11
RENDERER = Renderer("v5", "TWD", "TW")
MONEY_FIELDS = ("salesPrice", "orderPrice", "discountPrice", "instantCouponDiscount", "coupangDiscount")
COUNT_FIELDS = ("shippingCount", "cancelCount", "holdCountForCancel")
REQUIRED_PATHS = (
    ("shipmentBoxId",),
    ("orderId",),
    ("status",),
    ("orderItems",),
    ("orderer",),
    ("receiver",),
    ("orderItems", 0, "vendorItemId"),
    ("orderItems", 0, "shippingCount"),
    ("orderItems", 0, "orderPrice"),
    ("orderItems", 0, "externalVendorSkuCode"),
)
TYPED_PATHS = (
    *REQUIRED_PATHS,
    ("orderedAt",),
    ("shippingPrice",),
    ("receiver", "addr1"),
    ("receiver", "name"),
    ("orderer", "safeNumber"),
    ("orderItems", 0, "salesPrice"),
    ("orderItems", 0, "cancelCount"),
)

junk_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
)
garbage_money = st.one_of(
    junk_values,
    st.fixed_dictionaries(
        {"currencyCode": st.one_of(st.just("TWD"), junk_values), "units": junk_values, "nanos": junk_values}
    ),
)


def set_path(raw, path, value=None, delete=False):
    """Sets (or deletes) ``raw[path...]``; a path through a missing or non-container part changes nothing."""
    container = raw
    for key in path[:-1]:
        try:
            container = container[key]
        except (KeyError, IndexError, TypeError):
            return
    if delete:
        if isinstance(container, dict):
            container.pop(path[-1], None)
    elif isinstance(container, dict | list) and (isinstance(container, dict) or path[-1] < len(container)):
        container[path[-1]] = value


MUTATIONS = ("missing", "wrong_type", "huge_id", "unknown_sku", "negative", "money")


@st.composite
def mutations(draw, kind):
    """A way Coupang (or a broken proxy) could get a sheet wrong, as a function of the raw sheet."""
    if kind == "missing":
        path = draw(st.sampled_from(REQUIRED_PATHS))
        return kind, lambda raw, index: set_path(raw, path, delete=True)
    if kind == "wrong_type":
        path, value = draw(st.sampled_from(TYPED_PATHS)), draw(junk_values)
        return kind, lambda raw, index: set_path(raw, path, value)
    if kind == "huge_id":
        field, digits = draw(st.sampled_from(("shipmentBoxId", "orderId", "vendorItemId"))), draw(st.integers(19, 40))
        path = ("orderItems", 0, field) if field == "vendorItemId" else (field,)
        return kind, lambda raw, index: set_path(raw, path, 10**digits + index)
    if kind == "unknown_sku":
        sku = draw(st.text(min_size=1, max_size=10).filter(lambda text: text not in {i.sku for i in SKU_CATALOGUE}))

        def unknown(raw, index):
            set_path(raw, ("orderItems", 0, "externalVendorSkuCode"), sku)
            set_path(raw, ("orderItems", 0, "vendorItemId"), 90000000000 + index)

        return kind, unknown
    if kind == "negative":
        field, value = draw(st.sampled_from(COUNT_FIELDS)), draw(st.integers(max_value=-1))
        return kind, lambda raw, index: set_path(raw, ("orderItems", 0, field), value)
    field, value = draw(st.sampled_from((*MONEY_FIELDS, "shippingPrice"))), draw(garbage_money)
    path = (field,) if field == "shippingPrice" else ("orderItems", 0, field)
    return kind, lambda raw, index: set_path(raw, path, value)


good_rows = st.tuples(st.just("good"), st.integers(0, 2**32), st.none())
junk_rows = st.tuples(st.just("junk"), junk_values, st.none())


def broken_rows(kind):
    return st.tuples(st.just("broken"), st.integers(0, 2**32), mutations(kind))


@st.composite
def pages(draw):
    """A page holding a good order, a sheet broken in each way and junk, plus a few rows of any kind,
    in any order."""
    rows = [draw(good_rows), draw(junk_rows), *(draw(broken_rows(kind)) for kind in MUTATIONS)]
    extra = st.one_of(good_rows, junk_rows, st.sampled_from(MUTATIONS).flatmap(broken_rows))
    rows += draw(st.lists(extra, max_size=3))
    return draw(st.permutations(rows))


def good_order(seed, index):
    """A sandbox order (1-3 items of the catalogue) in preparation (INSTRUCT), with its rendered sheet."""
    order = OrderFactory(seed, ANCHOR, lambda value: False).order(DEMO_VENDOR_ID, "TW", status="INSTRUCT")
    order.shipment_box_id = BOX_BASE + index
    return order, RENDERER.order(order)


def canonical(value):
    """A value as stored JSON compares: NaN equal to NaN, keys in order, non-JSON types as text."""
    return json.dumps(json.loads(json.dumps(value, ensure_ascii=False, default=str)), sort_keys=True)


@tagged("post_install", "-at_install")
class TestImportProperties(EcCoupangCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Taipei"
        cls.env.ref("base.TWD").active = True
        cls.products = {
            item.sku: cls.env["product.product"].create(
                {"name": item.name_zh, "default_code": item.sku, "is_storable": True}
            )
            for item in SKU_CATALOGUE
        }

    def setUp(self):
        super().setUp()
        self.configure_locations()
        self.run = self.enterContext(CoupangRun.for_button(self.account).connected())
        self.importer = self.run.env["ec.coupang.importer"]

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(page=pages())
    def test_each_sheet_of_a_page_is_imported_or_kept_with_its_reason(self, page):
        with closing(self.env.cr.savepoint()):
            self.check_page(page)
        self.env.invalidate_all()

    def test_a_wrong_sku_never_changes_the_products_of_another_sheet(self):
        order, raw = good_order(1, 0)
        _same_item, wrong = good_order(1, 1)
        wrong["orderItems"][0]["externalVendorSkuCode"] = None  # the same vendor item, its SKU lost
        log = self.importer.env["ec.fetch.log"].create({"account_id": self.account.id, "trigger": "manual"})
        self.importer._import_sheets(self.run.with_log(log), parse_order_sheets([raw, wrong], "TW"))
        sale = self.env["sale.order"].search([("ec_account_id", "=", self.account.id)])
        self.assertEqual(sale.mapped("coupang_shipment_box_id"), [str(order.shipment_box_id)])
        self.assert_imported(sale, order)
        kept = self.env["ec.order.import"].search([("account_id", "=", self.account.id)])
        self.assertEqual(kept.mapped("state"), ["held"])

    def check_page(self, page):
        raws, good = [], {}
        for index, (kind, value, mutation) in enumerate(page):
            if kind == "junk":
                raws.append(value)
                continue
            order, raw = good_order(value, index)
            if mutation:
                mutation[1](raw, index)
            else:
                good[str(order.shipment_box_id)] = order
            raws.append(raw)
        log = self.importer.env["ec.fetch.log"].create({"account_id": self.account.id, "trigger": "manual"})
        sheets = parse_order_sheets(raws, "TW")
        self.assertEqual(len(sheets), len(raws), "one sheet, readable or not, for each row of the page")
        self.importer._import_sheets(self.run.with_log(log), sheets)

        orders = self.env["sale.order"].search([("ec_account_id", "=", self.account.id)])
        by_box = {order.coupang_shipment_box_id: order for order in orders}
        kept = self.env["ec.order.import"].search([("account_id", "=", self.account.id)])
        for box_id, order in good.items():
            self.assert_imported(by_box.get(box_id), order)
        for raw in raws:
            self.assert_has_outcome(raw, by_box, kept)
        self.assertEqual(len(orders), len(set(orders.mapped("coupang_shipment_box_id"))), "no box imported twice")

    def assert_imported(self, sale, order):
        self.assertTrue(sale, f"the good order {order.shipment_box_id} was imported")
        self.assertEqual(sale.state, "sale")
        expected = {}
        for line in order.lines:
            product = self.products[line.external_vendor_sku_code]
            expected[product] = expected.get(product, 0) + line.shipping_count
        lines = sale.order_line.filtered(lambda line: line.product_id in self.products.values())
        self.assertEqual({line.product_id: line.product_uom_qty for line in lines}, expected)
        total = sum((line.order_price - line.discount_price for line in order.lines), Decimal(0))
        self.assertAlmostEqual(sale.amount_total, float(total + order.shipping_price), places=2)

    def assert_has_outcome(self, raw, by_box, kept):
        """The row became a sale order, or is kept with its raw data and a reason, never both."""
        box_id = raw.get("shipmentBoxId") if isinstance(raw, dict) else None
        sale = by_box.get(str(box_id)) if isinstance(box_id, int) and not isinstance(box_id, bool) else None
        stored = kept.filtered(
            lambda record: record.payload and canonical(json.loads(record.payload)) == canonical(raw)
        )
        waiting = stored.filtered(lambda record: record.state in ("held", "failed"))
        if sale:
            self.assertFalse(waiting, f"box {box_id} was imported and is still kept for review")
            return
        self.assertTrue(waiting, f"row neither imported nor kept for review: {canonical(raw)[:300]}")
        for record in waiting:
            self.assertTrue(record.reason, "a kept row says why it was not imported")
            if not isinstance(raw, dict):
                self.assertIn("could not be read", record.reason)
