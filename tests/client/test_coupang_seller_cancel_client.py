"""The seller's cancel of an order's units, over real HTTP against the in-process Coupang sandbox
(Coupang docs: delivery-api/instruct-cancel)."""

import pytest
from test_coupang_returns_client import TWO_ITEMS, carried_out, listed, make_client

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.data import DEMO_WING_USER_ID
from ec_coupang.coupang import (
    MalformedResponseError,
    RequestRejectedError,
    SellerCancel,
    ServiceUnavailableError,
)

TEA, POT = "80012340001", "80012340005"


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=47, tw_orders=0, kr_orders=0) as server:
        yield server


@pytest.fixture
def client(sandbox):
    with make_client(sandbox) as coupang:
        yield coupang


def cancel(client, order, counts, reason="CCTTER"):
    return client.cancel_order_items(order.order_id, counts, reason=reason, user_id=DEMO_WING_USER_ID)


def open_units(client, order):
    return {item.vendor_item_id: item.quantity_to_ship for item in client.get_order_sheet(order.shipment_box_id).items}


def test_an_accept_box_is_canceled_at_once_and_whole(sandbox, client):
    order = sandbox.add_order("KR", items=TWO_ITEMS)
    result = cancel(client, order, {TEA: 2, POT: 1}, reason="CCPRER")
    assert result == SellerCancel(
        order_id=str(order.order_id),
        result_code="SUCCESS",
        message="",
        receipt_id=result.receipt_id,
        receipt_type="CANCEL",
        vendor_item_ids=(TEA, POT),
        total_count=3,
        failed_vendor_item_ids=(),
    )
    assert client.get_order_sheet(order.shipment_box_id).is_fully_canceled
    (receipt,) = listed(sandbox, client, cancel_type="CANCEL")
    assert (receipt.receipt_id, receipt.receipt_status, receipt.cancel_count_sum) == (
        result.receipt_id,
        "RETURNS_COMPLETED",
        3,
    )
    assert sandbox.returns.answers == {(int(result.receipt_id), "seller_cancel"): 1}


def test_an_accept_box_is_not_canceled_in_part(sandbox, client):
    order = sandbox.add_order("KR", items=TWO_ITEMS)
    for counts in ({TEA: 2}, {TEA: 1, POT: 1}):
        with pytest.raises(RequestRejectedError, match="부분 취소는 불가능합니다") as caught:
            cancel(client, order, counts)
        assert caught.value.status == 400
    assert open_units(client, order) == {TEA: 2, POT: 1}
    assert not sandbox.returns.answers


def test_an_instruct_boxs_units_are_stopped_in_part(sandbox, client):
    order = sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS)
    result = cancel(client, order, {TEA: 1})
    assert (result.result_code, result.receipt_type, result.vendor_item_ids, result.total_count) == (
        "SUCCESS",
        "STOP_SHIPMENT",
        (TEA,),
        1,
    )
    sheet = client.get_order_sheet(order.shipment_box_id)
    assert sheet.status == "INSTRUCT" and {item.vendor_item_id: item.cancel_count for item in sheet.items} == {
        TEA: 1,
        POT: 0,
    }
    (receipt,) = [
        request for request in listed(sandbox, client, status="CC") if request.receipt_id == result.receipt_id
    ]
    assert (receipt.release_stop_status, receipt.reason_category, receipt.reason_detail) == (
        "처리(출고중지)",
        "배송불만",
        "품절",
    )
    assert receipt.reason == "파트너 API 강제 취소"


def test_units_a_buyers_request_holds_cannot_be_canceled_again(sandbox, client):
    order = sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS)
    sandbox.buyer_cancel(order.shipment_box_id, {TEA: 2})
    with pytest.raises(RequestRejectedError, match="취소 가능한 개수보다 요청한 개수가 더 많습니다"):
        cancel(client, order, {TEA: 1})
    assert cancel(client, order, {POT: 1}).vendor_item_ids == (POT,)
    assert open_units(client, order) == {TEA: 0, POT: 0}


def test_a_cancel_is_answered_once(sandbox, client):
    order = sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS)
    first = cancel(client, order, {TEA: 2, POT: 1})
    with pytest.raises(RequestRejectedError, match="취소 가능한 개수보다 요청한 개수가 더 많습니다"):
        cancel(client, order, {TEA: 2, POT: 1})
    assert sandbox.returns.answers == {(int(first.receipt_id), "seller_cancel"): 1}
    assert client.get_order_sheet(order.shipment_box_id).is_fully_canceled


def test_items_that_cannot_be_canceled_fail_apart(sandbox, client):
    order = sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS)
    result = cancel(client, order, {TEA: 3, POT: 1, "80012349999": 1})
    assert (result.result_code, result.vendor_item_ids, result.total_count) == ("PARTIAL", (POT,), 1)
    assert result.failed_vendor_item_ids == (TEA, "80012349999")
    assert f"[{TEA}]<= 취소 가능한 개수보다 요청한 개수가 더 많습니다." in result.message
    assert "[80012349999]<= 주문정보가 없습니다.[80012349999]" in result.message
    assert open_units(client, order) == {TEA: 2, POT: 0}


@pytest.mark.parametrize("status", ["DEPARTURE", "FINAL_DELIVERY"])
def test_a_shipped_box_is_not_canceled(sandbox, client, status):
    order = sandbox.add_order("KR", status=status, items=TWO_ITEMS)
    with pytest.raises(RequestRejectedError, match="결제완료/상품지시 중 상태가 아닙니다"):
        cancel(client, order, {TEA: 2, POT: 1})


def test_taiwan_stores_cancel_too(sandbox):
    order = sandbox.add_order("TW", status="INSTRUCT", items=TWO_ITEMS)
    with make_client(sandbox, "TW") as tw_client:
        assert cancel(tw_client, order, {POT: 1}).receipt_type == "STOP_SHIPMENT"
    assert sandbox.requests_to("seller_cancel")[0].headers["x-market"] == "TW"


def test_the_cancel_is_sent_as_documented(sandbox, client):
    order = sandbox.add_order("KR", items=TWO_ITEMS)
    cancel(client, order, {int(TEA): 2, POT: 1}, reason="CCPNER")
    (request,) = sandbox.requests_to("seller_cancel")
    assert (request.method, request.path) == (
        "POST",
        f"/v2/providers/openapi/apis/api/v5/vendors/A00012345/orders/{order.order_id}/cancel",
    )
    assert request.json == {
        "orderId": order.order_id,
        "vendorItemIds": [int(TEA), int(POT)],
        "receiptCounts": [2, 1],
        "bigCancelCode": "CANERR",
        "middleCancelCode": "CCPNER",
        "vendorId": "A00012345",
        "userId": DEMO_WING_USER_ID,
    }


@pytest.mark.parametrize(
    ("counts", "options", "message"),
    [
        ({}, {}, "at least one unit"),
        ({TEA: 0}, {}, "at least one unit"),
        ({"80-1": 1}, {}, "Coupang id"),
        ({TEA: 1}, {"reason": "CANERR"}, "cancel reason"),
        ({TEA: 1}, {"user_id": " "}, "Wing login ID"),
    ],
)
def test_cancel_arguments_are_checked_before_any_call(sandbox, client, counts, options, message):
    arguments = {"reason": "CCTTER", "user_id": DEMO_WING_USER_ID, **options}
    with pytest.raises(ValueError, match=message):
        client.cancel_order_items(1, counts, **arguments)
    assert sandbox.requests == []


def test_another_wing_user_is_refused(sandbox, client):
    order = sandbox.add_order("KR", items=TWO_ITEMS)
    with pytest.raises(RequestRejectedError, match="올바른 유저 ID"):
        client.cancel_order_items(order.order_id, {TEA: 2, POT: 1}, reason="CCTTER", user_id="someone")
    assert open_units(client, order) == {TEA: 2, POT: 1}


def test_a_failed_cancel_is_not_resent(sandbox, client):
    order = sandbox.add_order("KR", items=TWO_ITEMS)
    sandbox.inject("seller_cancel", "status", status=503)
    with pytest.raises(ServiceUnavailableError):
        cancel(client, order, {TEA: 2, POT: 1})
    assert len(sandbox.requests_to("seller_cancel")) == 1, "a write is never re-sent by the client"
    assert open_units(client, order) == {TEA: 2, POT: 1}, "Coupang did not carry it out"


@pytest.mark.parametrize(("kind", "options"), [("delay", {"seconds": 1.0}), ("truncated", {})])
def test_a_lost_answer_shows_in_the_order_read_again(sandbox, kind, options):
    order = sandbox.add_order("KR", status="INSTRUCT", items=TWO_ITEMS)
    sandbox.inject("seller_cancel", kind, **options)
    with make_client(sandbox, timeout=(1, 0.5)) as client:
        with pytest.raises((ServiceUnavailableError, MalformedResponseError)) as caught:
            cancel(client, order, {TEA: 2})
        assert caught.value.transient, "an answer whose outcome is unknown may be tried again"
        assert carried_out(sandbox, "seller_cancel") == 200
        assert open_units(client, order) == {TEA: 0, POT: 1}, "read again, the order shows it done"
        with pytest.raises(RequestRejectedError, match="취소 가능한 개수보다"):
            cancel(client, order, {TEA: 2})
    assert [key[1] for key in sandbox.returns.answers.elements()] == ["seller_cancel"]
