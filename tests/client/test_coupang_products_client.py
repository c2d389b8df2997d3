"""The client's reading of the store's products, over real HTTP against the in-process Coupang sandbox."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from test_coupang_returns_client import make_client

from coupang_sandbox import SKU_CATALOGUE, CoupangSandbox
from coupang_sandbox.products import render_product_row
from ec_coupang.coupang import (
    ItemAttribute,
    Money,
    NotAvailableInMarketError,
    OversizedPageError,
    RepeatedPageTokenError,
    RequestRejectedError,
    SellerProduct,
    TooManyPagesError,
    UnreadableSellerProduct,
    parse_seller_products,
)

KST, TWT = timezone(timedelta(hours=9)), timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 16, 4, 0, tzinfo=timezone.utc)
CATALOGUE_IDS = [str(line.seller_product_id) for line in SKU_CATALOGUE]


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=41, now=NOW, tw_orders=0, kr_orders=0) as server:
        yield server


@pytest.fixture
def client(sandbox):
    with make_client(sandbox) as coupang:
        yield coupang


@pytest.fixture
def tw_client(sandbox):
    with make_client(sandbox, "TW") as coupang:
        yield coupang


def product_ids(products):
    return [product.seller_product_id for product in products]


# --- the list ---


@pytest.mark.parametrize("market", ["KR", "TW"])
def test_the_list_pages_with_next_token_in_both_markets(sandbox, market):
    with make_client(sandbox, market) as client:
        products = list(client.iter_seller_products(max_per_page=3))
    assert product_ids(products) == CATALOGUE_IDS
    requests = sandbox.requests_to("seller_products")
    assert [request.params.get("nextToken") for request in requests] == [None, "2", "3"]
    assert all(
        request.params["vendorId"] == "A00012345" and request.params["maxPerPage"] == "3" for request in requests
    )
    first = products[0]
    assert first.name == ("高山烏龍茶" if market == "TW" else "대만 고산 우롱차")
    assert (first.status, first.status_name, first.items) == ("APPROVED", "승인완료", ())
    assert first.created_at.utcoffset() == (TWT if market == "TW" else KST).utcoffset(None)


def test_the_list_takes_100_rows_a_page_and_a_status(sandbox, client):
    sandbox.add_seller_product(13579999, "임시 상품", [(None, "CP-NEW-001", "", "옵션", [], 1000)], status="SAVED")
    assert product_ids(client.iter_seller_products(status="SAVED")) == ["13579999"]
    assert product_ids(client.iter_seller_products()) == [*CATALOGUE_IDS, "13579999"]
    assert [request.params for request in sandbox.requests_to("seller_products")][-1] == {
        "vendorId": "A00012345",
        "maxPerPage": "100",
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [({"max_per_page": 101}, "1 to 100"), ({"max_per_page": 0}, "1 to 100"), ({"status": "승인완료"}, "status")],
)
def test_list_arguments_are_checked_before_any_call(sandbox, client, options, message):
    with pytest.raises(ValueError, match=message):
        client.iter_seller_products(**options)
    assert sandbox.requests == []


def test_products_created_since_are_read_24_hours_a_call_in_the_markets_time(sandbox, tw_client):
    newest = sandbox.catalog.products[SKU_CATALOGUE[-1].seller_product_id].created_at
    since = newest - timedelta(hours=30)
    products = list(tw_client.iter_seller_products_created(since, newest + timedelta(seconds=1)))
    assert product_ids(products) == [CATALOGUE_IDS[-1]]
    windows = [request.params["createdAt"] for request in sandbox.requests_to("seller_products")]
    local_since = since.astimezone(TWT).replace(tzinfo=None)
    assert windows == [
        local_since.strftime("%Y-%m-%dT%H:%M:%S"),
        (local_since + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S"),
    ]


def test_a_product_created_on_a_windows_last_second_is_read_once(sandbox, client):
    since = datetime(2026, 3, 10, 0, 0, tzinfo=KST)
    for offset, product_id in ((timedelta(days=1) - timedelta(seconds=1), 1), (timedelta(days=1), 2)):
        sandbox.add_seller_product(product_id, "상품", [(900 + product_id, f"SKU-{product_id}", "", "옵션", [], 10)],
                                   created_at=since + offset, markets=("KR",))  # fmt: skip
    assert product_ids(client.iter_seller_products_created(since, since + timedelta(days=2))) == ["1", "2"]


def test_lists_by_creation_take_aware_datetimes(sandbox, client):
    with pytest.raises(ValueError, match="aware"):
        client.iter_seller_products_created(datetime(2026, 3, 1), NOW)
    assert sandbox.requests == []


# --- one product with its vendor items ---


def test_one_product_with_its_vendor_items(sandbox, client):
    sandbox.add_seller_product(
        13570100,
        "우롱차 세트",
        [
            (
                80012340101,
                "CP-SET-150",
                "8801234567893",
                "우롱차 세트 150g",
                [("용량", "150g"), ("수량", "2개")],
                30000,
            ),
            (80012340102, "CP-SET-300", "", "우롱차 세트 300g", [("용량", "300g")], 52000),
        ],
    )
    product = client.get_seller_product(13570100)
    assert (product.seller_product_id, product.name, product.status) == ("13570100", "우롱차 세트", "APPROVED")
    first, second = product.items
    assert (first.vendor_item_id, first.external_vendor_sku, first.barcode) == (
        "80012340101",
        "CP-SET-150",
        "8801234567893",
    )
    assert first.attributes == (ItemAttribute("용량", "150g"), ItemAttribute("수량", "2개"))
    assert first.options == "용량: 150g, 수량: 2개"
    assert first.sale_price == Money(Decimal(30000), "KRW")
    assert (second.item_name, second.barcode, second.options) == ("우롱차 세트 300g", "", "용량: 300g")
    assert first.seller_product_item_id != second.seller_product_item_id


def test_an_unapproved_products_items_have_no_vendor_item_id(sandbox, client):
    sandbox.add_seller_product(13570200, "임시", [(80012340201, "CP-TMP", "", "임시 옵션", [], 1)], status="SAVED")
    (item,) = client.get_seller_product(13570200).items
    assert (item.vendor_item_id, item.external_vendor_sku) == ("", "CP-TMP")


def test_an_unknown_product_is_refused(sandbox, client):
    with pytest.raises(RequestRejectedError, match=r"sellerProductId \(404\) is not found") as caught:
        client.get_seller_product(404)
    assert caught.value.status == 400


def test_taiwan_stores_cannot_read_one_product(sandbox, tw_client):
    with pytest.raises(NotAvailableInMarketError) as caught:
        tw_client.get_seller_product(SKU_CATALOGUE[0].seller_product_id)
    assert caught.value.params == {"call": "seller_product", "market": "TW"}
    assert sandbox.requests == []


# --- paging's bounds and broken rows ---


def test_a_repeated_next_token_ends_the_product_list(sandbox, client):
    sandbox.inject("seller_products", "repeated_token", times=None)
    with pytest.raises(RepeatedPageTokenError) as caught:
        list(client.iter_seller_products(max_per_page=3))
    assert caught.value.pages == 2
    assert len(sandbox.requests_to("seller_products")) == 2


def test_endless_product_pages_end_at_the_bound(sandbox):
    sandbox.inject("seller_products", "endless_pages", times=None)
    with make_client(sandbox, max_pages=5) as client, pytest.raises(TooManyPagesError) as caught:
        list(client.iter_seller_products(max_per_page=3))
    assert caught.value.pages == 5
    assert len(sandbox.requests_to("seller_products")) == 5


def test_an_oversized_product_page_is_refused_with_its_rows_kept(sandbox, client):
    sandbox.inject("seller_products", "oversized_page")
    with pytest.raises(OversizedPageError) as caught:
        list(client.iter_seller_products(max_per_page=3))
    assert (caught.value.asked, caught.value.received) == (3, 8)
    assert [row.seller_product_id for row in caught.value.rows] == CATALOGUE_IDS
    assert all(isinstance(row, UnreadableSellerProduct) for row in caught.value.rows)


def test_a_broken_product_row_does_not_hide_the_others(sandbox):
    rows = [render_product_row(product, "KR") for product in sandbox.catalog.listed("A00012345", "KR")[:3]]
    rows[1]["sellerProductId"] = "13-57"
    products = parse_seller_products([rows[0], rows[1], None, rows[2]], "KR")
    assert [type(product) for product in products] == [
        SellerProduct,
        UnreadableSellerProduct,
        UnreadableSellerProduct,
        SellerProduct,
    ]
    assert products[1].raw is rows[1] and products[1].reason.code == "unreadable_product"
    assert products[2].seller_product_id.startswith("unreadable-")


def test_an_unknown_status_name_is_kept_without_a_code(sandbox):
    row = render_product_row(sandbox.catalog.listed("A00012345", "KR")[0], "KR")
    (product,) = parse_seller_products([{**row, "statusName": "판매중지"}], "KR")
    assert (product.status, product.status_name) == ("", "판매중지")
