"""The Coupang sandbox itself: gateway checks, documented parameters and shapes, faults, demo data."""

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

import coupang_sandbox
from coupang_sandbox import SKU_CATALOGUE, CoupangSandbox
from coupang_sandbox.__main__ import demo_sandbox, parse_arguments
from ec_coupang.coupang import CoupangClient, authorization_header

NOW = datetime(2026, 3, 16, 4, 0, tzinfo=timezone.utc)
VENDOR_PATH = "/v2/providers/openapi/apis/api/{version}/vendors/{vendor}"
CENTERS_PATH = "/v2/providers/openapi/apis/api/v5/vendors/A00012345/returnShippingCenters"
OUTBOUND_PATH = "/v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound"
ACK_PATH = "/v2/providers/openapi/apis/api/v4/vendors/A00012345/ordersheets/acknowledgement"
ORDERS_QUERY = "createdAtFrom=2026-03-01%2B08:00&createdAtTo=2026-03-16%2B08:00&status=ACCEPT"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=11, now=NOW) as server:
        yield server


def orders_path(version="v5", vendor="A00012345"):
    return VENDOR_PATH.format(version=version, vendor=vendor) + "/ordersheets"


def call(sandbox, method, path, query="", *, body=None, market="TW", secret=None, authorization=None, headers=()):
    """A request signed and sent with the headers Coupang documents (``headers`` changes or, with
    None, leaves some out), the query exactly as given."""
    vendor = sandbox.demo_vendor
    if authorization is None:
        authorization = authorization_header(vendor.access_key, secret or vendor.secret_key, method, path, query)
    headers = {
        "Authorization": authorization,
        "X-Requested-By": vendor.vendor_id,
        "X-MARKET": market,
        "Content-Type": "application/json;charset=UTF-8",
        **dict(headers),
    }
    headers = {name: value for name, value in headers.items() if value is not None}
    url = f"{sandbox.base_url}{path}?{query}" if query else f"{sandbox.base_url}{path}"
    data = json.dumps(body).encode() if body is not None else None
    return requests.request(method, url, data=data, headers=headers, timeout=5, allow_redirects=False)


def rendered_orders(sandbox):
    return [(order.shipment_box_id, order.order_id, order.receiver, order.status) for order in sandbox.orders()]


# --- demo data ---


def readme_section(title):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    return readme.split(f"\n{title}\n", 1)[1].split("\n#", 1)[0]


def test_the_readmes_new_account_walk_connects_a_second_store_in_taiwan():
    """The demo account holds the demo store in Taiwan (one active account per store): the README's
    walk for a new account names another store of the sandbox, which sells in Taiwan."""
    walk = readme_section("### A new account on the sandbox")
    stores = re.findall(r"Vendor ID `(\w+)`, Access Key\s+`([\w-]+)`,\s+Secret Key\s+`([\w-]+)`", walk)
    with CoupangSandbox(seed=11, now=NOW) as sandbox:
        [(vendor_id, access_key, secret_key)] = [store for store in stores if store[0] != sandbox.demo_vendor.vendor_id]
        client = CoupangClient(vendor_id, access_key, secret_key, base_url=sandbox.base_url, market="TW")
        client.check_connection()
        assert list(client.iter_return_centers())
        assert list(client.iter_outbound_places())


def test_the_demo_sandbox_has_buyers_asking_to_stop_orders_being_prepared():
    """``python -m coupang_sandbox`` seeds stop-shipment requests, so the demo's requests list and
    dashboard have something to answer."""
    sandbox = demo_sandbox(parse_arguments(["--port", "0", "--stop-requests", "2"]))
    with sandbox:
        vendor = sandbox.demo_vendor
        client = CoupangClient(
            vendor.vendor_id, vendor.access_key, vendor.secret_key, base_url=sandbox.base_url, market="TW"
        )
        now = sandbox.now()
        rows = list(client.iter_return_requests(now - timedelta(hours=1), now, cancel_type="RETURN", status="RU"))
    assert len(rows) == 2
    assert {sandbox.order(int(box)).status for row in rows for box in row.shipment_box_ids} == {"INSTRUCT"}
    assert not demo_sandbox(parse_arguments(["--port", "0", "--stop-requests", "0"])).returns.receipts


def test_the_demo_sandbox_has_products_and_buyers_inquiries_to_answer():
    sandbox = demo_sandbox(parse_arguments(["--port", "0", "--inquiries", "2"]))
    with sandbox:
        vendor = sandbox.demo_vendor
        client = CoupangClient(
            vendor.vendor_id, vendor.access_key, vendor.secret_key, base_url=sandbox.base_url, market="TW"
        )
        today = sandbox.now().astimezone(timezone(timedelta(hours=8))).date()
        questions = list(client.iter_product_inquiries(today - timedelta(days=1), today, answered="NOANSWER"))
        calls = list(client.iter_call_center_inquiries(today - timedelta(days=1), today, status="NO_ANSWER"))
        products = list(client.iter_seller_products())
    assert (len(questions), len(calls)) == (2, 2)
    assert all(call.awaits_answer and call.order_id for call in calls)
    assert [product.seller_product_id for product in products] == [
        str(item.seller_product_id) for item in SKU_CATALOGUE
    ]
    assert not demo_sandbox(parse_arguments(["--port", "0", "--inquiries", "0"])).inquiries.inquiries


def test_demo_data_is_reproducible_per_seed():
    assert rendered_orders(CoupangSandbox(seed=5, now=NOW)) == rendered_orders(CoupangSandbox(seed=5, now=NOW))
    assert rendered_orders(CoupangSandbox(seed=5, now=NOW)) != rendered_orders(CoupangSandbox(seed=6, now=NOW))


def test_taiwan_orders_cover_store_pickup_and_home_delivery():
    orders = CoupangSandbox(seed=3, now=NOW).orders(market="TW")
    first_lines = [order.receiver["addr1"] for order in orders]
    assert any(re.match(r"7-ELEVEN .+ \(店號 \d{6}\)$", addr1) for addr1 in first_lines)
    assert any(re.match(r"全家 .+ \(店號 \d{6}\)$", addr1) for addr1 in first_lines)
    assert any(
        addr1[:3] in ("臺北市", "新北市", "桃園市", "新竹縣", "臺中市", "臺南市", "高雄市") for addr1 in first_lines
    )
    catalogue = {item.sku for item in SKU_CATALOGUE}
    for order in orders:
        assert order.currency == "TWD"
        assert len(str(order.shipment_box_id)) == 18 and len(str(order.order_id)) == 14
        assert 1 <= len(order.lines) <= 3
        assert {line.external_vendor_sku_code for line in order.lines} <= catalogue
    assert any(line.discount_price for order in orders for line in order.lines)
    assert any(order.shipping_price for order in orders)


def test_korean_orders_are_in_won_with_korean_addresses():
    orders = CoupangSandbox(seed=3, now=NOW).orders(market="KR")
    assert orders
    for order in orders:
        assert order.currency == "KRW"
        assert HANGUL.search(order.receiver["addr1"])


def test_demo_vendor_has_pickup_return_centers_and_outbound_places():
    sandbox = CoupangSandbox(seed=1, now=NOW)
    names = [place.name for place in sandbox.store.vendor_places("A00012345", "return_center")]
    assert any("7-ELEVEN" in name for name in names) and any("全家" in name for name in names)
    assert len(sandbox.outbound_place_codes()) >= 2


def test_generates_5000_orders_fast():
    sandbox = CoupangSandbox(seed=2, now=NOW, tw_orders=0, kr_orders=0)
    started = time.monotonic()
    orders = sandbox.generate_orders(5000)
    assert time.monotonic() - started < 5
    assert len({order.shipment_box_id for order in orders}) == 5000
    assert len(sandbox.orders(status="ACCEPT")) == 5000


# --- gateway ---


def test_answers_a_correctly_signed_call(sandbox):
    response = call(sandbox, "GET", orders_path(), ORDERS_QUERY)
    assert response.status_code == 200
    assert response.json()["code"] == 200


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("", "Request is not authorized."),
        ("CEA algorithm=HmacSHA256 access-key=x", "HMAC format is invalid."),
        (
            "CEA algorithm=HmacSHA256, access-key=unknown, signed-date=260316T040000Z, signature=" + "0" * 64,
            "Unknown error occurred, please contact api-gateway channel for the details.",
        ),
    ],
)
def test_refuses_missing_malformed_or_unknown_authorization(sandbox, authorization, message):
    response = call(sandbox, "GET", orders_path(), ORDERS_QUERY, authorization=authorization)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "ERROR" and body["message"] == message and body["transactionId"]


def test_signature_covers_the_raw_query(sandbox):
    vendor = sandbox.demo_vendor
    signed_for_other_query = authorization_header(
        vendor.access_key, vendor.secret_key, "GET", orders_path(), ORDERS_QUERY.replace("%2B", "+")
    )
    response = call(sandbox, "GET", orders_path(), ORDERS_QUERY, authorization=signed_for_other_query)
    assert (response.status_code, response.json()["message"]) == (401, "Invalid signature.")
    response = call(sandbox, "GET", orders_path(), ORDERS_QUERY, secret="wrong-secret")
    assert (response.status_code, response.json()["message"]) == (401, "Invalid signature.")


def test_signed_date_window_follows_the_sandbox_clock(sandbox):
    sandbox.set_clock_skew(240)
    assert call(sandbox, "GET", CENTERS_PATH).status_code == 200
    sandbox.set_clock_skew(-400)
    response = call(sandbox, "GET", CENTERS_PATH)
    assert (response.status_code, response.json()["message"]) == (401, "Specified signature is expired.")


def test_signature_window_is_configurable():
    with CoupangSandbox(seed=1, now=NOW, signature_window=30) as sandbox:
        sandbox.set_clock_skew(60)
        assert call(sandbox, "GET", CENTERS_PATH).status_code == 401


def test_allowed_ips_per_key(sandbox):
    sandbox.set_allowed_ips(["203.0.113.7"])
    response = call(sandbox, "GET", CENTERS_PATH)
    assert response.status_code == 403
    assert response.json()["message"] == "[FORBIDDEN] Not allowed IP. Please contact the Coupang seller call center."
    sandbox.set_allowed_ips(["203.0.113.7", "127.0.0.1"])
    assert call(sandbox, "GET", CENTERS_PATH).status_code == 200


def test_vendor_id_in_the_path_must_be_the_keys(sandbox):
    response = call(sandbox, "GET", orders_path(vendor="A99999999"), ORDERS_QUERY)
    assert response.status_code == 400
    assert response.json() == {"code": 400, "message": "invalid vendorId"}


def test_other_vendors_keys_and_orders_stay_apart(sandbox):
    other = sandbox.add_vendor("A00067890", "other-access-key", "other-secret-key")
    sandbox.add_order(vendor_id=other.vendor_id)
    path = orders_path(vendor=other.vendor_id)
    query = ORDERS_QUERY
    authorization = authorization_header(other.access_key, other.secret_key, "GET", path, query)
    response = call(
        sandbox, "GET", path, query, authorization=authorization, headers={"X-Requested-By": other.vendor_id}
    )
    assert [sheet["shipmentBoxId"] for sheet in response.json()["data"]] == [
        order.shipment_box_id for order in sandbox.orders() if order.vendor_id == other.vendor_id
    ]


# --- order sheets ---


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("createdAtFrom=2026-03-01%2B08:00&createdAtTo=2026-03-16%2B08:00", "required parameters are missing"),
        (
            "createdAtFrom=2026-02-01%2B08:00&createdAtTo=2026-03-04%2B08:00&status=ACCEPT",
            "endTime-startTime range should less than31.",
        ),
        # An unencoded "+" reaches the server as a space.
        ("createdAtFrom=2026-03-01+08:00&createdAtTo=2026-03-16+08:00&status=ACCEPT", "Invalid date format"),
    ],
)
def test_order_list_parameter_rules(sandbox, query, message):
    response = call(sandbox, "GET", orders_path(), query)
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)


def test_thirty_one_days_are_accepted(sandbox):
    query = "createdAtFrom=2026-02-14%2B08:00&createdAtTo=2026-03-16%2B08:00&status=ACCEPT"
    assert call(sandbox, "GET", orders_path(), query).status_code == 200


def test_max_per_page_is_capped_at_50(sandbox):
    sandbox.generate_orders(60)
    body = call(sandbox, "GET", orders_path(), ORDERS_QUERY + "&maxPerPage=80").json()
    assert len(body["data"]) == 50 and body["nextToken"]


def test_v5_sends_money_objects_and_iso_times(sandbox):
    sheet = call(sandbox, "GET", orders_path(), ORDERS_QUERY).json()["data"][0]
    assert set(sheet["shippingPrice"]) == {"currencyCode", "units", "nanos"}
    assert sheet["shippingPrice"]["currencyCode"] == "TWD"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+08:00", sheet["orderedAt"])
    assert "isCod" in sheet and "taxReceiptInfo" in sheet["extraProperties"]


def test_v4_sends_plain_numbers_and_naive_kst_times(sandbox):
    query = "createdAtFrom=2026-03-01&createdAtTo=2026-03-16&status=ACCEPT"
    sheet = call(sandbox, "GET", orders_path("v4"), query, market="KR").json()["data"][0]
    assert isinstance(sheet["shippingPrice"], int)
    assert isinstance(sheet["orderItems"][0]["salesPrice"], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", sheet["orderedAt"])
    order = sandbox.order(sheet["shipmentBoxId"])
    assert order.market == "KR"
    assert sheet["orderedAt"] == order.ordered_at.strftime("%Y-%m-%dT%H:%M:%S")


def test_market_header_selects_the_orders(sandbox):
    taiwan = call(sandbox, "GET", orders_path(), ORDERS_QUERY).json()["data"]
    korea = call(sandbox, "GET", orders_path(), ORDERS_QUERY.replace("%2B08", "%2B09"), market="KR").json()["data"]
    assert {sandbox.order(sheet["shipmentBoxId"]).market for sheet in taiwan} == {"TW"}
    assert {sandbox.order(sheet["shipmentBoxId"]).market for sheet in korea} == {"KR"}


def test_acknowledging_more_than_50_boxes_times_out(sandbox):
    body = {"vendorId": "A00012345", "shipmentBoxIds": list(range(1, 52))}
    response = call(sandbox, "PUT", ACK_PATH, body=body)
    assert response.status_code == 504
    assert response.json()["message"].startswith("Request timed out")


def test_cancel_and_address_change_helpers(sandbox):
    order = sandbox.add_order(items=[("CP-TEA-001", 2), ("CP-CUP-001", 1)])
    sandbox.change_address(order.shipment_box_id, addr1="臺北市信義區市府路1號", addr2="3樓")
    assert sandbox.order(order.shipment_box_id).receiver["addr1"] == "臺北市信義區市府路1號"
    sandbox.cancel_order(order.shipment_box_id, [order.lines[0].vendor_item_id])
    assert [line.canceled for line in order.lines] == [True, False]
    order.status = "INSTRUCT"
    with pytest.raises(ValueError, match="only while ACCEPT"):
        sandbox.change_address(order.shipment_box_id, addr1="elsewhere")


# --- places ---


def test_return_centers_page_with_data_content_and_pagination(sandbox):
    body = call(sandbox, "GET", CENTERS_PATH, "pageNum=2&pageSize=3").json()
    assert body["code"] == 200 and body["message"] == "SUCCESS"
    assert body["data"]["pagination"] == {"currentPage": 2, "totalPages": 2, "totalElements": 4, "countPerPage": 3}
    assert [center["returnCenterCode"] for center in body["data"]["content"]] == sandbox.return_center_codes()[3:]


def test_outbound_places_are_not_wrapped_and_can_be_filtered(sandbox):
    body = call(sandbox, "GET", OUTBOUND_PATH, "pageNum=1&pageSize=50").json()
    assert set(body) == {"content", "pagination"}
    assert [place["outboundShippingPlaceCode"] for place in body["content"]] == [2500001, 2500002]
    body = call(sandbox, "GET", OUTBOUND_PATH, "placeCodes=2500002").json()
    assert [place["shippingPlaceName"] for place in body["content"]] == ["桃園物流中心"]
    assert call(sandbox, "GET", OUTBOUND_PATH).status_code == 400


def test_place_helpers_add_rename_remove_and_restore(sandbox):
    new_code = sandbox.add_return_center("新竹 退貨中心")
    assert new_code not in ("1000558001", "1000558002", "1000558003", "1000558004")
    sandbox.rename_return_center("1000558001", "7-ELEVEN 新退貨中心")
    sandbox.remove_return_center(new_code)
    assert sandbox.add_return_center("another") != new_code, "codes are never given twice"
    sandbox.remove_outbound_place("2500001")
    sandbox.add_outbound_place("台北倉 出貨地", code="2500001")
    assert sorted(sandbox.outbound_place_codes()) == ["2500001", "2500002"]
    names = {center["returnCenterCode"]: center["shippingPlaceName"] for center in _centers(sandbox)}
    assert names["1000558001"] == "7-ELEVEN 新退貨中心"


def _centers(sandbox):
    return call(sandbox, "GET", CENTERS_PATH, "pageNum=1&pageSize=50").json()["data"]["content"]


# --- request log ---


def test_records_every_request(sandbox):
    body = {"vendorId": "A00012345", "shipmentBoxIds": [1]}
    call(sandbox, "PUT", ACK_PATH, body=body)
    call(sandbox, "GET", orders_path(), ORDERS_QUERY)
    recorded = sandbox.requests_to("acknowledge")
    assert len(recorded) == 1 and len(sandbox.requests) == 2
    request = recorded[0]
    assert (request.method, request.path, request.json, request.client_ip, request.status) == (
        "PUT",
        ACK_PATH,
        body,
        "127.0.0.1",
        200,
    )
    assert request.headers["x-market"] == "TW"
    listing = sandbox.requests_to("/ordersheets")[-1]
    assert listing.query == ORDERS_QUERY
    assert listing.params["createdAtFrom"] == "2026-03-01+08:00"
    sandbox.clear_requests()
    assert sandbox.requests == []


# --- faults ---


def test_status_fault_hits_the_given_number_of_requests(sandbox):
    fault = sandbox.inject(r"/returnShippingCenters$", "status", status=500, times=2)
    statuses = [call(sandbox, "GET", CENTERS_PATH).status_code for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert fault.hits == 2


def test_fault_can_skip_requests_and_send_retry_after(sandbox):
    sandbox.inject("return_centers", "status", status=429, retry_after=7, skip=1)
    assert call(sandbox, "GET", CENTERS_PATH).status_code == 200
    response = call(sandbox, "GET", CENTERS_PATH)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")


def test_block_redirect_malformed_and_truncated_faults(sandbox):
    sandbox.inject("*", "block")
    blocked = call(sandbox, "GET", CENTERS_PATH)
    assert blocked.status_code == 403 and "Access Denied" in blocked.text
    sandbox.inject("*", "redirect")
    assert call(sandbox, "GET", CENTERS_PATH).status_code == 302
    sandbox.inject("*", "malformed")
    with pytest.raises(ValueError):
        call(sandbox, "GET", CENTERS_PATH).json()
    sandbox.inject("*", "truncated")
    truncated = call(sandbox, "GET", CENTERS_PATH)
    assert truncated.status_code == 200 and truncated.text.startswith('{"code"')
    with pytest.raises(ValueError):
        json.loads(truncated.text)


def test_reset_fault_closes_the_connection(sandbox):
    sandbox.inject("return_centers", "reset")
    with pytest.raises(requests.ConnectionError):
        call(sandbox, "GET", CENTERS_PATH)
    assert sandbox.requests[-1].status is None
    assert call(sandbox, "GET", CENTERS_PATH).status_code == 200


def test_hold_fault_keeps_the_request_waiting_until_released(sandbox):
    fault = sandbox.inject("return_centers", "hold")
    with ThreadPoolExecutor(1) as executor:
        answer = executor.submit(call, sandbox, "GET", CENTERS_PATH)
        assert fault.wait_until_holding(timeout=10)
        assert not answer.done()
        fault.release()
        assert answer.result(timeout=10).status_code == 200


def test_box_failure_fault_fails_chosen_boxes_inside_a_200(sandbox):
    first, second = sandbox.generate_orders(2)
    sandbox.inject("acknowledge", "box_failure", box_ids=[second.shipment_box_id], result_code="UNDEFINED_ERROR_OCCUR")
    body = {"vendorId": "A00012345", "shipmentBoxIds": [first.shipment_box_id, second.shipment_box_id]}
    data = call(sandbox, "PUT", ACK_PATH, body=body).json()["data"]
    assert data["responseCode"] == 1
    assert [row["succeed"] for row in data["responseList"]] == [True, False]
    assert (first.status, second.status) == ("INSTRUCT", "ACCEPT")


def test_random_faults_are_reproducible_by_seed():
    def outcomes():
        with CoupangSandbox(seed=1, now=NOW) as sandbox:
            sandbox.enable_random_faults(0.5, seed=3)
            results = []
            for _ in range(16):
                try:
                    results.append(call(sandbox, "GET", CENTERS_PATH).status_code)
                except requests.ConnectionError:
                    results.append("reset")
            return results

    first = outcomes()
    assert first == outcomes()
    assert 200 in first and len(set(first)) > 1


def test_rate_limit_option_answers_429():
    with CoupangSandbox(seed=1, now=NOW, rate_limit=2) as sandbox:
        statuses = [call(sandbox, "GET", CENTERS_PATH).status_code for _ in range(4)]
        assert sandbox.rate_limited_count == statuses.count(429)
    assert statuses[:2] == [200, 200] and 429 in statuses[2:]


def test_the_cpu_time_spent_answering_is_counted_apart_for_the_benchmarks(sandbox):
    before = sandbox.cpu_seconds
    for _ in range(3):
        assert call(sandbox, "GET", orders_path(), ORDERS_QUERY).ok
    answered = sandbox.cpu_seconds - before
    assert 0 < answered < time.process_time()


def test_warn_at_option_sends_the_throttling_warning_header():
    with CoupangSandbox(seed=1, now=NOW, warn_at=2) as sandbox:
        answers = [call(sandbox, "GET", CENTERS_PATH) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert "X-CAG-Warnings" not in answers[0].headers
    assert "2 calls" in answers[1].headers["X-CAG-Warnings"]


# --- command line ---


def test_command_line_prints_base_url_and_demo_credentials():
    env = dict(os.environ, PYTHONPATH=str(Path(coupang_sandbox.__file__).resolve().parents[1]))
    process = subprocess.Popen(
        [sys.executable, "-m", "coupang_sandbox", "--port", "0", "--seed", "42"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(coupang_sandbox.__file__).resolve().parents[1],
    )
    try:
        lines = [process.stdout.readline() for _ in range(6)]
    finally:
        process.terminate()
        process.wait(timeout=10)
    output = "".join(lines)
    assert re.search(r"http://127\.0\.0\.1:\d+", output)
    for value in ("A00012345", coupang_sandbox.DEMO_ACCESS_KEY, coupang_sandbox.DEMO_SECRET_KEY):
        assert value in output


def test_a_vendor_added_with_places_has_the_demo_vendors_places():
    sandbox = CoupangSandbox(tw_orders=0, kr_orders=0)
    bare = sandbox.add_vendor("A00011111", "bare-access-key", "bare-secret-key")
    stocked = sandbox.add_vendor("A00022222", "stocked-access-key", "stocked-secret-key", places=True)

    assert sandbox.store.vendor_places(bare.vendor_id, "return_center") == []
    codes = [place.code for place in sandbox.store.vendor_places(stocked.vendor_id, "return_center")]
    assert codes == sandbox.return_center_codes()
