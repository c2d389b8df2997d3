"""A vendor item's stock, price and sale status on Coupang (Korea), over real HTTP against the
in-process Coupang sandbox (Coupang docs: product-api)."""

from decimal import Decimal

import pytest
from test_coupang_returns_client import carried_out, make_client

from coupang_sandbox import SKU_CATALOGUE, CoupangSandbox
from coupang_sandbox.api import ITEM_ALREADY_STOPPED
from ec_coupang.coupang import (
    ItemInventory,
    MalformedResponseError,
    Money,
    NotAvailableInMarketError,
    RequestRejectedError,
    ServiceUnavailableError,
)

TEA, POT = str(SKU_CATALOGUE[0].vendor_item_id), str(SKU_CATALOGUE[4].vendor_item_id)


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=67, tw_orders=0, kr_orders=0) as server:
        yield server


@pytest.fixture
def client(sandbox):
    with make_client(sandbox) as coupang:
        yield coupang


def test_an_items_stock_price_and_sale_status(sandbox, client):
    assert client.get_item_inventory(TEA) == ItemInventory(TEA, 9999, Money(Decimal(18000), "KRW"), True, False)
    assert (
        sandbox.requests[0].path == f"/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{TEA}/inventories"
    )


def test_the_stock_is_set_one_item_a_call_and_the_last_value_kept(sandbox, client):
    assert client.set_item_quantity(TEA, 5).message == "재고 변경을 완료했습니다."
    client.set_item_quantity(TEA, 3)
    client.set_item_quantity(POT, 0)
    assert [client.get_item_inventory(item).amount_in_stock for item in (TEA, POT)] == [3, 0]
    assert [request.path.rpartition("/quantities/")[2] for request in sandbox.requests_to("item_quantity")] == [
        "5",
        "3",
        "0",
    ]
    product = client.get_seller_product(SKU_CATALOGUE[0].seller_product_id)
    assert [item.maximum_buy_count for item in product.items] == [3]
    assert client.get_item_inventory(str(SKU_CATALOGUE[1].vendor_item_id)).amount_in_stock == 9999


@pytest.mark.parametrize("quantity", [-1, 2.5, True, "3"])
def test_a_stock_is_a_whole_number_checked_before_any_call(sandbox, client, quantity):
    with pytest.raises(ValueError, match="whole number"):
        client.set_item_quantity(TEA, quantity)
    assert sandbox.requests == []


def test_a_price_moves_at_most_half_down_or_twice_up_unless_forced(sandbox, client):
    client.set_item_price(TEA, 9000)
    client.set_item_price(TEA, 18000)
    with pytest.raises(RequestRejectedError, match="최대 50% 인하/최대 100%인상까지 변경가능합니다") as caught:
        client.set_item_price(TEA, 36010)
    assert caught.value.status == 400
    assert client.get_item_inventory(TEA).sale_price == Money(Decimal(18000), "KRW")
    assert client.set_item_price(TEA, 50000, force=True).message == "가격 변경을 완료했습니다."
    assert sandbox.requests_to("item_price")[-1].params == {"forceSalePriceUpdate": "true"}
    assert client.get_item_inventory(TEA).sale_price == Money(Decimal(50000), "KRW")


@pytest.mark.parametrize("price", [0, -100, 99.5])
def test_a_price_is_a_whole_amount_above_0(sandbox, client, price):
    with pytest.raises(ValueError, match="whole amount"):
        client.set_item_price(TEA, price)
    assert sandbox.requests == []


def test_the_sale_is_stopped_and_resumed(sandbox, client):
    assert client.stop_item_sale(TEA).message == "판매 중지 처리되었습니다."
    assert client.get_item_inventory(TEA).on_sale is False
    with pytest.raises(RequestRejectedError, match=ITEM_ALREADY_STOPPED):
        client.stop_item_sale(TEA)
    assert client.resume_item_sale(TEA).message == "판매가 재개되었습니다."
    assert client.get_item_inventory(TEA).on_sale is True


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda client: client.get_item_inventory(TEA), "item_inventory"),
        (lambda client: client.set_item_quantity(TEA, 1), "item_quantity"),
        (lambda client: client.set_item_price(TEA, 450), "item_price"),
        (lambda client: client.stop_item_sale(TEA), "item_sale_status"),
        (lambda client: client.resume_item_sale(TEA), "item_sale_status"),
    ],
)
def test_taiwan_stores_get_no_stock_price_or_sale_status_call(sandbox, call, name):
    with make_client(sandbox, "TW") as tw_client, pytest.raises(NotAvailableInMarketError) as caught:
        call(tw_client)
    assert caught.value.params == {"call": name, "market": "TW"}
    assert sandbox.requests == []


def test_an_item_not_approved_or_unknown_is_not_found(sandbox, client):
    sandbox.add_seller_product(13570300, "임시", [(80012340301, "CP-TMP", "", "옵션", [], 1000)], status="SAVED")
    for item in ("80012340301", "123"):
        with pytest.raises(RequestRejectedError, match=rf"vendorItemId \({item}\) is not found"):
            client.set_item_quantity(item, 1)


def test_a_rate_limited_change_is_sent_again_and_carried_out_once(sandbox):
    """Coupang's 429 comes before the change is made (technical FAQ 429): after its pause the change
    is sent again, and made once."""
    sandbox.rate_limit = 2
    item = SKU_CATALOGUE[1].vendor_item_id
    with make_client(sandbox) as client:
        client.set_item_quantity(TEA, 7)
        client.set_item_quantity(POT, 7)
        client.set_item_quantity(str(item), 7)
    assert [request.status for request in sandbox.requests_to("item_quantity")] == [200, 200, 429, 200]
    assert sandbox.rate_limited_count == 1
    assert sandbox.catalog.vendor_item("A00012345", "KR", item).maximum_buy_count == 7


@pytest.mark.parametrize(("kind", "options"), [("delay", {"seconds": 1.0}), ("truncated", {})])
def test_a_lost_answer_shows_in_the_stock_read_again(sandbox, kind, options):
    sandbox.inject("item_quantity", kind, **options)
    with make_client(sandbox, timeout=(1, 0.5)) as client:
        with pytest.raises((ServiceUnavailableError, MalformedResponseError)) as caught:
            client.set_item_quantity(TEA, 4)
        assert caught.value.transient
        assert carried_out(sandbox, "item_quantity") == 200
        assert client.get_item_inventory(TEA).amount_in_stock == 4
    assert len(sandbox.requests_to("item_quantity")) == 1
