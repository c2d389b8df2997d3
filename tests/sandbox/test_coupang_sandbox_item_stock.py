"""The sandbox's vendor item stock, price and sale status calls: paths, refusals and the Korea-only
mark, over raw signed HTTP (Coupang docs: product-api)."""

import pytest
from test_coupang_sandbox import call

from coupang_sandbox import SKU_CATALOGUE, CoupangSandbox
from coupang_sandbox.api import NOT_IN_REGION

ITEM_PATH = "/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{item}"
TEA = SKU_CATALOGUE[0].vendor_item_id


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=71, tw_orders=0, kr_orders=0) as server:
        yield server


def item_call(sandbox, method, tail, query="", market="KR", item=TEA):
    return call(sandbox, method, ITEM_PATH.format(item=item) + tail, query, market=market)


@pytest.mark.parametrize(
    ("method", "tail"),
    [("GET", "/inventories"), ("PUT", "/quantities/1"), ("PUT", "/prices/450"), ("PUT", "/sales/stop"),
     ("PUT", "/sales/resume")],
)  # fmt: skip
def test_taiwan_is_refused_as_for_other_korea_only_calls(sandbox, method, tail):
    answer = item_call(sandbox, method, tail, market="TW")
    assert (answer.status_code, answer.json()["message"]) == (400, NOT_IN_REGION.format(market="TW"))
    assert sandbox.catalog.vendor_item("A00012345", "KR", TEA).maximum_buy_count == 9999


def test_the_lookup_answers_the_documented_fields(sandbox):
    body = item_call(sandbox, "GET", "/inventories").json()
    assert body == {
        "code": "SUCCESS",
        "message": "",
        "data": {
            "sellerItemId": TEA,
            "amountInStock": 9999,
            "salePrice": 18000,
            "onSale": True,
            "bestPriceGuaranteed3P": False,
        },
    }


@pytest.mark.parametrize(
    ("tail", "query", "message"),
    [
        ("/quantities/-1", "", "Invalid quantity: -1"),
        ("/quantities/2.5", "", "Invalid quantity: 2.5"),
        ("/prices/0", "", "Invalid price: 0"),
        ("/prices/abc", "", "Invalid price: abc"),
        ("/prices/450", "forceSalePriceUpdate=yes", "Invalid forceSalePriceUpdate: yes"),
    ],
)
def test_bad_values_are_refused(sandbox, tail, query, message):
    answer = item_call(sandbox, "PUT", tail, query)
    assert (answer.status_code, answer.json()["message"]) == (400, message)


def test_another_vendors_item_is_not_found(sandbox):
    sandbox.catalog.products[SKU_CATALOGUE[0].seller_product_id].vendor_id = "A00067890"
    answer = item_call(sandbox, "PUT", "/quantities/1")
    assert (answer.status_code, answer.json()["message"]) == (400, f"vendorItemId ({TEA}) is not found.")
