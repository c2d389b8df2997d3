"""The sandbox's seller cancel: the page's errorSpec, word for word, over raw signed HTTP (Coupang
docs: delivery-api/instruct-cancel)."""

import pytest
from test_coupang_sandbox import call

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.data import DEMO_WING_USER_ID
from coupang_sandbox.gateway import INVALID_VENDOR_ID

CANCEL_PATH = "/v2/providers/openapi/apis/api/v5/vendors/{vendor}/orders/{order_id}/cancel"
TEA, CUP = 80012340001, 80012340006


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=53, tw_orders=0, kr_orders=0) as server:
        yield server


@pytest.fixture
def order(sandbox):
    return sandbox.add_order("TW", status="INSTRUCT", items=[("CP-TEA-001", 2), ("CP-CUP-001", 1)])


def seller_cancel(sandbox, order, vendor="A00012345", **changes):
    body = {
        "orderId": order.order_id,
        "vendorItemIds": [TEA, CUP],
        "receiptCounts": [1, 1],
        "bigCancelCode": "CANERR",
        "middleCancelCode": "CCTTER",
        "vendorId": "A00012345",
        "userId": DEMO_WING_USER_ID,
        **changes,
    }
    body = {name: value for name, value in body.items() if value is not None}
    return call(sandbox, "POST", CANCEL_PATH.format(vendor=vendor, order_id=order.order_id), body=body)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"orderId": None}, "주문 ID를 입력해 주세요."),
        ({"orderId": 0}, "주문 ID를 입력해 주세요."),
        ({"vendorItemIds": []}, "취소할 벤더아이템 아이디 목록을 입력해주세요."),
        ({"receiptCounts": []}, "취소할 아이탬 개수 목록을 입력해주세요."),
        ({"receiptCounts": [1]}, "요청한 상품 개수와 취소 개수를 확인해주세요."),
        ({"receiptCounts": [1, 0]}, "취소할 아이탬 개수 목록을 입력해주세요."),
        ({"receiptCounts": [1, -1]}, "취소할 아이탬 개수 목록을 입력해주세요."),
        ({"bigCancelCode": None}, "취소사유 대분류 코드를 입력해주세요."),
        ({"bigCancelCode": "CANCEL"}, "취소사유 대분류 코드를 확인해 주세요."),
        ({"middleCancelCode": None}, "취소사유 중분류 코드를 입력해주세요."),
        ({"middleCancelCode": "SOLDOUT"}, "취소사유 중분류 코드를 확인해 주세요."),
        ({"vendorId": "A00067890"}, "업체 ID를 입력해주세요."),
        ({"userId": "teashop02"}, "업체 ID에 맞는 올바른 유저 ID를 입력해주세요."),
        ({"userId": None}, "업체 ID에 맞는 올바른 유저 ID를 입력해주세요."),
        ({"vendorItemIds": [TEA, TEA]}, "요청한 상품 개수와 취소 개수를 확인해주세요."),
        ({"vendorItemIds": [99, 98]}, "주문 정보가 없습니다."),
        ({"receiptCounts": [3, 2]}, "취소 가능한 개수보다 요청한 개수가 더 많습니다."),
    ],
)
def test_refusals_of_the_errorspec(sandbox, order, changes, message):
    answer = seller_cancel(sandbox, order, **changes)
    assert (answer.status_code, answer.json()["message"]) == (400, message)
    assert [line.cancel_count for line in order.lines] == [0, 0]
    assert not sandbox.returns.receipts


def test_the_answer_names_its_receipt_and_the_items_that_failed(sandbox, order):
    body = seller_cancel(sandbox, order, receiptCounts=[3, 1]).json()
    assert (body["code"], body["message"]) == ("PARTIAL", f"[{TEA}]<= 취소 가능한 개수보다 요청한 개수가 더 많습니다.")
    receipt_id = body["data"]["receiptMap"]["receiptId"]
    assert body["data"] == {
        "receiptMap": {
            "receiptId": receipt_id,
            "receiptType": "STOP_SHIPMENT",
            "vendorItemIds": [CUP],
            "totalCount": 1,
        },
        "orderId": order.order_id,
        "failedVendorItemIds": [TEA],
    }
    assert [line.cancel_count for line in order.lines] == [0, 1]


def test_another_vendors_order_is_not_found(sandbox, order):
    order.vendor_id = "A00067890"
    answer = seller_cancel(sandbox, order)
    assert (answer.status_code, answer.json()["message"]) == (400, "주문 정보가 없습니다.")


def test_the_paths_vendor_is_the_keys(sandbox, order):
    answer = seller_cancel(sandbox, order, vendor="A00067890")
    assert (answer.status_code, answer.json()["message"]) == (400, INVALID_VENDOR_ID)


def test_an_order_of_the_other_market_is_not_found(sandbox):
    kr_order = sandbox.add_order("KR", status="INSTRUCT", items=[("CP-TEA-001", 2), ("CP-CUP-001", 1)])
    answer = seller_cancel(sandbox, kr_order)
    assert (answer.status_code, answer.json()["message"]) == (400, "주문 정보가 없습니다.")
