"""The sandbox's stop-shipment requests, cancellations and returns: documented paths, parameters and
shapes, the buyer's side, the state machine, Coupang's errors and faults, over raw signed HTTP."""

import re
from datetime import timedelta, timezone

import pytest
from test_coupang_sandbox import call

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.api import MINUTE_RANGE_TOO_LONG, MISSING_PARAMETERS, RANGE_TOO_LONG

RETURNS_PATH = "/v2/providers/openapi/apis/api/{version}/vendors/A00012345/returnRequests"
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
# The row's fields (Coupang docs: return-api/lookup-return-request-list-per-day).
ROW_FIELDS = {
    "receiptId",
    "orderId",
    "paymentId",
    "receiptType",
    "receiptStatus",
    "createdAt",
    "modifiedAt",
    "requesterName",
    "requesterPhoneNumber",
    "requesterRealPhoneNumber",
    "requesterAddress",
    "requesterAddressDetail",
    "requesterZipCode",
    "cancelReasonCategory1",
    "cancelReasonCategory2",
    "cancelReason",
    "cancelCountSum",
    "returnDeliveryId",
    "returnDeliveryType",
    "releaseStopStatus",
    "enclosePrice",
    "faultByType",
    "preRefund",
    "completeConfirmType",
    "completeConfirmDate",
    "returnItems",
    "returnDeliveryDtos",
}
ITEM_FIELDS = {
    "vendorItemPackageId",
    "vendorItemPackageName",
    "vendorItemId",
    "vendorItemName",
    "purchaseCount",
    "cancelCount",
    "shipmentBoxId",
    "sellerProductId",
    "sellerProductName",
}


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=13, tw_orders=0, kr_orders=0) as server:
        yield server


MARKET_ZONES = {"TW": timezone(timedelta(hours=8)), "KR": timezone(timedelta(hours=9))}


def today(sandbox, market="TW"):
    return sandbox.now().astimezone(MARKET_ZONES[market]).date().isoformat()


def list_requests(sandbox, query, *, version="v6", market="TW"):
    day = today(sandbox, market)
    return call(
        sandbox,
        "GET",
        RETURNS_PATH.format(version=version),
        f"createdAtFrom={day}&createdAtTo={day}&{query}",
        market=market,
    )


def answer(sandbox, receipt, name, body=None, *, version="v4", market="TW"):
    path = f"{RETURNS_PATH.format(version=version)}/{receipt.receipt_id}/{name}"
    body = {"vendorId": "A00012345", "receiptId": receipt.receipt_id, **(body or {})}
    return call(sandbox, "PUT", path, body=body, market=market)


def instruct_cancel(sandbox, market="TW", counts=None):
    order = sandbox.add_order(market, status="INSTRUCT", items=[("CP-TEA-001", 2), ("CP-CUP-001", 1)])
    return order, sandbox.buyer_cancel(order.shipment_box_id, counts)


def shipped_return(sandbox, market="TW"):
    order = sandbox.add_order(market, status="DELIVERING", items=[("CP-TEA-001", 2), ("CP-CUP-001", 1)])
    return order, sandbox.buyer_return(order.shipment_box_id)


# --- documented shapes ---


def test_v6_rows_have_the_documented_fields_only_money_objects_and_local_times(sandbox):
    _order, receipt = instruct_cancel(sandbox)
    reply = list_requests(sandbox, "status=RU")
    assert reply.status_code == 200
    body = reply.json()
    assert (body["code"], body["message"], body["nextToken"]) == (200, "OK", "")
    (row,) = body["data"]
    assert set(row) == ROW_FIELDS and {key for item in row["returnItems"] for key in item} == ITEM_FIELDS
    assert (row["receiptId"], row["receiptType"], row["receiptStatus"]) == (
        receipt.receipt_id,
        "RETURN",
        "RELEASE_STOP_UNCHECKED",
    )
    assert LOCAL_TIME.match(row["createdAt"]) and row["enclosePrice"] == {
        "currencyCode": "TWD",
        "units": 0,
        "nanos": 0,
    }
    assert row["releaseStopStatus"] == "미처리"


def test_v4_rows_carry_plain_numbers_and_naive_kst_times(sandbox):
    instruct_cancel(sandbox, "KR")
    (row,) = list_requests(sandbox, "status=RU", version="v4", market="KR").json()["data"]
    assert row["enclosePrice"] == 0
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", row["createdAt"])


def test_a_return_lists_its_collecting_courier_and_waybill(sandbox):
    sandbox.add_return_center("CJ 반품지", deliver_code="CJGLS", country_code="KR")
    for code in sandbox.return_center_codes()[:-1]:
        sandbox.remove_return_center(code)
    _order, receipt = shipped_return(sandbox, "KR")
    (row,) = list_requests(sandbox, "status=UC", market="KR").json()["data"]
    assert row["returnDeliveryDtos"] == [
        {"deliveryCompanyCode": "CJGLS", "deliveryInvoiceNo": ""},
        {"deliveryCompanyCode": "CJGLS", "deliveryInvoiceNo": receipt.return_invoice},
    ]
    assert row["releaseStopStatus"] == "비대상"


def test_the_answers_have_the_documented_shapes(sandbox):
    _order, stopped = instruct_cancel(sandbox, "KR")
    _order, shipped = instruct_cancel(sandbox, "KR")
    assert answer(sandbox, stopped, "stoppedShipment", {"cancelCount": 3}, market="KR").json() == {
        "code": "200",
        "message": "OK",
        "data": {"resultCode": "SUCCESS", "resultMessage": "출고중지완료요청이 성공하였습니다"},
    }
    waybill = {"deliveryCompanyCode": "KDEXP", "invoiceNumber": "70432743577"}
    assert answer(sandbox, shipped, "completedShipment", waybill, market="KR").json() == {
        "data": {
            "code": "200",
            "message": "OK",
            "resultCode": "SUCCESS",
            "resultMessage": "이미출고 상태변경이 성공하였습니다.",
        },
    }
    _order, returned = shipped_return(sandbox)
    assert answer(sandbox, returned, "receiveConfirmation", version="v5").json() == {"code": "200", "message": "OK"}
    assert answer(sandbox, returned, "approval", {"cancelCount": 3}, version="v5").json() == {
        "code": "200",
        "message": "OK",
    }


def test_single_lookup_answers_an_array_or_an_object(sandbox):
    _order, receipt = shipped_return(sandbox)
    path = f"{RETURNS_PATH.format(version='v6')}/{receipt.receipt_id}"
    (row,) = call(sandbox, "GET", path).json()["data"]
    assert row["receiptId"] == receipt.receipt_id
    sandbox.serve_lookups_as_objects()
    assert call(sandbox, "GET", path).json()["data"]["receiptId"] == receipt.receipt_id


def test_cancellation_numbers_are_not_served_by_the_single_lookup(sandbox):
    order = sandbox.add_order("TW", status="ACCEPT")
    receipt = sandbox.buyer_cancel(order.shipment_box_id)
    reply = call(sandbox, "GET", f"{RETURNS_PATH.format(version='v6')}/{receipt.receipt_id}")
    assert (reply.status_code, reply.json()["message"]) == (400, f"receiptId ({receipt.receipt_id}) is not found.")


# --- parameters ---


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", MISSING_PARAMETERS),
        ("cancelType=RETURN", MISSING_PARAMETERS),
        ("cancelType=CANCEL&status=RU", "not supported with cancelType=CANCEL"),
        ("status=XX", "Invalid status: XX"),
        ("cancelType=EXCHANGE", "Invalid cancelType: EXCHANGE"),
        ("status=RU&searchType=timeFrame", "Invalid date format"),
        ("status=RU&maxPerPage=0", "maxPerPage must be at least 1"),
    ],
)
def test_list_parameter_rules(sandbox, query, message):
    reply = list_requests(sandbox, query)
    assert reply.status_code == 400 and message in reply.json()["message"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("createdAtFrom=2026-03-01&createdAtTo=2026-04-01&status=UC", RANGE_TOO_LONG),
        (
            "createdAtFrom=2026-03-01T00:00&createdAtTo=2026-04-02T00:01&status=UC&searchType=timeFrame",
            MINUTE_RANGE_TOO_LONG,
        ),
        (
            "createdAtFrom=2026-03-01T00:00&createdAtTo=2026-03-02T00:00&status=UC&searchType=timeFrame&nextToken=5",
            "nextToken is not supported with searchType=timeFrame",
        ),
        ("createdAtFrom=2026-03-02&createdAtTo=2026-03-01&status=UC", "must not be after"),
        ("createdAtTo=2026-03-01&status=UC", MISSING_PARAMETERS),
    ],
)
def test_window_rules(sandbox, query, message):
    reply = call(sandbox, "GET", RETURNS_PATH.format(version="v6"), query)
    assert reply.status_code == 400 and message in reply.json()["message"]


def test_thirty_one_days_and_an_order_id_are_accepted(sandbox):
    order, receipt = instruct_cancel(sandbox)
    day = today(sandbox)
    first = (sandbox.now() - timedelta(days=30)).astimezone(MARKET_ZONES["TW"]).date().isoformat()
    reply = call(
        sandbox, "GET", RETURNS_PATH.format(version="v6"), f"createdAtFrom={first}&createdAtTo={day}&status=UC"
    )
    assert [row["receiptId"] for row in reply.json()["data"]] == [receipt.receipt_id]
    by_order = list_requests(sandbox, f"orderId={order.order_id}").json()["data"]
    assert [row["receiptId"] for row in by_order] == [receipt.receipt_id]
    assert list_requests(sandbox, f"orderId={order.order_id + 1}").json()["data"] == []


def test_pages_of_at_most_50_with_next_token(sandbox):
    receipts = [instruct_cancel(sandbox)[1] for _ in range(52)]
    first = list_requests(sandbox, "status=RU&maxPerPage=80").json()
    assert len(first["data"]) == 50 and first["nextToken"]
    second = list_requests(sandbox, f"status=RU&maxPerPage=80&nextToken={first['nextToken']}").json()
    assert [row["receiptId"] for row in second["data"]] == [receipt.receipt_id for receipt in receipts[50:]]
    assert second["nextToken"] == ""


def test_each_market_and_vendor_sees_its_own_receipts(sandbox):
    instruct_cancel(sandbox, "KR")
    assert list_requests(sandbox, "status=RU").json()["data"] == []
    assert len(list_requests(sandbox, "status=RU", market="KR").json()["data"]) == 1


# --- the buyer and the state machine ---


def test_a_cancel_of_an_accept_box_is_immediate(sandbox):
    order = sandbox.add_order("TW", status="ACCEPT", items=[("CP-TEA-001", 2)])
    receipt = sandbox.buyer_cancel(order.shipment_box_id)
    assert order.canceled and order.lines[0].hold_count_for_cancel == 0
    (row,) = list_requests(sandbox, "cancelType=CANCEL").json()["data"]
    assert (row["receiptId"], row["receiptType"], row["cancelCountSum"]) == (receipt.receipt_id, "CANCEL", 2)
    assert list_requests(sandbox, "status=UC").json()["data"] == []


def test_a_cancel_of_an_instruct_box_holds_it_until_answered(sandbox):
    order, receipt = instruct_cancel(sandbox, counts={80012340001: 1})
    assert [(line.hold_count_for_cancel, line.cancel_count) for line in order.lines] == [(1, 0), (0, 0)]
    assert [row["receiptId"] for row in list_requests(sandbox, "status=RU").json()["data"]] == [receipt.receipt_id]
    assert [row["receiptId"] for row in list_requests(sandbox, "status=UC").json()["data"]] == [receipt.receipt_id]
    assert list_requests(sandbox, "cancelType=CANCEL").json()["data"] == []


def test_stop_shipment_cancels_the_held_items(sandbox):
    order, receipt = instruct_cancel(sandbox, "KR")
    assert answer(sandbox, receipt, "stoppedShipment", {"cancelCount": 3}, market="KR").status_code == 200
    assert order.canceled and all(line.hold_count_for_cancel == 0 for line in order.lines)
    assert [status for status, _moment in receipt.history] == ["RELEASE_STOP_UNCHECKED", "RETURNS_COMPLETED"]
    assert [row["receiptId"] for row in list_requests(sandbox, "status=CC", market="KR").json()["data"]] == [
        receipt.receipt_id
    ]


def test_already_shipped_ships_the_box_and_starts_the_return(sandbox):
    order, receipt = instruct_cancel(sandbox, "KR")
    waybill = {"deliveryCompanyCode": "HANJIN", "invoiceNumber": "500000000001"}
    assert answer(sandbox, receipt, "completedShipment", waybill, market="KR").status_code == 200
    assert (order.status, order.invoice_number, order.delivery_company_name) == (
        "DEPARTURE",
        "500000000001",
        "한진택배",
    )
    assert all(line.hold_count_for_cancel for line in order.lines), "refund pending until the return completes"
    answer(sandbox, receipt, "receiveConfirmation", version="v5", market="KR")
    answer(sandbox, receipt, "approval", {"cancelCount": 3}, version="v5", market="KR")
    assert [status for status, _moment in receipt.history] == [
        "RELEASE_STOP_UNCHECKED",
        "RETURNS_UNCHECKED",
        "VENDOR_WAREHOUSE_CONFIRM",
        "RETURNS_COMPLETED",
    ]
    assert order.canceled


def test_a_return_moves_uc_warehouse_cc_and_can_go_to_coupangs_check(sandbox):
    order, receipt = shipped_return(sandbox)
    assert all(line.hold_count_for_cancel == line.shipping_count for line in order.lines)
    answer(sandbox, receipt, "receiveConfirmation", version="v5")
    assert [row["receiptId"] for row in list_requests(sandbox, "status=UC").json()["data"]] == [receipt.receipt_id]
    answer(sandbox, receipt, "approval", {"cancelCount": 3}, version="v5")
    assert [status for status, _moment in receipt.history] == [
        "RETURNS_UNCHECKED",
        "VENDOR_WAREHOUSE_CONFIRM",
        "RETURNS_COMPLETED",
    ]
    assert order.canceled
    _order, checked = shipped_return(sandbox)
    sandbox.request_coupang_check(checked.receipt_id)
    assert [row["receiptId"] for row in list_requests(sandbox, "status=PR").json()["data"]] == [checked.receipt_id]


def test_buyer_helpers_follow_the_box_status(sandbox):
    shipped = sandbox.add_order("TW", status="DEPARTURE")
    with pytest.raises(ValueError, match="the buyer returns it"):
        sandbox.buyer_cancel(shipped.shipment_box_id)
    waiting = sandbox.add_order("TW", status="ACCEPT", items=[("CP-TEA-001", 2)])
    with pytest.raises(ValueError, match="the buyer cancels it"):
        sandbox.buyer_return(waiting.shipment_box_id)
    with pytest.raises(ValueError, match="has 2 open, not 3"):
        sandbox.buyer_cancel(waiting.shipment_box_id, {80012340001: 3})
    sandbox.buyer_cancel(waiting.shipment_box_id)
    with pytest.raises(ValueError, match="nothing left"):
        sandbox.buyer_cancel(waiting.shipment_box_id)


# --- the seller in Wing, the buyer's withdrawal ---


def test_stop_requests_answered_in_wing_are_not_api_answers(sandbox):
    order, stopped = instruct_cancel(sandbox, counts={80012340001: 1})
    sandbox.answer_stop_in_wing(stopped.receipt_id)
    assert stopped.status == "RETURNS_COMPLETED" and order.lines[0].cancel_count == 1
    shipped_order, shipped = instruct_cancel(sandbox, "KR")
    sandbox.answer_stop_in_wing(shipped.receipt_id, shipped=True, invoice_number="500000000009")
    assert (shipped.status, shipped_order.status, shipped_order.invoice_number) == (
        "RETURNS_UNCHECKED",
        "DEPARTURE",
        "500000000009",
    )
    assert not sandbox.returns.answers
    assert sandbox.returns.wing_answers == {
        (stopped.receipt_id, "stop_shipment"): 1,
        (shipped.receipt_id, "complete_shipment"): 1,
    }


def test_a_return_completed_in_wing_refuses_the_api_answers(sandbox):
    _order, receipt = shipped_return(sandbox)
    sandbox.complete_return_in_wing(receipt.receipt_id)
    assert [status for status, _moment in receipt.history] == [
        "RETURNS_UNCHECKED",
        "VENDOR_WAREHOUSE_CONFIRM",
        "RETURNS_COMPLETED",
    ]
    reply = answer(sandbox, receipt, "receiveConfirmation", version="v5")
    assert (reply.status_code, reply.json()["message"]) == (400, "Product is already returned.")
    assert not sandbox.returns.answers
    assert sandbox.returns.late_answers == {(receipt.receipt_id, "receive_confirmation"): 1}
    _order, confirmed = shipped_return(sandbox)
    sandbox.complete_return_in_wing(confirmed.receipt_id, approve=False)
    assert confirmed.status == "VENDOR_WAREHOUSE_CONFIRM"


def test_a_withdrawn_return_leaves_the_lists_and_the_lookup(sandbox):
    order, receipt = shipped_return(sandbox)
    sandbox.withdraw_return(receipt.receipt_id)
    assert all(line.hold_count_for_cancel == 0 for line in order.lines)
    assert list_requests(sandbox, "status=UC").json()["data"] == []
    reply = call(sandbox, "GET", f"{RETURNS_PATH.format(version='v6')}/{receipt.receipt_id}")
    assert reply.status_code == 400 and "is not found" in reply.json()["message"]
    _order, stop = instruct_cancel(sandbox)
    with pytest.raises(ValueError, match="no return to withdraw"):
        sandbox.withdraw_return(stop.receipt_id)


def test_a_partial_stop_holds_the_rest_of_the_box(sandbox):
    order, receipt = instruct_cancel(sandbox, counts={80012340001: 1})
    dtos = [
        {
            "shipmentBoxId": order.shipment_box_id,
            "orderId": order.order_id,
            "vendorItemId": line.vendor_item_id,
            "deliveryCompanyCode": "KERRYTJ",
            "invoiceNumber": "TW500000001",
        }
        for line in order.lines
    ]
    results = sandbox.store.apply_invoices("A00012345", dtos, lambda box_id: None, update=False)["responseList"]
    assert [(result["resultCode"], result["retryRequired"]) for result in results] == [
        ("ORDER_DELIVERY_PARTIAL_STOP_REQUESTED", True)
    ]
    sandbox.answer_stop_in_wing(receipt.receipt_id)
    results = sandbox.store.apply_invoices("A00012345", dtos, lambda box_id: None, update=False)["responseList"]
    assert [result["resultCode"] for result in results] == ["OK"]


# --- Coupang's errors ---


def test_stop_shipment_answers_are_korean_only(sandbox):
    _order, receipt = instruct_cancel(sandbox, "TW")
    for name, body in (
        ("stoppedShipment", {"cancelCount": 3}),
        ("completedShipment", {"deliveryCompanyCode": "CJGLS", "invoiceNumber": "1"}),
    ):
        reply = answer(sandbox, receipt, name, body)
        assert (reply.status_code, reply.json()["message"]) == (
            400,
            "This API is not available for the buyer region TW.",
        )
    assert receipt.awaits_shipment_answer


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("stoppedShipment", {"cancelCount": 2}, "취소반품접수수량과 cancelCount가 일치하지 않습니다"),
        ("stoppedShipment", {}, MISSING_PARAMETERS),
        ("completedShipment", {"deliveryCompanyCode": "CJGLS"}, MISSING_PARAMETERS),
        ("stoppedShipment", {"cancelCount": 3, "receiptId": 1}, "must be the path's"),
        ("stoppedShipment", {"cancelCount": 3, "vendorId": "A00099999"}, "must be the path's"),
    ],
)
def test_wrong_answers_get_400(sandbox, name, body, message):
    _order, receipt = instruct_cancel(sandbox, "KR")
    reply = answer(sandbox, receipt, name, body, market="KR")
    assert reply.status_code == 400 and message in reply.json()["message"]
    assert receipt.awaits_shipment_answer and not sandbox.returns.answers


def test_a_second_answer_fails_inside_a_200(sandbox):
    _order, receipt = instruct_cancel(sandbox, "KR")
    answer(sandbox, receipt, "stoppedShipment", {"cancelCount": 3}, market="KR")
    body = answer(sandbox, receipt, "stoppedShipment", {"cancelCount": 3}, market="KR").json()
    assert body["data"]["resultCode"] == "FAIL" and "no stop-shipment request" in body["data"]["resultMessage"]
    assert sandbox.returns.answers == {(receipt.receipt_id, "stop_shipment"): 1}


def test_an_unknown_or_other_vendors_receipt_is_not_found(sandbox):
    _order, receipt = shipped_return(sandbox)
    reply = call(sandbox, "GET", f"{RETURNS_PATH.format(version='v6')}/{receipt.receipt_id}", market="KR")
    assert reply.status_code == 400 and "is not found" in reply.json()["message"]
    other = call(sandbox, "GET", "/v2/providers/openapi/apis/api/v6/vendors/A00099999/returnRequests/1")
    assert (other.status_code, other.json()["message"]) == (400, "invalid vendorId")


def test_only_put_is_served_for_answers(sandbox):
    _order, receipt = shipped_return(sandbox)
    path = f"{RETURNS_PATH.format(version='v5')}/{receipt.receipt_id}/receiveConfirmation"
    assert (
        call(sandbox, "PATCH", path, body={"vendorId": "A00012345", "receiptId": receipt.receipt_id}).status_code == 405
    )


# --- records and faults ---


def test_requests_are_recorded_and_faults_hit_the_new_routes(sandbox):
    _order, receipt = shipped_return(sandbox)
    fault = sandbox.inject("receive_confirmation", "status", status=500)
    assert answer(sandbox, receipt, "receiveConfirmation", version="v5").status_code == 500
    assert receipt.status == "RETURNS_UNCHECKED" and fault.hits == 1
    assert answer(sandbox, receipt, "receiveConfirmation", version="v5").status_code == 200
    recorded = sandbox.requests_to("receive_confirmation")
    assert [(request.method, request.status) for request in recorded] == [("PUT", 500), ("PUT", 200)]
    assert recorded[0].json == {"vendorId": "A00012345", "receiptId": receipt.receipt_id}
    sandbox.inject("return_requests", "truncated")
    reply = list_requests(sandbox, "status=UC")
    assert reply.status_code == 200 and reply.text.startswith('{"code": 200') and not reply.text.endswith("}")
