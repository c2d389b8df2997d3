"""The sandbox's buyers' inquiries: documented paths, parameters, shapes and refusals, over raw signed
HTTP (Coupang docs: customer-service-api)."""

import re
from datetime import datetime, timedelta

import pytest
from test_coupang_sandbox import call

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.api import INQUIRY_RANGE_TOO_LONG, MISSING_PARAMETERS
from coupang_sandbox.gateway import INVALID_VENDOR_ID
from coupang_sandbox.store import MARKETS

DAYS = "inquiryStartAt=2026-03-01&inquiryEndAt=2026-03-02"
VENDOR_PATH = "/v2/providers/openapi/apis/api/v5/vendors/A00012345"
INQUIRY_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
# The rows' fields (the pages' response tables and samples).
PRODUCT_ROW = {
    "inquiryId",
    "productId",
    "vendorItemId",
    "content",
    "inquiryAt",
    "orderIds",
    "buyerEmail",
    "commentDtoList",
}
CALL_CENTER_ROW = {
    "inquiryId", "csPartnerCounselingStatus", "inquiryStatus", "vendorItemId", "itemName", "content", "answeredAt",
    "replies", "inquiryAt", "buyerEmail", "buyerPhone", "orderId", "orderDate", "receiptCategory", "saleStartedAt",
    "saleEndedAt",
}  # fmt: skip


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=61, tw_orders=0, kr_orders=0) as server:
        yield server


@pytest.fixture
def order(sandbox):
    return sandbox.add_order("TW", items=[("CP-TEA-001", 1)])


def today(sandbox):
    return sandbox.now().astimezone(MARKETS["TW"].timezone).date()


def window(sandbox, days=1):
    return f"inquiryStartAt={today(sandbox) - timedelta(days=days - 1)}&inquiryEndAt={today(sandbox)}"


def listed(sandbox, name, query):
    return call(sandbox, "GET", f"{VENDOR_PATH}/{name}", f"vendorId=A00012345&{query}")


def test_product_questions_answer_the_documented_rows(sandbox, order):
    sandbox.ask_about(order.shipment_box_id, "何時出貨?")
    body = listed(sandbox, "onlineInquiries", f"{window(sandbox)}&answeredType=ALL").json()
    (row,) = body["data"]["content"]
    assert set(row) == PRODUCT_ROW and INQUIRY_TIME.match(row["inquiryAt"])
    assert row["orderIds"] == [order.order_id] and row["commentDtoList"] == []
    assert body["data"]["pagination"] == {"currentPage": 1, "totalPages": 1, "totalElements": 1, "countPerPage": 10}


def test_call_center_inquiries_answer_the_documented_rows(sandbox, order):
    sandbox.call_center_inquiry(order.shipment_box_id, "請盡快出貨")
    body = listed(sandbox, "callCenterInquiries", f"{window(sandbox)}&partnerCounselingStatus=NO_ANSWER").json()
    (row,) = body["data"]["content"]
    assert set(row) == CALL_CENTER_ROW and INQUIRY_TIME.match(row["inquiryAt"]) and INQUIRY_TIME.match(row["orderDate"])
    assert (row["vendorItemId"], row["orderId"]) == ([80012340001], order.order_id)
    assert (row["inquiryStatus"], row["csPartnerCounselingStatus"]) == ("progress", "requestAnswer")
    (reply,) = row["replies"]
    assert (reply["answerType"], reply["partnerTransferStatus"], reply["needAnswer"]) == (
        "csAgent",
        "requestAnswer",
        True,
    )


@pytest.mark.parametrize(
    ("name", "largest"),
    [("onlineInquiries?answeredType=ALL", 50), ("callCenterInquiries?partnerCounselingStatus=NONE", 30)],
)
def test_pages_hold_10_rows_by_default_and_their_pages_maximum(sandbox, order, name, largest):
    for index in range(largest + 5):
        if name.startswith("online"):
            sandbox.ask_about(order.shipment_box_id, f"問題 {index}")
        else:
            sandbox.call_center_inquiry(order.shipment_box_id, f"問題 {index}")
    path, _, filters = name.partition("?")
    default = listed(sandbox, path, f"{window(sandbox)}&{filters}").json()["data"]
    assert (len(default["content"]), default["pagination"]["totalPages"]) == (10, (largest + 14) // 10)
    big = listed(sandbox, path, f"{window(sandbox)}&{filters}&pageSize=100").json()["data"]
    assert len(big["content"]) == largest


@pytest.mark.parametrize(
    "name", ["onlineInquiries?answeredType=ALL", "callCenterInquiries?partnerCounselingStatus=NONE"]
)
def test_a_window_spans_at_most_7_days(sandbox, name):
    path, _, filters = name.partition("?")
    assert listed(sandbox, path, f"{window(sandbox, 7)}&{filters}").status_code == 200
    answer = listed(sandbox, path, f"{window(sandbox, 8)}&{filters}")
    assert (answer.status_code, answer.json()["message"]) == (400, INQUIRY_RANGE_TOO_LONG)


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("onlineInquiries", "answeredType=ALL", MISSING_PARAMETERS),
        ("onlineInquiries", DAYS, MISSING_PARAMETERS),
        ("onlineInquiries", DAYS + "&answeredType=NO_ANSWER", "Invalid answeredType"),
        ("onlineInquiries", DAYS.replace("-01&", "-01T00:00&") + "&answeredType=ALL", "Invalid date format"),
        ("onlineInquiries", "inquiryStartAt=2026-03-03&inquiryEndAt=2026-03-02&answeredType=ALL", "must not be after"),
        ("callCenterInquiries", "partnerCounselingStatus=NONE", MISSING_PARAMETERS),
        ("callCenterInquiries", DAYS, MISSING_PARAMETERS),
        ("callCenterInquiries", DAYS + "&partnerCounselingStatus=ALL", "Invalid partnerCounselingStatus"),
    ],
)  # fmt: skip
def test_list_refusals(sandbox, path, query, message):
    answer = listed(sandbox, path, query)
    assert answer.status_code == 400 and message in answer.json()["message"]


def test_the_lists_vendor_id_is_the_keys(sandbox):
    answer = call(
        sandbox, "GET", f"{VENDOR_PATH}/onlineInquiries", f"vendorId=A00067890&{window(sandbox)}&answeredType=ALL"
    )
    assert (answer.status_code, answer.json()["message"]) == (400, INVALID_VENDOR_ID)


def test_without_dates_a_vendor_items_inquiries_of_every_day(sandbox, order):
    sandbox.ask_about(order.shipment_box_id, "很久以前", asked_at=datetime(2025, 1, 1).astimezone())
    rows = listed(sandbox, "onlineInquiries", "answeredType=ALL&vendorItemId=80012340001").json()["data"]["content"]
    assert [row["content"] for row in rows] == ["很久以前"]
    assert listed(sandbox, "onlineInquiries", "answeredType=ALL&vendorItemId=1").json()["data"]["content"] == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"content": ""}, MISSING_PARAMETERS),
        ({"vendorId": None}, MISSING_PARAMETERS),
        ({"vendorId": "A00067890"}, INVALID_VENDOR_ID),
    ],
)
def test_product_answer_refusals(sandbox, order, changes, message):
    inquiry = sandbox.ask_about(order.shipment_box_id, "何時出貨?")
    body = {"content": "明天", "vendorId": "A00012345", "replyBy": "teashop01", **changes}
    body = {name: value for name, value in body.items() if value is not None}
    answer = call(sandbox, "POST", f"{VENDOR_PATH}/onlineInquiries/{inquiry.inquiry_id}/replies", body=body)
    assert (answer.status_code, answer.json()["message"]) == (400, message)
    assert not inquiry.replies


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"parentAnswerId": None}, MISSING_PARAMETERS),
        ({"inquiryId": None}, MISSING_PARAMETERS),
        ({"inquiryId": "1"}, "inquiryId of the body must be the path's"),
        ({"content": None}, MISSING_PARAMETERS),
    ],
)
def test_call_center_answer_refusals(sandbox, order, changes, message):
    inquiry = sandbox.call_center_inquiry(order.shipment_box_id, "請盡快出貨")
    body = {
        "vendorId": "A00012345",
        "inquiryId": str(inquiry.inquiry_id),
        "content": "今天出貨",
        "replyBy": "teashop01",
        "parentAnswerId": inquiry.replies[0].reply_id,
        **changes,
    }
    body = {name: value for name, value in body.items() if value is not None}
    answer = call(sandbox, "POST", f"{VENDOR_PATH}/callCenterInquiries/{inquiry.inquiry_id}/replies", body=body)
    assert (answer.status_code, answer.json()["message"]) == (400, message)
    assert inquiry.waiting_reply is not None


def test_a_confirmation_names_who_confirms(sandbox, order):
    inquiry = sandbox.call_center_inquiry(order.shipment_box_id, "已退款", transfer=True)
    answer = call(sandbox, "POST", f"{VENDOR_PATH}/callCenterInquiries/{inquiry.inquiry_id}/confirms", body={})
    assert (answer.status_code, answer.json()["message"]) == (400, MISSING_PARAMETERS)
    assert inquiry.transfer


def test_inquiries_are_the_markets_own(sandbox, order):
    inquiry = sandbox.ask_about(order.shipment_box_id, "何時出貨?")
    body = {"content": "明天", "vendorId": "A00012345"}
    answer = call(
        sandbox, "POST", f"{VENDOR_PATH}/onlineInquiries/{inquiry.inquiry_id}/replies", body=body, market="KR"
    )
    assert answer.status_code == 400 and "is not found" in answer.json()["message"]
