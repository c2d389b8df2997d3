"""The Coupang client over real HTTP against the in-process Coupang sandbox."""

import hashlib
import hmac
import json
import logging
import re
import socket
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.render import Renderer
from ec_coupang.coupang import (
    KR_COURIER_CODES,
    BlockedError,
    CoupangClient,
    CoupangError,
    DeliveryInfo,
    InvalidCredentialsError,
    InvalidVendorIdError,
    InvoiceEntry,
    IpNotAllowedError,
    MalformedResponseError,
    Money,
    NoAnswerError,
    OversizedPageError,
    RateLimitedError,
    Receiver,
    RepeatedPageTokenError,
    RequestRejectedError,
    RowReason,
    ServiceUnavailableError,
    SignatureExpiredError,
    TaxReceipt,
    TooManyPagesError,
    UnreadableOrderSheet,
    delivery_from_receiver,
    parse_order_sheets,
)
from ec_coupang.coupang.parsing import loads, parse_order_sheet, reading

NOW = datetime(2026, 3, 16, 4, 0, tzinfo=timezone.utc)
DAY_FROM, DAY_TO = date(2026, 3, 1), date(2026, 3, 16)
AUTHORIZATION = re.compile(r"^CEA algorithm=HmacSHA256, access-key=(\S+), signed-date=(\d{6}T\d{6}Z), signature=(\w+)$")
CLIENT_LOGGERS = ("urllib3", "ec_coupang.coupang", "requests")


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=21, now=NOW) as server:
        yield server


def make_client(sandbox, *, vendor_id=None, access_key=None, secret_key=None, **options):
    vendor = sandbox.demo_vendor
    settings = {"base_url": sandbox.base_url, "market": "TW", "timeout": (2, 2), "retries": 2, "backoff_factor": 0}
    return CoupangClient(
        vendor_id or vendor.vendor_id,
        access_key or vendor.access_key,
        secret_key or vendor.secret_key,
        **{**settings, **options},
    )


@pytest.fixture
def client(sandbox):
    with make_client(sandbox) as coupang:
        yield coupang


def instruct_orders(sandbox, count, items=None):
    return [sandbox.add_order(status="INSTRUCT", items=items) for _ in range(count)]


def invoice_entries(order, invoice_number, courier="CJGLS"):
    return [
        InvoiceEntry(str(order.shipment_box_id), str(order.order_id), str(line.vendor_item_id), courier, invoice_number)
        for line in order.lines
    ]


# --- headers and signed query ---


def test_check_connection_sends_the_documented_headers(sandbox, client):
    client.check_connection()
    request = sandbox.requests[-1]
    assert request.path == "/v2/providers/openapi/apis/api/v5/vendors/A00012345/returnShippingCenters"
    assert request.query == "pageNum=1&pageSize=1"
    access_key, _signed_date, _signature = AUTHORIZATION.match(request.headers["authorization"]).groups()
    assert access_key == sandbox.demo_vendor.access_key
    assert request.headers["x-requested-by"] == "A00012345"
    assert request.headers["content-type"] == "application/json;charset=UTF-8"
    assert request.headers["x-market"] == "TW"


def test_list_calls_ask_for_the_extended_timeout_and_writes_do_not(sandbox, client):
    list(client.iter_return_centers())
    client.acknowledge([sandbox.orders(status="ACCEPT")[0].shipment_box_id])
    listing, acknowledgement = sandbox.requests
    assert listing.headers["x-extended-timeout"] == "90000"
    assert "x-extended-timeout" not in acknowledgement.headers


def test_signed_query_is_sent_byte_for_byte(sandbox, client):
    sandbox.generate_orders(6)
    list(client.iter_order_sheets(DAY_FROM, DAY_TO, "ACCEPT", max_per_page=5))
    secret = sandbox.demo_vendor.secret_key
    for request in sandbox.requests_to("order_sheets"):
        assert request.query.startswith("createdAtFrom=2026-03-01%2B08:00&createdAtTo=2026-03-16%2B08:00&status=ACCEPT")
        assert "+" not in request.query
        _, signed_date, signature = AUTHORIZATION.match(request.headers["authorization"]).groups()
        message = f"{signed_date}GET{request.path}{request.query}"
        assert signature == hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    assert any("&nextToken=" in request.query for request in sandbox.requests_to("order_sheets"))


def test_korean_market_sends_kr_and_plus_nine_dates(sandbox):
    with make_client(sandbox, market="kr") as client:
        sheets = list(client.iter_order_sheets(DAY_FROM, DAY_TO, "ACCEPT"))
    request = sandbox.requests[-1]
    assert request.headers["x-market"] == "KR"
    assert "createdAtFrom=2026-03-01%2B09:00" in request.query
    assert sheets and {sheet.currency for sheet in sheets} == {"KRW"}


def test_base_url_and_market_settings(sandbox):
    with make_client(sandbox, base_url=sandbox.base_url + "/") as client:
        client.check_connection()
    assert CoupangClient("A1", "ak", "sk", base_url=False).base_url == "https://api-gateway.coupang.com"
    with pytest.raises(ValueError):
        CoupangClient("A1", "ak", "sk", market="JP")
    assert "sk" not in repr(CoupangClient("A1", "ak", "sk"))


# --- errors ---


def inject(endpoint, kind, **options):
    return lambda sandbox: sandbox.inject(endpoint, kind, times=None, **options)


ERROR_SCENARIOS = {
    "ip not allowed": (lambda sandbox: sandbox.set_allowed_ips(["203.0.113.7"]), {}, IpNotAllowedError, 403),
    "unknown access key": (None, {"access_key": "unknown-access-key"}, InvalidCredentialsError, 401),
    "wrong secret key": (None, {"secret_key": "wrong-secret-key-7b3d"}, InvalidCredentialsError, 401),
    "wrong vendor id": (None, {"vendor_id": "A99999999"}, InvalidVendorIdError, 400),
    "expired signature": (lambda sandbox: sandbox.set_clock_skew(900), {}, SignatureExpiredError, 401),
    "rate limited": (inject("*", "status", status=429, retry_after=0), {}, RateLimitedError, 429),
    "unavailable": (inject("*", "status", status=503), {}, ServiceUnavailableError, 503),
    "blocked": (inject("*", "block"), {}, BlockedError, 403),
    "redirected": (inject("*", "redirect"), {}, BlockedError, 302),
    "timeout": (inject("*", "delay", seconds=1.0), {"timeout": (1, 0.3), "retries": 0}, ServiceUnavailableError, None),
    "connection reset": (inject("*", "reset"), {}, ServiceUnavailableError, None),
    "malformed json": (inject("*", "malformed"), {}, MalformedResponseError, 200),
    "truncated json": (inject("*", "truncated"), {}, MalformedResponseError, 200),
    "business error": (inject("*", "status", status=400, message="bad request"), {}, RequestRejectedError, 400),
}


@pytest.mark.parametrize("scenario", ERROR_SCENARIOS)
def test_errors_are_mapped_and_never_show_the_secret(sandbox, caplog, scenario):
    prepare, options, error_class, status = ERROR_SCENARIOS[scenario]
    for logger in (None, *CLIENT_LOGGERS):
        caplog.set_level(logging.DEBUG, logger=logger)
    if prepare:
        prepare(sandbox)
    client = make_client(sandbox, **options)
    with pytest.raises(error_class) as caught:
        client.check_connection()
    error = caught.value
    assert error.status == status
    assert str(error) and not str(error).startswith("{")
    secret = client._secret_key
    for text in (str(error), repr(error), error.body_excerpt, caplog.text):
        assert secret not in text
        assert "CEA algorithm" not in text and "signature=" not in text
    assert caplog.records, "the client logs the call"


def test_errors_carry_a_code_and_their_details_not_a_user_text(sandbox):
    sandbox.set_allowed_ips(["203.0.113.7"])
    with pytest.raises(IpNotAllowedError, match="^ip_not_allowed ") as caught:
        make_client(sandbox).check_connection()
    assert caught.value.params["transaction_id"] == caught.value.transaction_id
    assert caught.value.params["status"] == 403
    sandbox.set_allowed_ips(["127.0.0.1"])
    with pytest.raises(InvalidCredentialsError, match="^invalid_credentials ") as caught:
        make_client(sandbox, secret_key="wrong").check_connection()
    assert "Invalid signature." in caught.value.body_excerpt
    with pytest.raises(InvalidVendorIdError, match="^invalid_vendor_id "):
        make_client(sandbox, vendor_id="A99999999").check_connection()
    sandbox.set_clock_skew(-900)
    with pytest.raises(SignatureExpiredError, match="^signature_expired "):
        make_client(sandbox).check_connection()


def test_a_secret_echoed_by_the_server_is_masked(sandbox):
    secret = sandbox.demo_vendor.secret_key
    sandbox.inject("*", "status", status=400, message=f"key {secret} refused")
    with pytest.raises(RequestRejectedError) as caught:
        make_client(sandbox).check_connection()
    assert secret not in str(caught.value) and secret not in caught.value.body_excerpt
    assert "key *** refused" in str(caught.value)


def test_an_error_code_inside_a_200_is_a_rejection(sandbox):
    sandbox.inject("*", "status", status=200, message="Something went wrong")
    with pytest.raises(RequestRejectedError, match="Something went wrong") as caught:
        make_client(sandbox).check_connection()
    assert caught.value.code == "ERROR"


def test_unknown_shipment_box_is_rejected_with_coupangs_message(client):
    with pytest.raises(RequestRejectedError, match=r"shipmentBoxId \(123\) is not found"):
        client.get_order_sheet("123")


def test_unreachable_coupang(sandbox):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ServiceUnavailableError, match="^unreachable ") as caught:
        make_client(sandbox, base_url=f"http://127.0.0.1:{port}", retries=0).check_connection()
    assert caught.value.params == {"base_url": f"http://127.0.0.1:{port}"}


# --- retries ---


def test_429_is_retried_up_to_the_limit(sandbox):
    sandbox.inject("return_centers", "status", status=429, retry_after=0, times=None)
    with pytest.raises(RateLimitedError) as caught:
        make_client(sandbox, retries=2).check_connection()
    assert caught.value.retry_after == 0
    assert caught.value.transient
    assert len(sandbox.requests_to("return_centers")) == 3


def test_a_long_retry_after_is_handed_back_instead_of_slept(sandbox):
    sandbox.inject("return_centers", "status", status=429, retry_after=120, times=None)
    started = time.monotonic()
    with pytest.raises(RateLimitedError) as caught:
        make_client(sandbox, retries=3).check_connection()
    assert caught.value.retry_after == 120
    assert len(sandbox.requests) == 1 and time.monotonic() - started < 5


def test_every_attempt_is_signed_anew(sandbox):
    # Retry-After of one second: the retry's signed-date is a later second, so its HMAC differs.
    sandbox.inject("return_centers", "status", status=429, retry_after=1, times=1)
    started = time.monotonic()
    make_client(sandbox, retries=2).check_connection()
    assert time.monotonic() - started >= 1, "Retry-After is honoured"
    attempts = sandbox.requests_to("return_centers")
    assert [request.status for request in attempts] == [429, 200]
    signatures = [AUTHORIZATION.match(request.headers["authorization"]).groups()[1:] for request in attempts]
    assert signatures[0][0] < signatures[1][0], "each attempt carries the time it was sent"
    assert signatures[0][1] != signatures[1][1]
    secret = sandbox.demo_vendor.secret_key
    for request, (signed_date, signature) in zip(attempts, signatures, strict=True):
        message = f"{signed_date}GET{request.path}{request.query}"
        assert signature == hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_the_throttle_is_called_before_every_attempt(sandbox):
    sandbox.inject("return_centers", "status", status=503, times=2)
    calls = []
    make_client(sandbox, retries=2, throttle=lambda: calls.append(len(sandbox.requests))).check_connection()
    assert calls == [0, 1, 2], "once before each of the three attempts, before it is sent"


def test_a_throttling_warning_or_a_429_slows_the_vendor_down(sandbox):
    slowed = []
    client = make_client(sandbox, retries=0, slow_down=lambda: slowed.append("slow"))
    client.check_connection()
    assert not slowed
    sandbox.warn_at = 1  # Coupang warns from the first call of the second
    client.check_connection()
    assert slowed == ["slow"]
    assert "x-cag-warnings" not in sandbox.requests[-1].headers, "a header of the answer, not of the request"
    sandbox.warn_at = None
    sandbox.inject("return_centers", "status", status=429, retry_after=0, times=1)
    with pytest.raises(RateLimitedError):
        client.check_connection()
    assert slowed == ["slow", "slow"]


def test_503_is_retried_and_recovers(sandbox):
    fault = sandbox.inject("return_centers", "status", status=503, times=2)
    make_client(sandbox, retries=2).check_connection()
    assert fault.hits == 2
    assert [request.status for request in sandbox.requests] == [503, 503, 200]


def test_503_stops_after_the_retry_limit(sandbox):
    sandbox.inject("return_centers", "status", status=503, times=None)
    with pytest.raises(ServiceUnavailableError):
        make_client(sandbox, retries=3).check_connection()
    assert len(sandbox.requests) == 4


def test_a_timed_out_get_is_tried_again(sandbox):
    sandbox.inject("return_centers", "delay", seconds=1.0)
    make_client(sandbox, timeout=(1, 0.3), retries=1).check_connection()
    assert len(sandbox.requests) == 2


def test_a_reset_get_is_tried_again(sandbox):
    sandbox.inject("return_centers", "reset", times=None)
    with pytest.raises(ServiceUnavailableError):
        make_client(sandbox, retries=2).check_connection()
    assert len(sandbox.requests) == 3


def test_a_block_is_not_retried(sandbox):
    sandbox.inject("*", "block", times=None)
    with pytest.raises(BlockedError):
        make_client(sandbox, retries=3).check_connection()
    assert len(sandbox.requests) == 1


@pytest.mark.parametrize(
    ("endpoint", "kind", "options"),
    [
        ("acknowledge", "status", {"status": 503}),
        ("acknowledge", "reset", {}),
        ("upload_invoices", "status", {"status": 500}),
        ("update_invoices", "status", {"status": 502}),
    ],
)
def test_writes_are_never_retried(sandbox, endpoint, kind, options):
    order = instruct_orders(sandbox, 1)[0]
    sandbox.inject(endpoint, kind, times=None, **options)
    client = make_client(sandbox, retries=3)
    with pytest.raises(CoupangError):
        if endpoint == "acknowledge":
            client.acknowledge([order.shipment_box_id])
        elif endpoint == "upload_invoices":
            client.upload_invoices(invoice_entries(order, "700000000001"))
        else:
            client.update_invoices(invoice_entries(order, "700000000001"))
    assert len(sandbox.requests_to(endpoint)) == 1


@pytest.mark.parametrize("endpoint", ["acknowledge", "upload_invoices"])
def test_a_write_coupang_throttled_is_sent_again_and_carried_out_once(sandbox, endpoint):
    """A 429 comes before Coupang carries the call out (technical FAQ 429): the change is sent again."""
    order = instruct_orders(sandbox, 1)[0]
    sandbox.inject(endpoint, "status", status=429, retry_after=0, times=1)
    client = make_client(sandbox, retries=3)
    if endpoint == "acknowledge":
        order.status = "ACCEPT"
        results = client.acknowledge([order.shipment_box_id])
        assert sandbox.order(order.shipment_box_id).status == "INSTRUCT"
    else:
        results = client.upload_invoices(invoice_entries(order, "700000000002"))
        assert sandbox.order(order.shipment_box_id).invoice_number == "700000000002"
    assert [result.succeed for result in results] == [True]
    assert [request.status for request in sandbox.requests_to(endpoint)] == [429, 200]


# --- paging ---


def test_order_sheets_page_with_next_token(sandbox, client):
    expected = {str(order.shipment_box_id) for order in sandbox.generate_orders(12, status="NONE_TRACKING")}
    sheets = list(client.iter_order_sheets(DAY_FROM, DAY_TO, "NONE_TRACKING", max_per_page=5))
    assert [sheet.shipment_box_id for sheet in sheets] == sorted(expected, key=int)
    requests = sandbox.requests_to("order_sheets")
    tokens = [request.params.get("nextToken") for request in requests]
    assert tokens[0] is None and all(tokens[1:]) and len(set(tokens)) == 3, "each page's token sent back"
    assert {request.params["maxPerPage"] for request in requests} == {"5"}


def test_long_ranges_are_read_in_31_day_windows(sandbox, client):
    old = sandbox.add_order(status="NONE_TRACKING", ordered_at=NOW - timedelta(days=38))
    recent = sandbox.add_order(status="NONE_TRACKING", ordered_at=NOW - timedelta(days=2))
    sheets = list(client.iter_order_sheets(DAY_TO - timedelta(days=40), DAY_TO, "NONE_TRACKING"))
    assert [sheet.shipment_box_id for sheet in sheets] == [str(old.shipment_box_id), str(recent.shipment_box_id)]
    windows = [(request.params["createdAtFrom"], request.params["createdAtTo"]) for request in sandbox.requests]
    assert windows == [("2026-02-04+08:00", "2026-03-06+08:00"), ("2026-03-07+08:00", "2026-03-16+08:00")]


def test_order_sheets_of_several_statuses(sandbox, client):
    sheets = list(client.iter_order_sheets_by_statuses(DAY_FROM, DAY_TO))
    assert sorted(sheet.shipment_box_id for sheet in sheets) == sorted(
        str(order.shipment_box_id) for order in sandbox.orders(market="TW")
    )
    assert len(sandbox.requests) == 6


def test_return_centers_across_pages(sandbox, client):
    for index in range(60):
        sandbox.add_return_center(f"退貨中心 {index}")
    centers = list(client.iter_return_centers())
    assert [center.code for center in centers] == sandbox.return_center_codes()
    assert [request.params["pageNum"] for request in sandbox.requests] == ["1", "2"]
    first = centers[0]
    assert (first.name, first.usable, first.deliver_code) == ("7-ELEVEN 退貨中心", True, "")
    assert first.address == "337 桃園市大園區航勤北路28號"
    assert first.raw["returnCenterCode"] == first.code


def test_outbound_places_across_pages(sandbox, client):
    places = list(client.iter_outbound_places(page_size=1))
    assert [place.code for place in places] == ["2500001", "2500002"]
    assert [request.params["pageNum"] for request in sandbox.requests] == ["1", "2"]
    assert places[1].name == "桃園物流中心" and places[1].address.startswith("338 桃園市")


def test_paging_arguments_are_checked(client):
    with pytest.raises(ValueError):
        client.iter_order_sheets(DAY_FROM, DAY_TO, "ACCEPT", max_per_page=51)
    with pytest.raises(ValueError):
        client.iter_order_sheets_by_statuses(DAY_FROM, DAY_TO, ["ACCEPT", "PAID"])
    with pytest.raises(ValueError):
        client.iter_return_centers(page_size=0)


# --- acknowledgement ---


def test_acknowledge_moves_boxes_and_reports_each_box(sandbox, client):
    accepted = sandbox.orders(status="ACCEPT", market="TW")[:2]
    instructed = sandbox.orders(status="INSTRUCT", market="TW")[0]
    box_ids = [order.shipment_box_id for order in accepted] + [instructed.shipment_box_id, 123]
    results = client.acknowledge(box_ids)
    assert [result.shipment_box_id for result in results] == [str(box_id) for box_id in box_ids]
    assert [result.succeed for result in results] == [True, True, False, False]
    assert [result.result_code for result in results[2:]] == ["INVALID_STATUS", "NOT_FOUND_SHIPMENT_BOX"]
    assert {order.status for order in accepted} == {"INSTRUCT"}
    assert client.get_order_sheet(accepted[0].shipment_box_id).status == "INSTRUCT"


def test_acknowledge_sends_batches_of_at_most_50(sandbox, client):
    orders = sandbox.generate_orders(120)
    results = client.acknowledge([order.shipment_box_id for order in orders])
    assert len(results) == 120 and all(result.succeed for result in results)
    batches = [request.json["shipmentBoxIds"] for request in sandbox.requests_to("acknowledge")]
    assert [len(batch) for batch in batches] == [50, 50, 20]
    assert batches[0][0] == orders[0].shipment_box_id, "ids travel as exact JSON numbers"
    assert {request.json["vendorId"] for request in sandbox.requests_to("acknowledge")} == {"A00012345"}


def test_acknowledge_failures_inside_a_200(sandbox, client):
    first, second, third = sandbox.generate_orders(3)
    sandbox.inject("acknowledge", "box_failure", box_ids=[second.shipment_box_id], result_code="UNDEFINED_ERROR_OCCUR")
    results = client.acknowledge([first.shipment_box_id, second.shipment_box_id, third.shipment_box_id])
    assert [result.succeed for result in results] == [True, False, True]
    assert (results[1].result_code, results[1].retry_required, results[1].message) == (
        "UNDEFINED_ERROR_OCCUR",
        True,
        "알수없는 오류",
    )
    assert second.status == "ACCEPT"
    assert sandbox.requests_to("acknowledge")[0].status == 200


def test_a_failed_batch_keeps_the_results_of_the_batches_before_it(sandbox, client):
    orders = sandbox.generate_orders(60)
    sandbox.inject("acknowledge", "status", status=503, skip=1)
    with pytest.raises(ServiceUnavailableError) as caught:
        client.acknowledge([order.shipment_box_id for order in orders])
    assert len(caught.value.partial_results) == 50
    assert all(result.succeed for result in caught.value.partial_results)


def test_acknowledging_a_cancelled_box_fails(sandbox, client):
    order = sandbox.add_order()
    sandbox.cancel_order(order.shipment_box_id)
    (result,) = client.acknowledge([order.shipment_box_id])
    assert (result.succeed, result.result_code) == (False, "ORDER_DELIVERY_CANCELED")


# --- invoices ---


def test_upload_invoices_ships_boxes_in_batches_of_whole_boxes(sandbox, client):
    orders = instruct_orders(sandbox, 60, items=[("CP-TEA-001", 1), ("CP-CUP-001", 2)])
    entries = [entry for index, order in enumerate(orders) for entry in invoice_entries(order, f"6800{index:08d}")]
    results = client.upload_invoices(entries)
    assert len(results) == 60 and all(result.succeed for result in results)
    assert {order.status for order in orders} == {"DEPARTURE"}
    assert orders[0].invoice_number == "680000000000" and orders[0].delivery_company_name == "CJ 대한통운"
    bodies = [request.json["orderSheetInvoiceApplyDtos"] for request in sandbox.requests_to("upload_invoices")]
    assert [len({dto["shipmentBoxId"] for dto in body}) for body in bodies] == [50, 10]
    assert [len(body) for body in bodies] == [100, 20], "both lines of a box travel together"
    assert bodies[0][0] == {
        "shipmentBoxId": orders[0].shipment_box_id,
        "orderId": orders[0].order_id,
        "vendorItemId": orders[0].lines[0].vendor_item_id,
        "deliveryCompanyCode": "CJGLS",
        "invoiceNumber": "680000000000",
        "splitShipping": False,
        "preSplitShipped": False,
        "estimatedShippingDate": "",
    }


def test_upload_invoices_reports_failures_per_box(sandbox, client):
    ok, missing_item, duplicate, cancelled = instruct_orders(sandbox, 4, items=[("CP-TEA-001", 1), ("CP-SNK-001", 1)])
    accepted = sandbox.add_order()
    sandbox.cancel_order(cancelled.shipment_box_id)
    entries = [
        *invoice_entries(ok, "500000000001"),
        *invoice_entries(missing_item, "500000000002")[:1],
        *invoice_entries(duplicate, "500000000001"),
        *invoice_entries(cancelled, "500000000004"),
        *invoice_entries(accepted, "500000000005"),
    ]
    results = {result.shipment_box_id: result for result in client.upload_invoices(entries)}
    codes = [results[str(order.shipment_box_id)].result_code for order in (ok, missing_item, duplicate, cancelled)]
    assert codes == ["OK", "NOT_FOUND_VENDOR_ITEM", "DUPLICATE_INVOICE_NUMBER", "ORDER_DELIVERY_CANCELED"]
    assert results[str(accepted.shipment_box_id)].result_code == "INVALID_STATUS"
    assert (ok.status, missing_item.status, duplicate.status) == ("DEPARTURE", "INSTRUCT", "INSTRUCT")


def test_refused_invoices_that_only_a_person_can_fix(sandbox, client):
    ok, duplicate, busy = instruct_orders(sandbox, 3)
    accepted = sandbox.add_order()
    sandbox.inject("upload_invoices", "box_failure", box_ids={busy.shipment_box_id})
    entries = [
        *invoice_entries(ok, "500000000001"),
        *invoice_entries(duplicate, "500000000001"),
        *invoice_entries(busy, "500000000003"),
        *invoice_entries(accepted, "500000000004"),
    ]
    results = {result.shipment_box_id: result for result in client.upload_invoices(entries)}
    answers = [
        (results[str(order.shipment_box_id)].result_code, results[str(order.shipment_box_id)].needs_person)
        for order in (ok, duplicate, busy, accepted)
    ]
    assert answers == [
        ("OK", False),
        ("DUPLICATE_INVOICE_NUMBER", True),
        ("UNDEFINED_ERROR_OCCUR", False),
        ("INVALID_STATUS", False),
    ]


def test_upload_invoice_failure_injected_inside_a_200(sandbox, client):
    order = instruct_orders(sandbox, 1)[0]
    sandbox.inject("upload_invoices", "box_failure", result_code="INVALID_INVOICE_NUMBER", message="bad number")
    (result,) = client.upload_invoices(invoice_entries(order, "123"))
    assert (result.succeed, result.result_code, result.message) == (False, "INVALID_INVOICE_NUMBER", "bad number")
    assert order.status == "INSTRUCT"


def test_update_invoices_only_after_departure(sandbox, client):
    shipped, preparing = instruct_orders(sandbox, 2)
    client.upload_invoices(invoice_entries(shipped, "400000000001"))
    results = client.update_invoices(
        invoice_entries(shipped, "400000000009", courier="HANJIN") + invoice_entries(preparing, "400000000002")
    )
    assert [(result.succeed, result.result_code) for result in results] == [(True, "OK"), (False, "INVALID_STATUS")]
    sheet = client.get_order_sheet(shipped.shipment_box_id)
    assert (sheet.status, sheet.invoice_number, sheet.delivery_company_name) == (
        "DEPARTURE",
        "400000000009",
        "한진택배",
    )


def test_korean_courier_codes_are_available():
    assert {"CJGLS", "HANJIN", "HYUNDAI", "KGB", "EPOST", "KDEXP", "DIRECT"} <= KR_COURIER_CODES.keys()


# --- order sheet contents ---


def test_v5_money_objects_and_exact_ids(sandbox, client):
    order = sandbox.add_order(items=[("CP-TEA-003", 2)], delivery="home")
    line = order.lines[0]
    line.sales_price, line.instant_coupon_discount = Decimal("99.5"), Decimal("0.25")
    line.downloadable_coupon_discount = line.coupang_discount = Decimal(0)
    sheet = client.get_order_sheet(order.shipment_box_id)
    assert sheet.shipment_box_id == str(order.shipment_box_id) and len(sheet.shipment_box_id) == 18
    assert sheet.order_id == str(order.order_id) and len(sheet.order_id) == 14
    item = sheet.items[0]
    assert item.vendor_item_id == str(line.vendor_item_id)
    assert item.sales_price == Money(Decimal("99.5"), "TWD")
    assert item.order_price == Money(Decimal("199"), "TWD")
    assert item.instant_coupon_discount == item.discount_price == Money(Decimal("0.25"), "TWD")
    assert item.external_vendor_sku_code == "CP-TEA-003" and item.quantity_to_ship == 2
    assert sheet.ordered_at == order.ordered_at and sheet.ordered_at.utcoffset() == timedelta(hours=8)
    assert sheet.currency == "TWD" and sheet.shipping_price.currency == "TWD"
    assert sheet.raw["shipmentBoxId"] == order.shipment_box_id
    assert "taxReceiptInfo" in sheet.extra_properties


def test_order_sheet_carries_cod_parcel_message_and_e_invoice_request(sandbox, client):
    order = sandbox.add_order(items=[("CP-TEA-003", 1)], delivery="seven_eleven")
    sandbox.factory.make_cod_business_order(order)
    sheet = client.get_order_sheet(order.shipment_box_id)
    assert sheet.is_cod and sheet.parcel_print_message == "到店請簡訊通知"
    assert sheet.tax_receipt == TaxReceipt("E-GUI", "BUSINESS", "24536806")


def test_korean_order_sheet_has_no_tax_receipt(sandbox):
    order = sandbox.add_order("KR", items=[("CP-TEA-001", 1)])
    with make_client(sandbox, market="KR") as client:
        assert client.get_order_sheet(order.shipment_box_id).tax_receipt is None


def test_a_row_with_an_unreadable_tax_receipt_is_kept_for_review():
    row = {"shipmentBoxId": 1, "orderId": 2, "orderItems": [{"vendorItemId": 3, "shippingCount": 1}]}
    row["extraProperties"] = {"taxReceiptInfo": "BUSINESS"}
    (sheet,) = parse_order_sheets([row], "TW")
    assert isinstance(sheet, UnreadableOrderSheet) and sheet.raw is row


def test_v4_plain_numbers_are_priced_in_the_market_currency(sandbox):
    order = sandbox.add_order("KR", items=[("CP-TEA-001", 3)])
    with make_client(sandbox, market="KR", api_version="v4") as client:
        sheet = client.get_order_sheet(order.shipment_box_id)
    assert sandbox.requests[-1].path.startswith("/v2/providers/openapi/apis/api/v4/")
    assert sheet.items[0].sales_price == Money(Decimal(18000), "KRW")
    assert sheet.shipping_price == Money(Decimal(3000), "KRW")
    assert sheet.ordered_at == order.ordered_at and sheet.ordered_at.utcoffset() == timedelta(hours=9)
    assert sheet.shipment_box_id == str(order.shipment_box_id)


def test_parses_documented_v5_and_v4_samples():
    v5 = loads(
        '{"shipmentBoxId": 853138000000005666, "orderId": 31000012345678,'
        ' "orderedAt": "2025-08-01T13:05:22.123456789Z", "paidAt": "2025-08-01 13:05:40",'
        ' "shippingPrice": {"currencyCode": "TWD", "units": "60", "nanos": 500000000}, "remotePrice": null,'
        ' "receiver": {"addr1": "7-ELEVEN 信義門市 (店號 123456)"},'
        ' "orderItems": [{"vendorItemId": 80000000001, "shippingCount": 3, "cancelCount": 1,'
        ' "holdCountForCancel": 1, "salesPrice": 19900.5, "discountPrice": null}]}'.encode()
    )
    sheet = parse_order_sheet(v5, "KR")
    assert sheet.shipment_box_id == "853138000000005666"
    assert sheet.currency == "TWD" and sheet.shipping_price == Money(Decimal("60.5"), "TWD")
    assert sheet.remote_price is None
    assert sheet.ordered_at == datetime(2025, 8, 1, 13, 5, 22, 123456, tzinfo=timezone.utc)
    assert sheet.paid_at == datetime(2025, 8, 1, 13, 5, 40, tzinfo=timezone(timedelta(hours=9)))
    item = sheet.items[0]
    assert item.sales_price == Money(Decimal("19900.5"), "TWD") and item.discount_price.amount == 0
    assert item.quantity_to_ship == 1
    assert sheet.delivery == DeliveryInfo("seven_eleven", "123456", "信義門市")


def test_an_order_sheet_of_unexpected_shape_is_malformed():
    with pytest.raises(MalformedResponseError, match="an order sheet"), reading("an order sheet"):
        parse_order_sheet({"orderId": 1}, "TW")


def rendered(sandbox, **changes):
    """A sandbox order's v5 order sheet, with top-level or first-item ``changes``."""
    raw = Renderer("v5", "TWD", "TW").order(sandbox.add_order(items=[("CP-TEA-001", 2)]))
    for key, value in changes.items():
        (raw if key in raw else raw["orderItems"][0])[key] = value
    return raw


def test_a_broken_row_of_a_list_does_not_hide_the_others(sandbox):
    good, broken, other = rendered(sandbox), rendered(sandbox, shippingCount="two"), rendered(sandbox)
    sheets = parse_order_sheets([good, broken, None, other], "TW")
    assert [sheet.shipment_box_id for sheet in sheets[::3]] == [str(good["shipmentBoxId"]), str(other["shipmentBoxId"])]
    unreadable = sheets[1]
    assert isinstance(unreadable, UnreadableOrderSheet) and unreadable.raw is broken
    assert (unreadable.shipment_box_id, unreadable.order_id) == (str(broken["shipmentBoxId"]), str(broken["orderId"]))
    assert unreadable.status == "ACCEPT" and unreadable.reason.code == "unreadable_order"
    assert unreadable.reason.params["error"].startswith("ValueError: ") and "two" in unreadable.reason.params["error"]
    assert isinstance(sheets[2], UnreadableOrderSheet) and sheets[2].shipment_box_id.startswith("unreadable-")
    assert parse_order_sheets([None], "TW")[0].shipment_box_id == sheets[2].shipment_box_id, "a stable key"


@pytest.mark.parametrize(
    "changes",
    [
        {"shipmentBoxId": "12-34"},
        {"shipmentBoxId": True},
        {"orderId": [1]},
        {"vendorItemId": 8.5},
        {"status": "SHIPPED_TO_MARS"},
        {"orderItems": []},
        {"shippingCount": 0},
        {"shippingCount": 1.5},
        {"cancelCount": -1},
        {"holdCountForCancel": "-3"},
        {"orderPrice": {"currencyCode": "TWD", "units": "Infinity", "nanos": 0}},
        {"salesPrice": {"currencyCode": "TWD", "units": "12a", "nanos": 0}},
        {"shippingPrice": {"currencyCode": 901, "units": 60, "nanos": 0}},
        {"shippingPrice": [60]},
        {"orderedAt": 1767225600},
    ],
)
def test_rows_that_are_no_order_sheet_are_unreadable(sandbox, changes):
    (sheet,) = parse_order_sheets([rendered(sandbox, **changes)], "TW")
    assert isinstance(sheet, UnreadableOrderSheet), sheet


def test_ids_sent_as_text_and_huge_ids_are_read(sandbox):
    (sheet,) = parse_order_sheets([rendered(sandbox, shipmentBoxId=" 10000000000000000000001", orderId="31")], "TW")
    assert (sheet.shipment_box_id, sheet.order_id) == ("10000000000000000000001", "31")


@pytest.mark.parametrize(
    ("delivery", "kind"), [("seven_eleven", "seven_eleven"), ("familymart", "familymart"), ("home", "home")]
)
def test_delivery_kind_from_the_receiver(sandbox, client, delivery, kind):
    order = sandbox.add_order(delivery=delivery)
    info = client.get_order_sheet(order.shipment_box_id).delivery
    assert info.kind == kind
    if kind == "home":
        assert (info.store_id, info.store_name) == ("", "")
    else:
        store_id = re.search(r"店號 (\d+)", order.receiver["addr1"]).group(1)
        assert info.store_id == store_id and info.store_name and info.store_name in order.receiver["addr1"]


@pytest.mark.parametrize(
    ("addr1", "expected"),
    [
        ("7-11 松仁門市（店號：987654）", DeliveryInfo("seven_eleven", "987654", "松仁門市")),
        ("統一超商 7-ELEVEN 信義門市 (店號 123456)", DeliveryInfo("seven_eleven", "123456", "信義門市")),
        ("FamilyMart 台大店 (店號 006598)", DeliveryInfo("familymart", "006598", "台大店")),
        ("全家便利商店 新竹店", DeliveryInfo("familymart", "", "新竹店")),
        ("臺北市大安區忠孝東路四段1號", DeliveryInfo("home")),
        ("", DeliveryInfo("home")),
    ],
)
def test_delivery_info_forms(addr1, expected):
    assert delivery_from_receiver(Receiver("", "", "", addr1, "", "")) == expected


def test_address_change_and_cancellation_show_in_the_order_sheet(sandbox, client):
    order = sandbox.add_order(items=[("CP-TEA-001", 2), ("CP-POT-001", 1)], delivery="home")
    sandbox.change_address(order.shipment_box_id, addr1="全家 台大店 (店號 006598)", addr2="", postCode="106")
    sandbox.cancel_order(order.shipment_box_id, [order.lines[1].vendor_item_id])
    sheet = client.get_order_sheet(order.shipment_box_id)
    assert sheet.receiver.addr1 == "全家 台大店 (店號 006598)" and sheet.receiver.post_code == "106"
    assert sheet.delivery.kind == "familymart"
    assert [(item.canceled, item.quantity_to_ship) for item in sheet.items] == [(False, 2), (True, 0)]


def test_recorded_bodies_are_json_with_exact_big_ids(sandbox, client):
    order = instruct_orders(sandbox, 1)[0]
    client.upload_invoices(invoice_entries(order, "300000000001"))
    body = sandbox.requests_to("upload_invoices")[0].json
    assert body["orderSheetInvoiceApplyDtos"][0]["shipmentBoxId"] == order.shipment_box_id
    assert json.loads(json.dumps(body)) == body


def test_aware_datetimes_are_read_as_the_market_days(sandbox, client):
    # 16:30 UTC on 15 March is already 16 March in Taipei (UTC+8).
    evening = datetime(2026, 3, 15, 16, 30, tzinfo=timezone.utc)
    list(client.iter_order_sheets(evening - timedelta(days=1), evening, "ACCEPT"))
    assert "createdAtFrom=2026-03-15%2B08:00&createdAtTo=2026-03-16%2B08:00" in sandbox.requests[-1].query


def test_naive_datetimes_are_refused(client):
    with pytest.raises(ValueError, match="aware datetime"):
        client.iter_order_sheets(datetime(2026, 3, 1), datetime(2026, 3, 16), "ACCEPT")


def test_a_sheet_knows_what_is_to_ship_and_coupangs_total(sandbox):
    raw = Renderer("v5", "TWD", "TW").order(sandbox.add_order(items=[("CP-TEA-001", 2), ("CP-TEA-002", 1)]))
    first, second = raw["orderItems"]
    first.update(cancelCount=1, holdCountForCancel=0)
    second.update(cancelCount=0, holdCountForCancel=1)
    (sheet,) = parse_order_sheets([raw], "TW")
    kept, canceled = sheet.items
    assert (kept.quantity_to_ship, canceled.quantity_to_ship) == (1, 0)
    assert sheet.items_to_ship == (kept,)
    assert not sheet.is_fully_canceled
    half = (kept.order_price.amount - kept.discount_price.amount) / 2
    assert sheet.coupang_total == half + sheet.shipping_price.amount
    first.update(cancelCount=2)
    (canceled_sheet,) = parse_order_sheets([raw], "TW")
    assert canceled_sheet.is_fully_canceled and canceled_sheet.coupang_total == sheet.shipping_price.amount


# --- bounds: every list ends, no page is larger than asked for, no call outlives its deadline ---

BOUNDS_PAGE_SIZE = 5
EMPTY_DAY = date(2020, 1, 6)


def listed_boxes(sandbox, count):
    return {str(order.shipment_box_id) for order in sandbox.generate_orders(count, status="NONE_TRACKING")}


def read_list(client, **options):
    return list(client.iter_order_sheets(DAY_FROM, DAY_TO, "NONE_TRACKING", max_per_page=BOUNDS_PAGE_SIZE, **options))


def test_a_repeated_next_token_ends_the_window_with_an_error(sandbox):
    listed_boxes(sandbox, 12)
    sandbox.inject("order_sheets", "repeated_token", times=None)
    with make_client(sandbox) as client, pytest.raises(RepeatedPageTokenError) as caught:
        read_list(client)
    assert (caught.value.code, caught.value.pages) == ("REPEATED_NEXT_TOKEN", 2)
    assert len(sandbox.requests_to("order_sheets")) == 2


def test_a_list_of_endless_pages_ends_at_the_bound_on_pages(sandbox):
    listed_boxes(sandbox, 12)
    sandbox.inject("order_sheets", "endless_pages", times=None)
    with make_client(sandbox, max_pages=7) as client, pytest.raises(TooManyPagesError) as caught:
        read_list(client)
    assert (caught.value.code, caught.value.pages) == ("TOO_MANY_PAGES", 7)
    assert len(sandbox.requests_to("order_sheets")) == 7


def test_endless_returns_pages_end_too(sandbox):
    sandbox.inject("return_requests", "endless_pages", times=None)
    with make_client(sandbox, max_pages=4) as client, pytest.raises(TooManyPagesError):
        list(client.iter_return_requests(NOW - timedelta(days=3), NOW, cancel_type="CANCEL"))
    assert len(sandbox.requests_to("return_requests")) == 4


def test_an_oversized_page_is_refused_whole_and_its_rows_kept(sandbox):
    expected = listed_boxes(sandbox, 12)
    sandbox.inject("order_sheets", "oversized_page")
    with make_client(sandbox) as client, pytest.raises(OversizedPageError) as caught:
        read_list(client)
    error = caught.value
    assert (error.code, error.asked, error.received) == ("OVERSIZED_PAGE", BOUNDS_PAGE_SIZE, 12)
    assert all(isinstance(row, UnreadableOrderSheet) for row in error.rows)
    assert {row.shipment_box_id for row in error.rows} == expected
    assert {row.raw["shipmentBoxId"] for row in error.rows} == {int(box_id) for box_id in expected}
    assert {row.reason for row in error.rows} == {RowReason("oversized_page_row", {"received": 12, "asked": 5})}


def test_oversized_pages_of_the_other_lists_are_refused(sandbox):
    sandbox.inject("outbound_places", "oversized_page")
    with make_client(sandbox) as client, pytest.raises(OversizedPageError) as caught:
        list(client.iter_outbound_places(page_size=1))
    assert (caught.value.asked, caught.value.received) == (1, 2)


def test_a_trickling_answer_ends_at_the_call_s_deadline(sandbox):
    # An empty list (about 60 bytes) at a byte every 0.2 s: a read timeout of 2 s never fires.
    sandbox.inject("order_sheets", "trickle", seconds=0.2, times=None)
    with make_client(sandbox, call_deadline=1.0) as client, pytest.raises(NoAnswerError):
        list(client.iter_order_sheets(EMPTY_DAY, EMPTY_DAY, "NONE_TRACKING"))
    assert len(sandbox.requests_to("order_sheets")) == 1, "no try started past the deadline"


def test_a_stalled_answer_ends_at_the_call_s_deadline_without_another_try(sandbox):
    listed_boxes(sandbox, 3)
    sandbox.inject("order_sheets", "stall", times=None)
    with (
        make_client(sandbox, timeout=(2, 30), retries=3, call_deadline=1.0) as client,
        pytest.raises(NoAnswerError),
    ):
        read_list(client)
    assert len(sandbox.requests_to("order_sheets")) == 1


TAIPEI = timezone(timedelta(hours=8))


def minute_windows(sandbox):
    calls = sandbox.requests_to("order_sheets")
    assert {call.status for call in calls} == {200}
    for call in calls:
        assert call.params["searchType"] == "timeFrame" and call.params["status"] == "ACCEPT"
        assert not {"nextToken", "maxPerPage"} & set(call.params)
    return [(call.params["createdAtFrom"], call.params["createdAtTo"]) for call in calls]


def test_minute_mode_reads_order_sheets_in_windows_within_a_market_day(sandbox, client):
    """A minute window across the market's midnight is refused (lookup-order-list-per-minute "해당 일자 내
    24시간이내"): the client cuts there, and below a whole day."""
    start = datetime(2026, 3, 15, 23, 0, 30, tzinfo=TAIPEI)
    list(client.iter_order_sheets(start, start + timedelta(hours=26), "ACCEPT", by_minute=True))
    assert minute_windows(sandbox) == [
        ("2026-03-15T23:00+08:00", "2026-03-16T00:00+08:00"),
        ("2026-03-16T00:00+08:00", "2026-03-16T23:59+08:00"),
        ("2026-03-16T23:59+08:00", "2026-03-17T00:00+08:00"),
        ("2026-03-17T00:00+08:00", "2026-03-17T01:01+08:00"),
    ]


def test_minute_mode_in_v4_sends_the_market_time_without_offset(sandbox):
    start = datetime(2026, 3, 15, 14, 10, tzinfo=timezone.utc)  # 23:10 in Seoul
    with make_client(sandbox, market="KR", api_version="v4") as client:
        list(client.iter_order_sheets(start, start + timedelta(minutes=20), "ACCEPT", by_minute=True))
    assert minute_windows(sandbox) == [("2026-03-15T23:10", "2026-03-15T23:30")]


def test_minute_mode_lists_the_orders_paid_in_the_window_only():
    end = NOW.astimezone(TAIPEI).replace(second=0)
    with CoupangSandbox(seed=22, tw_orders=0, kr_orders=0, now=NOW) as sandbox, make_client(sandbox) as client:
        inside = [sandbox.add_order(ordered_at=end - timedelta(minutes=minutes)) for minutes in (1, 50, 120)]
        for moment in (end, end - timedelta(minutes=121), end - timedelta(days=1)):
            sandbox.add_order(ordered_at=moment)
        sheets = list(client.iter_order_sheets(end - timedelta(hours=2), end, "ACCEPT", by_minute=True))
    listed = sorted(str(sheet.shipment_box_id) for sheet in sheets)
    assert listed == sorted(str(order.shipment_box_id) for order in inside)


def test_minute_mode_takes_aware_datetimes_only(client):
    with pytest.raises(ValueError, match="aware datetimes"):
        client.iter_order_sheets(datetime(2026, 3, 15, 10), datetime(2026, 3, 15, 11), "ACCEPT", by_minute=True)
