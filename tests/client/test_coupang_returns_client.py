"""The client's stop-shipment requests, cancellations and returns, over real HTTP against the
in-process Coupang sandbox."""

import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.render import Renderer
from coupang_sandbox.returns import render_receipt
from ec_coupang.coupang import (
    CoupangClient,
    MalformedResponseError,
    Money,
    NotAvailableInMarketError,
    RequestRejectedError,
    ReturnDelivery,
    ReturnRequest,
    ServiceUnavailableError,
    UnreadableReturnRequest,
    parse_order_sheet,
    parse_return_requests,
)

KST, TWT = timezone(timedelta(hours=9)), timezone(timedelta(hours=8))
TWO_ITEMS = [("CP-TEA-001", 2), ("CP-POT-001", 1)]


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=31, tw_orders=0, kr_orders=0) as server:
        yield server


def make_client(sandbox, market="KR", **options):
    vendor = sandbox.demo_vendor
    settings = {"base_url": sandbox.base_url, "market": market, "timeout": (2, 2), "retries": 2, "backoff_factor": 0}
    return CoupangClient(vendor.vendor_id, vendor.access_key, vendor.secret_key, **{**settings, **options})


@pytest.fixture
def client(sandbox):
    with make_client(sandbox) as coupang:
        yield coupang


@pytest.fixture
def tw_client(sandbox):
    with make_client(sandbox, "TW") as coupang:
        yield coupang


def listed(sandbox, client, cancel_type="RETURN", status=None, **options):
    """Today's requests of ``client``'s market."""
    now = sandbox.now()
    return list(
        client.iter_return_requests(now - timedelta(hours=1), now, cancel_type=cancel_type, status=status, **options)
    )


def receipt_ids(requests):
    return [request.receipt_id for request in requests]


def stop_shipment_request(sandbox, market="KR", items=TWO_ITEMS, counts=None):
    order = sandbox.add_order(market, status="INSTRUCT", items=items)
    return order, sandbox.buyer_cancel(order.shipment_box_id, counts)


def returned(sandbox, market="KR", items=TWO_ITEMS, counts=None):
    order = sandbox.add_order(market, status="FINAL_DELIVERY", items=items)
    return order, sandbox.buyer_return(order.shipment_box_id, counts)


# --- lists: filters, windows, paging ---


def test_stop_shipment_requests_page_with_next_token(sandbox, client):
    receipts = [stop_shipment_request(sandbox)[1] for _ in range(53)]
    requests = listed(sandbox, client, status="RU")
    assert receipt_ids(requests) == [str(receipt.receipt_id) for receipt in receipts]
    first, second = sandbox.requests_to("return_requests")
    assert first.path == "/v2/providers/openapi/apis/api/v6/vendors/A00012345/returnRequests"
    assert first.headers["x-extended-timeout"] == "90000"
    assert {key: first.params[key] for key in ("cancelType", "status", "maxPerPage")} == {
        "cancelType": "RETURN",
        "status": "RU",
        "maxPerPage": "50",
    }
    assert "nextToken" not in first.params and second.params["nextToken"]


def test_day_mode_reads_whole_market_days_in_windows_of_31_days(sandbox, tw_client):
    start, end = datetime(2026, 1, 1, 17, 0, tzinfo=timezone.utc), datetime(2026, 3, 15, 3, 0, tzinfo=timezone.utc)
    assert list(tw_client.iter_return_requests(start, end, cancel_type="RETURN", status="UC")) == []
    windows = [(call.params["createdAtFrom"], call.params["createdAtTo"]) for call in sandbox.requests]
    # 2026-01-01 17:00 UTC is already 2 January in Taiwan.
    assert windows == [("2026-01-02", "2026-02-01"), ("2026-02-02", "2026-03-04"), ("2026-03-05", "2026-03-15")]
    for first, last in windows:
        assert (date.fromisoformat(last) - date.fromisoformat(first)).days < 31


def test_minute_mode_sends_time_frames_shorter_than_a_day_without_paging(sandbox, client):
    """Minute windows answer "range should less than 1 day" from a day on (technical FAQ 반품관리API 7)."""
    start = datetime(2026, 2, 1, 0, 0, 30, tzinfo=KST)
    end = start + timedelta(days=2, seconds=10)
    assert list(client.iter_return_requests(start, end, cancel_type="CANCEL", by_minute=True)) == []
    calls = sandbox.requests_to("return_requests")
    assert [(call.params["createdAtFrom"], call.params["createdAtTo"]) for call in calls] == [
        ("2026-02-01T00:00", "2026-02-01T23:59"),
        ("2026-02-01T23:59", "2026-02-02T23:58"),
        ("2026-02-02T23:58", "2026-02-03T00:01"),
    ]
    assert {call.status for call in calls} == {200}
    for call in calls:
        assert call.params["searchType"] == "timeFrame" and call.params["cancelType"] == "CANCEL"
        assert not {"nextToken", "maxPerPage", "status"} & set(call.params)


def calls_by_mode(sandbox):
    calls = sandbox.requests_to("return_requests")
    assert {call.status for call in calls} == {200}
    return Counter("minute" if call.params.get("searchType") == "timeFrame" else "day" for call in calls)


@pytest.mark.parametrize(("days", "day_calls"), [(7, 1), (3, 1), (40, 2), (0.5, 0)])
def test_a_backfill_reads_older_days_by_day_and_the_last_hours_by_minute(sandbox, tw_client, days, day_calls):
    now = sandbox.now()
    _order, old = stop_shipment_request(sandbox, "TW")
    old.created_at = now - timedelta(days=days) + timedelta(minutes=5)
    _order, recent = stop_shipment_request(sandbox, "TW")
    since = now - timedelta(days=days)
    rows = tw_client.iter_return_requests_since(since, now, cancel_type="RETURN", status="RU")
    assert set(receipt_ids(rows)) == {str(old.receipt_id), str(recent.receipt_id)}
    assert calls_by_mode(sandbox) == Counter({"day": day_calls, "minute": 1})


def test_minute_mode_lists_the_requests_of_the_time_frame(sandbox, client):
    _order, receipt = stop_shipment_request(sandbox)
    assert receipt_ids(listed(sandbox, client, status="RU", by_minute=True)) == [str(receipt.receipt_id)]
    now = sandbox.now()
    before = client.iter_return_requests(
        now - timedelta(hours=2), now - timedelta(hours=1), cancel_type="RETURN", status="RU", by_minute=True
    )
    assert list(before) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"cancel_type": "CANCEL", "status": "RU"}, "without a status"),
        ({"cancel_type": "RETURN"}, "listed by status"),
        ({"cancel_type": "RETURN", "status": "RETURNS_UNCHECKED"}, "listed by status"),
        ({"cancel_type": "EXCHANGE"}, "Unknown cancel type"),
    ],
)
def test_list_filters_are_checked_before_any_call(sandbox, client, arguments, message):
    now = sandbox.now()
    with pytest.raises(ValueError, match=message):
        client.iter_return_requests(now - timedelta(days=1), now, **arguments)
    assert sandbox.requests == []


def test_lists_take_aware_datetimes(sandbox, client):
    with pytest.raises(ValueError, match="aware"):
        client.iter_return_requests(datetime(2026, 3, 1), datetime(2026, 3, 2), cancel_type="CANCEL")
    with pytest.raises(ValueError, match="aware"):
        client.iter_return_requests(date(2026, 3, 1), date(2026, 3, 2), cancel_type="CANCEL")


def test_each_market_lists_its_own_requests(sandbox, client, tw_client):
    _kr_order, kr_receipt = stop_shipment_request(sandbox, "KR")
    _tw_order, tw_receipt = stop_shipment_request(sandbox, "TW")
    assert receipt_ids(listed(sandbox, client, status="RU")) == [str(kr_receipt.receipt_id)]
    (request,) = listed(sandbox, tw_client, status="RU")
    assert request.receipt_id == str(tw_receipt.receipt_id) and request.created_at.utcoffset() == timedelta(hours=8)


# --- the buyer cancels before and after the acknowledgement ---


def test_a_cancel_before_acknowledgement_is_immediate(sandbox, client):
    order = sandbox.add_order("KR", status="ACCEPT", items=TWO_ITEMS)
    receipt = sandbox.buyer_cancel(order.shipment_box_id)
    assert all(
        item.canceled and not item.hold_count_for_cancel for item in client.get_order_sheet(order.shipment_box_id).items
    )
    (request,) = listed(sandbox, client, "CANCEL")
    assert (request.receipt_id, request.cancel_type, request.order_id) == (
        str(receipt.receipt_id),
        "CANCEL",
        str(order.order_id),
    )
    assert request.shipment_box_ids == (str(order.shipment_box_id),) and request.cancel_count_sum == 3
    assert not request.awaits_shipment_answer
    assert listed(sandbox, client, status="RU") == [] and listed(sandbox, client, status="UC") == []
    with pytest.raises(RequestRejectedError, match="not found"):
        client.get_return_request(receipt.receipt_id)  # cancellation numbers are not served


def test_a_whole_cancel_after_acknowledgement_is_stopped(sandbox, client):
    order, receipt = stop_shipment_request(sandbox)
    held = client.get_order_sheet(order.shipment_box_id).items
    assert [(item.hold_count_for_cancel, item.quantity_to_ship) for item in held] == [(2, 0), (1, 0)]
    (request,) = listed(sandbox, client, status="RU")
    assert receipt_ids(listed(sandbox, client, status="UC")) == [request.receipt_id], "listed under RU and UC"
    assert request.receipt_status == "RELEASE_STOP_UNCHECKED" and request.awaits_shipment_answer
    assert request.cancel_type == "RETURN" and request.cancel_count_sum == 3
    assert request.release_stop_status == "미처리"
    assert [(item.vendor_item_id, item.purchase_count, item.cancel_count) for item in request.items] == [
        (str(line.vendor_item_id), line.shipping_count, line.shipping_count) for line in order.lines
    ]

    answer = client.stop_shipment(request.receipt_id, request.cancel_count_sum)

    assert (answer.result_code, answer.message) == ("SUCCESS", "출고중지완료요청이 성공하였습니다")
    call = sandbox.requests_to("stop_shipment")[0]
    assert (call.method, call.path) == (
        "PUT",
        f"/v2/providers/openapi/apis/api/v4/vendors/A00012345/returnRequests/{receipt.receipt_id}/stoppedShipment",
    )
    assert call.json == {"vendorId": "A00012345", "receiptId": receipt.receipt_id, "cancelCount": 3}
    assert all(item.canceled for item in client.get_order_sheet(order.shipment_box_id).items)
    done = client.get_return_request(request.receipt_id)
    assert done.receipt_status == "RETURNS_COMPLETED" and not done.awaits_shipment_answer
    assert done.release_stop_status == "처리(출고중지)"
    assert receipt_ids(listed(sandbox, client, status="CC")) == [request.receipt_id]
    assert listed(sandbox, client, status="RU") == []
    assert sandbox.returns.answers == {(receipt.receipt_id, "stop_shipment"): 1}


def test_a_partial_cancel_after_acknowledgement_leaves_the_rest_to_ship(sandbox, client):
    order, receipt = stop_shipment_request(sandbox, counts={80012340001: 1})
    request = client.get_return_request(receipt.receipt_id)
    assert [(item.vendor_item_id, item.purchase_count, item.cancel_count) for item in request.items] == [
        ("80012340001", 2, 1)
    ]
    assert request.cancel_count_sum == 1
    client.stop_shipment(request.receipt_id, 1)
    sheet = client.get_order_sheet(order.shipment_box_id)
    assert [(item.cancel_count, item.quantity_to_ship, item.canceled) for item in sheet.items] == [
        (1, 1, False),
        (0, 1, False),
    ]


def test_an_already_shipped_box_is_answered_with_its_waybill_and_becomes_a_return(sandbox, client):
    order, receipt = stop_shipment_request(sandbox)
    answer = client.complete_shipment(receipt.receipt_id, "CJGLS", "300000000042")
    assert (answer.result_code, answer.message) == ("SUCCESS", "이미출고 상태변경이 성공하였습니다.")
    call = sandbox.requests_to("complete_shipment")[0]
    assert call.path.endswith(f"/v4/vendors/A00012345/returnRequests/{receipt.receipt_id}/completedShipment")
    assert call.json == {
        "vendorId": "A00012345",
        "receiptId": receipt.receipt_id,
        "deliveryCompanyCode": "CJGLS",
        "invoiceNumber": "300000000042",
    }
    sheet = client.get_order_sheet(order.shipment_box_id)
    assert (sheet.status, sheet.invoice_number) == ("DEPARTURE", "300000000042")
    request = client.get_return_request(receipt.receipt_id)
    assert request.receipt_status == "RETURNS_UNCHECKED" and not request.awaits_shipment_answer
    assert request.can_confirm_receipt and request.release_stop_status == "처리(이미출고)"
    assert listed(sandbox, client, status="RU") == []
    client.confirm_return_receipt(receipt.receipt_id)
    client.approve_return(receipt.receipt_id, 3)
    assert client.get_return_request(receipt.receipt_id).receipt_status == "RETURNS_COMPLETED"


# --- returns ---


def test_a_return_is_received_and_approved(sandbox, client):
    order, receipt = returned(sandbox)
    (request,) = listed(sandbox, client, status="UC")
    assert (request.receipt_id, request.receipt_status) == (str(receipt.receipt_id), "RETURNS_UNCHECKED")
    assert request.can_confirm_receipt and not request.can_approve and not request.awaits_shipment_answer
    assert request.release_stop_status == "비대상"
    assert (
        request.requester.address == order.receiver["addr1"]
        and request.requester.zip_code == order.receiver["postCode"]
    )
    assert request.return_deliveries == (ReturnDelivery("", receipt.return_invoice),), "blank waybills are ignored"
    assert request.enclose_price == Money(Decimal(0), "KRW")

    client.confirm_return_receipt(request.receipt_id)
    confirmed = client.get_return_request(request.receipt_id)
    assert confirmed.receipt_status == "VENDOR_WAREHOUSE_CONFIRM" and confirmed.can_approve
    client.approve_return(request.receipt_id, request.cancel_count_sum)

    approved = client.get_return_request(request.receipt_id)
    assert approved.receipt_status == "RETURNS_COMPLETED" and approved.complete_confirm_type == "VENDOR_CONFIRM"
    assert approved.complete_confirm_date is not None
    assert receipt_ids(listed(sandbox, client, status="CC")) == [request.receipt_id]
    assert all(item.canceled for item in client.get_order_sheet(order.shipment_box_id).items)
    confirm, approve = sandbox.requests_to("receive_confirmation")[0], sandbox.requests_to("approval")[0]
    path = f"/v2/providers/openapi/apis/api/v5/vendors/A00012345/returnRequests/{receipt.receipt_id}"
    assert (confirm.method, confirm.path, confirm.json) == (
        "PUT",
        f"{path}/receiveConfirmation",
        {"vendorId": "A00012345", "receiptId": receipt.receipt_id},
    )
    assert (approve.method, approve.path, approve.json) == (
        "PUT",
        f"{path}/approval",
        {"vendorId": "A00012345", "receiptId": receipt.receipt_id, "cancelCount": 3},
    )


def test_a_partial_return(sandbox, client):
    order, receipt = returned(sandbox, counts={80012340005: 1})
    client.confirm_return_receipt(receipt.receipt_id)
    client.approve_return(receipt.receipt_id, 1)
    sheet = client.get_order_sheet(order.shipment_box_id)
    assert [(item.vendor_item_id, item.canceled) for item in sheet.items] == [
        ("80012340001", False),
        ("80012340005", True),
    ]


def test_a_return_sent_to_coupangs_check_is_listed_under_pr(sandbox, client):
    _order, receipt = returned(sandbox)
    sandbox.request_coupang_check(receipt.receipt_id)
    (request,) = listed(sandbox, client, status="PR")
    assert request.receipt_status == "REQUEST_COUPANG_CHECK" and not request.can_approve
    assert listed(sandbox, client, status="UC") == []


def test_taiwan_receives_and_approves_returns(sandbox, tw_client):
    _order, receipt = returned(sandbox, "TW")
    tw_client.confirm_return_receipt(receipt.receipt_id)
    tw_client.approve_return(receipt.receipt_id, 3)
    request = tw_client.get_return_request(receipt.receipt_id)
    assert request.receipt_status == "RETURNS_COMPLETED" and request.enclose_price.currency == "TWD"


@pytest.mark.parametrize("answer", ["stop_shipment", "complete_shipment"])
def test_taiwan_stores_cannot_answer_stop_shipment_requests(sandbox, tw_client, answer):
    _order, receipt = stop_shipment_request(sandbox, "TW")
    arguments = {"stop_shipment": (3,), "complete_shipment": ("CJGLS", "300000000042")}[answer]
    with pytest.raises(NotAvailableInMarketError) as caught:
        getattr(tw_client, answer)(receipt.receipt_id, *arguments)
    assert caught.value.params == {"call": "stop_shipment", "market": "TW"}
    assert sandbox.requests == []
    assert tw_client.get_return_request(receipt.receipt_id).awaits_shipment_answer


# --- wrong answers get Coupang's errors ---


def test_a_stop_shipment_with_another_count_gets_coupangs_error(sandbox, client):
    order, receipt = stop_shipment_request(sandbox)
    with pytest.raises(RequestRejectedError, match="취소반품접수수량과 cancelCount가 일치하지 않습니다") as error:
        client.stop_shipment(receipt.receipt_id, 2)
    assert error.value.status == 400
    assert client.get_return_request(receipt.receipt_id).awaits_shipment_answer
    assert [item.hold_count_for_cancel for item in client.get_order_sheet(order.shipment_box_id).items] == [2, 1]


def test_a_second_answer_is_refused_inside_a_200(sandbox, client):
    _order, receipt = stop_shipment_request(sandbox)
    client.stop_shipment(receipt.receipt_id, 3)
    for answer in (
        lambda: client.stop_shipment(receipt.receipt_id, 3),
        lambda: client.complete_shipment(receipt.receipt_id, "CJGLS", "300000000042"),
    ):
        with pytest.raises(RequestRejectedError, match="no stop-shipment request to answer") as error:
            answer()
        assert error.value.status == 200 and error.value.code == "FAIL"
    assert sandbox.returns.answers == {(receipt.receipt_id, "stop_shipment"): 1}


@pytest.mark.parametrize(
    ("make", "call", "message"),
    [
        (returned, lambda client, receipt: client.approve_return(receipt.receipt_id, 3), "confirm the receipt first"),
        (
            stop_shipment_request,
            lambda client, receipt: client.confirm_return_receipt(receipt.receipt_id),
            "no return to confirm",
        ),
        (
            stop_shipment_request,
            lambda client, receipt: client.approve_return(receipt.receipt_id, 3),
            "confirm the receipt first",
        ),
        (
            returned,
            lambda client, receipt: client.stop_shipment(receipt.receipt_id, 3),
            "no stop-shipment request to answer",
        ),
    ],
)
def test_answers_out_of_turn_are_rejected(sandbox, client, make, call, message):
    _order, receipt = make(sandbox)
    with pytest.raises(RequestRejectedError, match=message):
        call(client, receipt)
    assert not sandbox.returns.answers


def test_an_approval_with_another_count_is_rejected(sandbox, client):
    _order, receipt = returned(sandbox)
    client.confirm_return_receipt(receipt.receipt_id)
    with pytest.raises(RequestRejectedError, match="cancelCount"):
        client.approve_return(receipt.receipt_id, 1)
    assert client.get_return_request(receipt.receipt_id).can_approve


def test_an_unknown_receipt_is_rejected_with_coupangs_message(client):
    with pytest.raises(RequestRejectedError, match=r"receiptId \(999\) is not found"):
        client.get_return_request(999)
    with pytest.raises(RequestRejectedError, match=r"receiptId \(999\) is not found"):
        client.confirm_return_receipt(999)


# --- failures and retries ---


def test_a_failed_answer_is_not_resent_and_can_be_retried(sandbox, client):
    _order, receipt = stop_shipment_request(sandbox)
    sandbox.inject("stop_shipment", "status", status=503)
    with pytest.raises(ServiceUnavailableError):
        client.stop_shipment(receipt.receipt_id, 3)
    assert len(sandbox.requests_to("stop_shipment")) == 1, "a write is never re-sent by the client"
    assert client.get_return_request(receipt.receipt_id).awaits_shipment_answer, "Coupang did not carry it out"
    assert client.stop_shipment(receipt.receipt_id, 3).result_code == "SUCCESS"
    assert sandbox.returns.answers == {(receipt.receipt_id, "stop_shipment"): 1}


def carried_out(sandbox, endpoint):
    """Waits (at most 5 s) until the sandbox has answered the request it received at ``endpoint``."""
    deadline = time.monotonic() + 5
    while sandbox.requests_to(endpoint)[0].status is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return sandbox.requests_to(endpoint)[0].status


@pytest.mark.parametrize(("kind", "options"), [("delay", {"seconds": 1.0}), ("truncated", {})])
def test_a_lost_answer_shows_in_the_request_read_again(sandbox, kind, options):
    _order, receipt = returned(sandbox)
    sandbox.inject("receive_confirmation", kind, **options)
    with make_client(sandbox, timeout=(1, 0.5)) as client:
        with pytest.raises((ServiceUnavailableError, MalformedResponseError)) as error:
            client.confirm_return_receipt(receipt.receipt_id)
        assert error.value.transient, "an answer whose outcome is unknown may be tried again"
        assert carried_out(sandbox, "receive_confirmation") == 200
        assert client.get_return_request(receipt.receipt_id).can_approve, "read again, the request shows it done"
    assert len(sandbox.requests_to("receive_confirmation")) == 1
    assert sandbox.returns.answers == {(receipt.receipt_id, "receive_confirmation"): 1}


def test_a_reset_list_read_is_tried_again(sandbox, client):
    _order, receipt = stop_shipment_request(sandbox)
    sandbox.inject("return_requests", "reset")
    assert receipt_ids(listed(sandbox, client, status="RU")) == [str(receipt.receipt_id)]
    assert len(sandbox.requests_to("return_requests")) == 2


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
def test_a_list_page_that_cannot_be_read_is_malformed(sandbox, client, kind):
    stop_shipment_request(sandbox)
    sandbox.inject("return_requests", kind)
    with pytest.raises(MalformedResponseError):
        listed(sandbox, client, status="RU")


def test_a_503_on_a_list_is_retried(sandbox, client):
    _order, receipt = stop_shipment_request(sandbox)
    sandbox.inject("return_requests", "status", status=503)
    assert receipt_ids(listed(sandbox, client, status="RU")) == [str(receipt.receipt_id)]
    assert [call.status for call in sandbox.requests_to("return_requests")] == [503, 200]


# --- reading Coupang's shapes ---


def raw_receipt(sandbox, version="v6", market="KR", **changes):
    """A sandbox receipt as Coupang lists it, with top-level or first-item ``changes``."""
    _order, receipt = stop_shipment_request(sandbox, market)
    raw = render_receipt(Renderer(version, "KRW" if market == "KR" else "TWD", market), receipt)
    for key, value in changes.items():
        (raw if key in raw else raw["returnItems"][0])[key] = value
    return raw


def test_a_broken_row_does_not_hide_the_others(sandbox):
    good, broken, other = raw_receipt(sandbox), raw_receipt(sandbox, cancelCount="two"), raw_receipt(sandbox)
    requests = parse_return_requests([good, broken, None, other], "KR")
    assert [request.receipt_id for request in requests[::3]] == [str(good["receiptId"]), str(other["receiptId"])]
    unreadable = requests[1]
    assert isinstance(unreadable, UnreadableReturnRequest) and unreadable.raw is broken
    assert (unreadable.receipt_id, unreadable.order_id) == (str(broken["receiptId"]), str(broken["orderId"]))
    assert (unreadable.cancel_type, unreadable.receipt_status) == ("RETURN", "RELEASE_STOP_UNCHECKED")
    assert unreadable.reason.code == "unreadable_request"
    assert unreadable.reason.params["error"].startswith("ValueError: ") and "two" in unreadable.reason.params["error"]
    assert isinstance(requests[2], UnreadableReturnRequest) and requests[2].receipt_id.startswith("unreadable-")
    assert parse_return_requests([None], "KR")[0].receipt_id == requests[2].receipt_id, "a stable key"


@pytest.mark.parametrize(
    "changes",
    [
        {"receiptId": "36-35"},
        {"receiptId": None},
        {"orderId": [1]},
        {"receiptType": "EXCHANGE"},
        {"receiptStatus": None},
        {"returnItems": []},
        {"vendorItemId": 8.5},
        {"shipmentBoxId": None},
        {"cancelCount": 0},
        {"purchaseCount": -1},
        {"enclosePrice": {"currencyCode": "KRW", "units": "lots", "nanos": 0}},
        {"createdAt": 1767225600},
    ],
)
def test_rows_that_are_no_request_are_unreadable(sandbox, changes):
    (request,) = parse_return_requests([raw_receipt(sandbox, **changes)], "KR")
    assert isinstance(request, UnreadableReturnRequest), request


def test_reads_the_documented_v4_sample_in_the_markets_time():
    """The sample of Coupang docs: return-api/lookup-return-request-list-per-day (plain numbers,
    naive KST times)."""
    sample = {
        "receiptId": 50229613,
        "orderId": 28000008707838,
        "paymentId": 28000009486604,
        "receiptType": "RETURN",
        "receiptStatus": "RETURNS_UNCHECKED",
        "createdAt": "2017-09-02T22:52:42",
        "modifiedAt": "2017-09-02T22:52:42",
        "requesterName": "구*숙",
        "requesterPhoneNumber": "0503-****-3560",
        "requesterRealPhoneNumber": None,
        "requesterAddress": "서울특별시 송파구 송파대로 570 (신천동)",
        "requesterAddressDetail": "Tower 730",
        "requesterZipCode": "05510",
        "cancelReasonCategory1": "고객변심",
        "cancelReasonCategory2": "단순변심(사유없음)",
        "cancelReason": "",
        "cancelCountSum": 1,
        "returnDeliveryId": 20234047,
        "returnDeliveryType": "연동택배",
        "releaseStopStatus": "처리(이미출고)",
        "enclosePrice": 0,
        "faultByType": "VENDOR",
        "preRefund": False,
        "completeConfirmDate": "",
        "completeConfirmType": "UNDEFINED",
        "returnItems": [
            {
                "vendorItemPackageId": 0,
                "vendorItemPackageName": "스파오(SPAO) 캉캉 롱스커트",
                "vendorItemId": 3187044096,
                "vendorItemName": "스파오(SPAO) 캉캉 롱스커트, (19)Black, S",
                "purchaseCount": 1,
                "cancelCount": 1,
                "shipmentBoxId": 434119941,
                "sellerProductId": 57623797,
                "sellerProductName": "스파오 캉캉 롱스커트,(19)Black S",
            }
        ],
        "returnDeliveryDtos": [
            {"deliveryCompanyCode": "CJGLS", "deliveryInvoiceNo": ""},
            {"deliveryCompanyCode": "CJGLS", "deliveryInvoiceNo": None},
            {"deliveryCompanyCode": "CJGLS", "deliveryInvoiceNo": "840807127473 "},
        ],
    }
    (request,) = parse_return_requests([sample], "KR")
    assert isinstance(request, ReturnRequest)
    assert (request.receipt_id, request.order_id, request.payment_id) == (
        "50229613",
        "28000008707838",
        "28000009486604",
    )
    assert request.created_at == datetime(2017, 9, 2, 22, 52, 42, tzinfo=KST)
    assert request.enclose_price == Money(Decimal(0), "KRW") and request.complete_confirm_date is None
    assert request.return_deliveries == (ReturnDelivery("CJGLS", "840807127473"),)
    (item,) = request.items
    assert (item.vendor_item_id, item.shipment_box_id, item.purchase_count, item.cancel_count) == (
        "3187044096",
        "434119941",
        1,
        1,
    )
    assert not request.awaits_shipment_answer and request.can_confirm_receipt


def stop_request_row(**changes):
    """A stop-shipment request with the documented fields only (Coupang docs:
    return-api/lookup-return-request-list-per-day): no per-item releaseStatus."""
    row = {
        "receiptId": 363585001,
        "orderId": 31000012345678,
        "paymentId": 31000012345679,
        "receiptType": "RETURN",
        "receiptStatus": "RELEASE_STOP_UNCHECKED",
        "createdAt": "2026-03-01T10:00:00",
        "modifiedAt": "2026-03-01T10:00:00",
        "cancelCountSum": 2,
        "releaseStopStatus": "미처리",
        "returnItems": [
            {"vendorItemId": 80012340001, "purchaseCount": 2, "cancelCount": 2, "shipmentBoxId": 853138000000005666}
        ],
        "returnDeliveryDtos": [],
    }
    return {**row, **changes}


@pytest.mark.parametrize(
    ("receipt_status", "release_stop_status", "awaits"),
    [
        ("RELEASE_STOP_UNCHECKED", "미처리", True),
        ("RETURNS_UNCHECKED", "미처리", True),
        ("RETURNS_UNCHECKED", "처리(이미출고)", False),
        ("RETURNS_UNCHECKED", "자동처리(이미출고)", False),
        ("RETURNS_COMPLETED", "처리(출고중지)", False),
        ("RETURNS_UNCHECKED", "비대상", False),
    ],
)
def test_stop_request_recognised_without_release_status(receipt_status, release_stop_status, awaits):
    """The documented signals: receiptStatus RELEASE_STOP_UNCHECKED and releaseStopStatus 미처리
    (Coupang docs: return-api/lookup-return-request-list-per-day), not a per-item releaseStatus."""
    raw = stop_request_row(receiptStatus=receipt_status, releaseStopStatus=release_stop_status)
    (request,) = parse_return_requests([raw], "TW")
    assert request.awaits_shipment_answer is awaits
    assert request.can_confirm_receipt is (receipt_status == "RETURNS_UNCHECKED" and not awaits)


def test_taiwan_time_without_offset_is_taipei_time():
    """Times without an offset (v6 returnRequests, v4 order sheets) are the market's local time:
    Taiwan +08:00, not Korea's +09:00 (study 13)."""
    raw = stop_request_row(createdAt="2026-03-01T10:00:00", modifiedAt="2026-03-01T10:05:00")
    (request,) = parse_return_requests([raw], "TW")
    assert (request.created_at, request.modified_at) == (
        datetime(2026, 3, 1, 10, 0, tzinfo=TWT),
        datetime(2026, 3, 1, 10, 5, tzinfo=TWT),
    )
    (korean,) = parse_return_requests([raw], "KR")
    assert korean.created_at == datetime(2026, 3, 1, 10, 0, tzinfo=KST)
    sheet = parse_order_sheet(
        {"shipmentBoxId": 1, "orderId": 2, "orderedAt": "2026-03-01T10:00:00", "paidAt": "2026-03-01T10:00:30",
         "orderItems": [{"vendorItemId": 3, "shippingCount": 1, "salesPrice": 450}]},
        "TW",
    )  # fmt: skip
    assert (sheet.ordered_at, sheet.paid_at) == (
        datetime(2026, 3, 1, 10, 0, tzinfo=TWT),
        datetime(2026, 3, 1, 10, 0, 30, tzinfo=TWT),
    )


def test_v6_rows_carry_money_objects_and_local_times(sandbox):
    raw = raw_receipt(sandbox, market="TW")
    assert raw["enclosePrice"] == {"currencyCode": "TWD", "units": 0, "nanos": 0}
    (request,) = parse_return_requests([raw], "TW")
    assert request.created_at == sandbox.receipt(raw["receiptId"]).created_at.replace(microsecond=0)
    assert request.created_at.utcoffset() == timedelta(hours=8)


def test_single_lookups_read_data_as_an_object_or_an_array(sandbox, client):
    order, receipt = stop_shipment_request(sandbox)
    sandbox.serve_lookups_as_objects()
    assert client.get_return_request(receipt.receipt_id).receipt_id == str(receipt.receipt_id)
    (sheet,) = client.get_order_sheets_by_order_id(order.order_id)
    assert sheet.shipment_box_id == str(order.shipment_box_id)
    sandbox.serve_lookups_as_objects(False)
    assert [sheet.shipment_box_id for sheet in client.get_order_sheets_by_order_id(order.order_id)] == [
        str(order.shipment_box_id)
    ]
    assert client.get_return_request(receipt.receipt_id).receipt_status == "RELEASE_STOP_UNCHECKED"
