"""The sandbox is at least as strict as Coupang's documentation: each rule with the doc page it
comes from, over raw signed HTTP. Where the docs disagree or are silent, the strictest reading
(README, "The sandbox's rules")."""

import re
from datetime import datetime, timedelta

import pytest
from test_coupang_sandbox import call, orders_path
from test_coupang_sandbox_returns import RETURNS_PATH, answer, instruct_cancel, list_requests, shipped_return

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.api import INVALID_NEXT_TOKEN, MINUTE_RANGE_TOO_LONG, NOT_IN_TIME_FRAME, RANGE_TOO_LONG
from coupang_sandbox.gateway import INVALID_VENDOR_ID, WRONG_REGION
from coupang_sandbox.store import MARKETS
from ec_coupang.coupang import authorization_header

MINUTE = "%Y-%m-%dT%H:%M"
# Coupang docs: return-api/lookup-return-request-list-per-day, receiptStatus "취소(반품)진행 상태".
DOCUMENTED_RECEIPT_STATUSES = {
    "RELEASE_STOP_UNCHECKED",
    "RETURNS_UNCHECKED",
    "VENDOR_WAREHOUSE_CONFIRM",
    "REQUEST_COUPANG_CHECK",
    "RETURNS_COMPLETED",
}
# Same page, releaseStopStatus "출고중지처리상태".
DOCUMENTED_RELEASE_STOP_TEXTS = {"미처리", "처리(이미출고)", "처리(출고중지)", "자동처리(이미출고)", "비대상"}


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=17, tw_orders=0, kr_orders=0) as server:
        yield server


def local_now(sandbox, market="TW"):
    return sandbox.now().astimezone(MARKETS[market].timezone).replace(second=0, microsecond=0, tzinfo=None)


def minute_query(start, end, extra=""):
    return f"searchType=timeFrame&createdAtFrom={start.strftime(MINUTE)}&createdAtTo={end.strftime(MINUTE)}{extra}"


def list_orders_by_minute(sandbox, start, end, extra="", *, version="v4", market="TW"):
    return call(
        sandbox, "GET", orders_path(version), minute_query(start, end, "&status=INSTRUCT" + extra), market=market
    )


def list_returns_by_minute(sandbox, start, end, extra="", *, market="TW"):
    path = RETURNS_PATH.format(version="v6")
    return call(sandbox, "GET", path, minute_query(start, end, "&status=RU" + extra), market=market)


# --- headers ---


def test_a_taiwan_vendor_must_name_the_market(sandbox):
    """X-MARKET: TW is required for Taiwan (study 1 and 8.2); no default is documented."""
    path = RETURNS_PATH.format(version="v6")
    day = local_now(sandbox).date().isoformat()
    query = f"createdAtFrom={day}&createdAtTo={day}&status=UC"
    missing = call(sandbox, "GET", path, query, headers={"X-MARKET": None})
    assert (missing.status_code, missing.json()["message"]) == (401, WRONG_REGION)
    assert call(sandbox, "GET", path, query, market="JP").status_code == 400
    korean = sandbox.add_vendor("A00054321", "korean-access-key", "korean-secret-key", markets=("KR",))
    korean_path = path.replace(sandbox.demo_vendor.vendor_id, korean.vendor_id)

    def korean_call(**headers):
        authorization = authorization_header(korean.access_key, korean.secret_key, "GET", korean_path, query)
        headers = {"X-Requested-By": korean.vendor_id, **headers}
        return call(sandbox, "GET", korean_path, query, authorization=authorization, headers=headers)

    assert korean_call(**{"X-MARKET": None}).status_code == 200, "a Korea-only vendor may leave it out"
    elsewhere = korean_call(**{"X-MARKET": "TW"})
    assert (elsewhere.status_code, elsewhere.json()["message"]) == (401, WRONG_REGION)


@pytest.mark.parametrize("requested_by", [None, "A00099999"])
def test_x_requested_by_must_name_the_keys_vendor(sandbox, requested_by):
    """X-Requested-By: the vendorId, in every official sample (study 1); a wrong or missing one is
    answered as a vendorId that is not the key's (Coupang docs: return-api/lookup-return-cancel-list-per-day)."""
    reply = call(sandbox, "GET", orders_path(), "createdAtFrom=2026-03-01&createdAtTo=2026-03-01&status=ACCEPT",
                 headers={"X-Requested-By": requested_by})  # fmt: skip
    assert (reply.status_code, reply.json()["message"]) == (400, INVALID_VENDOR_ID)


# --- documented fields and values ---


def test_receipts_show_documented_statuses_and_release_stop_texts_only(sandbox):
    """Every state a receipt goes through, as listed: receiptStatus and releaseStopStatus are
    documented values, and no item carries a releaseStatus (Coupang docs:
    return-api/lookup-return-request-list-per-day)."""
    seen = []

    def listed(market):
        for status in ("RU", "UC", "CC", "PR"):
            seen.extend(list_requests(sandbox, f"status={status}", market=market).json()["data"])
        seen.extend(list_requests(sandbox, "cancelType=CANCEL", market=market).json()["data"])

    accept = sandbox.add_order("KR", status="ACCEPT")
    sandbox.buyer_cancel(accept.shipment_box_id)
    _order, stopped = instruct_cancel(sandbox, "KR")
    _order, shipped = instruct_cancel(sandbox, "KR")
    listed("KR")
    answer(sandbox, stopped, "stoppedShipment", {"cancelCount": 3}, market="KR")
    answer(
        sandbox, shipped, "completedShipment", {"deliveryCompanyCode": "HANJIN", "invoiceNumber": "5001"}, market="KR"
    )
    listed("KR")
    _order, returned = shipped_return(sandbox)
    _order, checked = shipped_return(sandbox)
    sandbox.request_coupang_check(checked.receipt_id)
    listed("TW")
    answer(sandbox, returned, "receiveConfirmation", version="v5")
    listed("TW")
    answer(sandbox, returned, "approval", {"cancelCount": 3}, version="v5")
    listed("TW")
    assert {row["receiptStatus"] for row in seen} == DOCUMENTED_RECEIPT_STATUSES
    assert {row["releaseStopStatus"] for row in seen} <= DOCUMENTED_RELEASE_STOP_TEXTS
    assert {row["releaseStopStatus"] for row in seen} >= {"미처리", "처리(출고중지)", "처리(이미출고)", "비대상"}
    assert not any("releaseStatus" in item for row in seen for item in row["returnItems"])
    canceled = next(row for row in seen if row["receiptType"] == "CANCEL")
    assert (canceled["receiptStatus"], canceled["releaseStopStatus"]) == ("RETURNS_COMPLETED", "비대상")


@pytest.mark.parametrize(("market", "version"), [("TW", "v6"), ("KR", "v6"), ("TW", "v4")])
def test_receipt_times_are_the_markets_local_time_without_offset(sandbox, market, version):
    """Coupang docs: return-api/lookup-return-request-list-per-day createdAt "yyyy-MM-ddThh:mm:ss";
    without an offset, in the market's time (Taiwan +08:00, Korea +09:00; study 13)."""
    _order, receipt = instruct_cancel(sandbox, market)
    (row,) = list_requests(sandbox, "status=RU", version=version, market=market).json()["data"]
    local = receipt.created_at.astimezone(MARKETS[market].timezone).replace(microsecond=0, tzinfo=None)
    assert row["createdAt"] == local.isoformat() == row["modifiedAt"]


def test_v4_order_times_are_the_markets_local_time_without_offset(sandbox):
    """Coupang docs: delivery-api/lookup-order-list-per-day orderedAt "yyyy-MM-dd'T'HH:mm:ss"."""
    order = sandbox.add_order(
        "TW", status="ACCEPT", ordered_at=datetime(2026, 3, 1, 16, 30, tzinfo=MARKETS["KR"].timezone)
    )
    query = "createdAtFrom=2026-03-01&createdAtTo=2026-03-01&status=ACCEPT"
    (sheet,) = call(sandbox, "GET", orders_path("v4"), query).json()["data"]
    assert (sheet["shipmentBoxId"], sheet["orderedAt"]) == (order.shipment_box_id, "2026-03-01T15:30:00")


# --- windows ---


@pytest.mark.parametrize("list_by_minute", [list_orders_by_minute, list_returns_by_minute])
def test_minute_windows_span_less_than_a_day(sandbox, list_by_minute):
    """Coupang docs: delivery-api/lookup-order-list-per-minute "24시간이내"; technical FAQ 반품관리API 7
    "분단위 : 최대 24시간 이내" over the returns list page's "최대 31일"."""
    start = datetime.combine(local_now(sandbox).date(), datetime.min.time())
    for span in (timedelta(days=1), timedelta(days=7), timedelta(days=31)):
        reply = list_by_minute(sandbox, start, start + span)
        assert (reply.status_code, reply.json()["message"]) == (400, MINUTE_RANGE_TOO_LONG)
    assert list_by_minute(sandbox, start, start + timedelta(hours=23, minutes=59)).status_code == 200


def test_day_windows_span_at_most_31_days(sandbox):
    """Coupang docs: delivery-api/lookup-order-list-per-day, return-api/lookup-return-request-list-per-day
    "최대 31일"."""
    orders, returns = orders_path(), RETURNS_PATH.format(version="v6")
    for path, query in (
        (orders, "createdAtFrom=2026-01-01%2B08:00&createdAtTo=2026-01-31%2B08:00&status=ACCEPT"),
        (returns, "createdAtFrom=2026-01-01&createdAtTo=2026-01-31&status=UC"),
    ):
        assert call(sandbox, "GET", path, query).status_code == 200
        longer = call(sandbox, "GET", path, query.replace("01-31", "02-01"))
        assert (longer.status_code, longer.json()["message"]) == (400, RANGE_TOO_LONG)


def test_order_sheets_are_served_in_minute_mode_without_paging(sandbox):
    """Coupang docs: delivery-api/lookup-order-list-per-minute: createdAtFrom included, createdAtTo
    excluded, no nextToken nor maxPerPage; v5 takes the offset of its day mode (study 4.2)."""
    start = datetime.combine(local_now(sandbox).date() - timedelta(days=1), datetime.min.time())
    end = start + timedelta(hours=23, minutes=59)
    taipei = MARKETS["TW"].timezone
    inside = sandbox.add_order("TW", status="INSTRUCT", ordered_at=start.replace(hour=10, tzinfo=taipei))
    sandbox.add_order("TW", status="INSTRUCT", ordered_at=(start - timedelta(minutes=1)).replace(tzinfo=taipei))
    sandbox.add_order("TW", status="INSTRUCT", ordered_at=end.replace(second=30, tzinfo=taipei))
    body = list_orders_by_minute(sandbox, start, end).json()
    assert [sheet["shipmentBoxId"] for sheet in body["data"]] == [inside.shipment_box_id]
    assert "nextToken" not in body
    v5_query = (
        f"searchType=timeFrame&createdAtFrom={start.strftime(MINUTE)}%2B08:00"
        f"&createdAtTo={end.strftime(MINUTE)}%2B08:00&status=INSTRUCT"
    )
    v5 = call(sandbox, "GET", orders_path("v5"), v5_query)
    assert [sheet["shipmentBoxId"] for sheet in v5.json()["data"]] == [inside.shipment_box_id]
    for extra in ("&nextToken=abc", "&maxPerPage=10"):
        reply = list_orders_by_minute(sandbox, start, end, extra)
        assert reply.status_code == 400 and NOT_IN_TIME_FRAME in reply.json()["message"]
    offset_in_v4 = call(sandbox, "GET", orders_path("v4"), v5_query)
    assert offset_in_v4.status_code == 400 and "Invalid date format" in offset_in_v4.json()["message"]


def test_order_sheet_minute_windows_stay_within_one_day(sandbox):
    """Coupang docs: delivery-api/lookup-order-list-per-minute "해당 일자 내 24시간이내", read strictly;
    returnRequests' own sample spans several days, so its minute windows may cross midnight."""
    midnight = datetime.combine(local_now(sandbox).date(), datetime.min.time())
    across = list_orders_by_minute(sandbox, midnight - timedelta(hours=4), midnight + timedelta(hours=2))
    assert (across.status_code, across.json()["message"]) == (400, MINUTE_RANGE_TOO_LONG)
    assert list_orders_by_minute(sandbox, midnight - timedelta(hours=4), midnight).status_code == 200
    assert (
        list_returns_by_minute(sandbox, midnight - timedelta(hours=4), midnight + timedelta(hours=2)).status_code == 200
    )


def test_returns_minute_mode_lists_without_next_token(sandbox):
    """Coupang docs: return-api/lookup-return-request-list-per-minute, nextToken "searchType=timeFrame일
    경우 지원하지 않는"; the documented sample answers without it."""
    _order, receipt = instruct_cancel(sandbox)
    end = local_now(sandbox) + timedelta(minutes=1)
    body = list_returns_by_minute(sandbox, end - timedelta(hours=1), end).json()
    assert [row["receiptId"] for row in body["data"]] == [receipt.receipt_id] and "nextToken" not in body


# --- nextToken ---


def test_next_token_is_opaque_and_bound_to_its_list(sandbox):
    """Coupang docs: delivery-api/lookup-order-list-per-day: nextToken is a String to send back; its
    form is not documented, so the client may neither build nor move one."""
    sandbox.generate_orders(3, status="ACCEPT", ordered_at=sandbox.now() - timedelta(hours=1))
    today = local_now(sandbox).date()
    first_day = today - timedelta(days=1)
    query = f"createdAtFrom={first_day}%2B08:00&createdAtTo={today}%2B08:00&status=ACCEPT&maxPerPage=2"
    first = call(sandbox, "GET", orders_path(), query).json()
    token = first["nextToken"]
    ids = [sheet["shipmentBoxId"] for sheet in first["data"]]
    assert token and not re.fullmatch(r"\d+", token) and str(ids[-1]) not in token
    second = call(sandbox, "GET", orders_path(), f"{query}&nextToken={token}").json()
    assert len(second["data"]) == 1 and second["nextToken"] == ""
    for forged in (
        f"{query}&nextToken={ids[-1]}",
        f"{query}&nextToken=0",
        f"{query.replace('ACCEPT', 'INSTRUCT')}&nextToken={token}",
    ):
        reply = call(sandbox, "GET", orders_path(), forged)
        assert (reply.status_code, reply.json()["message"]) == (400, INVALID_NEXT_TOKEN)
    elsewhere = call(sandbox, "GET", orders_path(), f"{query}&nextToken={token}", market="KR")
    assert elsewhere.status_code == 400
