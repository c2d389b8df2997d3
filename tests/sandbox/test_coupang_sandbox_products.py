"""The sandbox's products: documented paths, parameters, shapes and refusals, over raw signed HTTP
(Coupang docs: product-api/lookup-seller-product-list-paging, lookup-seller-product)."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from test_coupang_sandbox import call

from coupang_sandbox import SKU_CATALOGUE, CoupangSandbox
from coupang_sandbox.api import INVALID_NEXT_TOKEN, MISSING_PARAMETERS, NOT_IN_REGION
from coupang_sandbox.gateway import INVALID_VENDOR_ID

KST = timezone(timedelta(hours=9))
PRODUCTS_PATH = "/v2/providers/seller_api/apis/api/v1/marketplace/seller-products"
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
# The list row's fields (Coupang docs: product-api/lookup-seller-product-list-paging, its sample).
ROW_FIELDS = {
    "sellerProductId",
    "sellerProductName",
    "displayCategoryCode",
    "categoryId",
    "productId",
    "vendorId",
    "mdId",
    "mdName",
    "saleStartedAt",
    "saleEndedAt",
    "brand",
    "statusName",
    "createdAt",
}
DOCUMENTED_STATUS_NAMES = {"임시저장중", "임시저장", "승인대기중", "승인완료", "부분승인완료", "승인반려", "상품삭제"}


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=43, now=datetime(2026, 3, 16, 4, 0, tzinfo=timezone.utc)) as server:
        yield server


def products(sandbox, query="vendorId=A00012345", market="TW"):
    return call(sandbox, "GET", PRODUCTS_PATH, query, market=market)


def test_the_list_answers_the_documented_rows_in_the_markets_language(sandbox):
    for market, name in (("TW", "高山烏龍茶"), ("KR", "대만 고산 우롱차")):
        body = products(sandbox, market=market).json()
        assert (body["code"], body["message"], body["nextToken"]) == ("SUCCESS", "", "")
        row = body["data"][0]
        assert set(row) == ROW_FIELDS
        assert (row["sellerProductId"], row["sellerProductName"]) == (SKU_CATALOGUE[0].seller_product_id, name)
        assert row["statusName"] in DOCUMENTED_STATUS_NAMES
        assert LOCAL_TIME.match(row["createdAt"]) and LOCAL_TIME.match(row["saleStartedAt"])


def test_pages_of_10_rows_by_default_100_at_most_the_next_token_a_page_number(sandbox):
    for index in range(105):
        sandbox.add_seller_product(20000000 + index, "상품", [(90000000 + index, f"SKU-{index}", "", "옵션", [], 1)])
    first = products(sandbox).json()
    assert (len(first["data"]), first["nextToken"]) == (10, "2")
    big = products(sandbox, "vendorId=A00012345&maxPerPage=500").json()
    assert (len(big["data"]), big["nextToken"]) == (100, "2")
    last = products(sandbox, "vendorId=A00012345&maxPerPage=100&nextToken=2").json()
    assert (len(last["data"]), last["nextToken"]) == (13, "")
    assert products(sandbox, "vendorId=A00012345&nextToken=1").json()["data"] == first["data"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", MISSING_PARAMETERS),
        ("vendorId=A00099999", INVALID_VENDOR_ID),
        ("vendorId=A00012345&nextToken=abc", INVALID_NEXT_TOKEN),
        ("vendorId=A00012345&nextToken=0", INVALID_NEXT_TOKEN),
        ("vendorId=A00012345&status=SELLING", "Invalid status"),
        ("vendorId=A00012345&createdAt=2026-03-16", "Invalid date format"),
        ("vendorId=A00012345&createdAt=2026-03-16T12:00", "Invalid date format"),
    ],
)
def test_list_refusals(sandbox, query, message):
    answer = products(sandbox, query)
    assert answer.status_code == 400
    assert message in answer.json()["message"]


@pytest.mark.parametrize(
    ("market", "created_at", "found"),
    [
        ("KR", "2026-03-10T15:00:00", True),
        ("KR", "2026-03-10T15:00:01", False),
        ("KR", "2026-03-09T15:00:01", True),
        ("KR", "2026-03-09T15:00:00", False),
        ("TW", "2026-03-10T14:00:00", True),
        ("TW", "2026-03-10T15:00:00", False),
    ],
)
def test_created_at_reads_the_24_hours_from_its_second_in_the_markets_time(sandbox, market, created_at, found):
    moment = datetime(2026, 3, 10, 15, 0, tzinfo=KST)
    sandbox.add_seller_product(30000001, "신상품", [(90000001, "SKU-NEW", "", "옵션", [], 1)], created_at=moment)
    rows = products(sandbox, f"vendorId=A00012345&createdAt={created_at}", market=market).json()["data"]
    assert [row["sellerProductId"] for row in rows] == ([30000001] if found else [])


def test_one_product_with_its_items(sandbox):
    product_id = SKU_CATALOGUE[0].seller_product_id
    body = call(sandbox, "GET", f"{PRODUCTS_PATH}/{product_id}", market="KR").json()
    (item,) = body["data"]["items"]
    assert (item["vendorItemId"], item["externalVendorSku"]) == (SKU_CATALOGUE[0].vendor_item_id, "CP-TEA-001")
    assert item["attributes"] == [
        {"attributeTypeName": "용량", "attributeValueName": "150g", "exposed": "EXPOSED", "editable": False}
    ]


def test_one_product_is_served_in_korea_only(sandbox):
    answer = call(sandbox, "GET", f"{PRODUCTS_PATH}/{SKU_CATALOGUE[0].seller_product_id}", market="TW")
    assert (answer.status_code, answer.json()["message"]) == (400, NOT_IN_REGION.format(market="TW"))


def test_another_vendors_product_is_not_found(sandbox):
    sandbox.catalog.products[SKU_CATALOGUE[0].seller_product_id].vendor_id = "A00067890"
    answer = call(sandbox, "GET", f"{PRODUCTS_PATH}/{SKU_CATALOGUE[0].seller_product_id}", market="KR")
    assert answer.status_code == 400 and "is not found" in answer.json()["message"]
