"""The recorder of a store's Coupang exchanges: what it redacts, and the sandbox's replay of its files.

The exchanges are recorded through the real client against the in-process sandbox, then replayed
to the same client calls, which must give the same typed results (less the redacted buyer data).
"""

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from doc_transport import doc_json

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.replay import ReplayServer
from ec_coupang.coupang import CoupangClient, CoupangError, ExchangeRecorder, redact
from ec_coupang.coupang.recorder import REDACTED, SECRET_PLACEHOLDER, VENDOR_ID_PLACEHOLDER

# --- redaction: a pure function ---


def test_redact_removes_the_buyers_data_of_an_order_sheet():
    sheet = doc_json("lookup-order-book")["data"]
    sheet["overseaShippingInfoDto"]["personalCustomsClearanceCode"] = "P123456789012"
    sheet["extraProperties"] = {"taxReceiptInfo": {"receiptOption": "E-GUI", "appliedValue": "/ABC1234"}}
    exchange = {"method": "GET", "response_body": {"code": "200", "data": sheet}}
    original = json.dumps(exchange, ensure_ascii=False)

    redacted = redact(exchange)["response_body"]["data"]

    assert json.dumps(exchange, ensure_ascii=False) == original  # the exchange itself is left as it is
    assert redacted["orderer"] == {"name": REDACTED, "email": REDACTED, "safeNumber": REDACTED, "ordererNumber": None}
    assert redacted["receiver"] == {
        "name": REDACTED,
        "safeNumber": REDACTED,
        "receiverNumber": None,
        "addr1": REDACTED,
        "addr2": REDACTED,
        "postCode": REDACTED,
    }
    assert redacted["overseaShippingInfoDto"] == {
        "personalCustomsClearanceCode": REDACTED,
        "ordererSsn": "",
        "ordererPhoneNumber": "",
    }
    assert redacted["extraProperties"]["taxReceiptInfo"] == {"receiptOption": "E-GUI", "appliedValue": REDACTED}
    assert redacted["parcelPrintMessage"] is None
    # What the fixtures need stays: ids, items, money, times, the waybill.
    for key in ("shipmentBoxId", "orderId", "orderedAt", "shippingPrice", "orderItems", "invoiceNumber", "status"):
        assert redacted[key] == sheet[key]


def test_redact_removes_the_requesters_data_of_a_return_request():
    rows = doc_json("lookup-return-request-list-per-day")["data"]
    redacted = redact({"response_body": {"data": rows}})["response_body"]["data"]
    for row, original in zip(redacted, rows, strict=True):
        for key in ("requesterName", "requesterPhoneNumber", "requesterAddress", "requesterAddressDetail"):
            assert row[key] == REDACTED
        assert (row["requesterZipCode"], row["requesterRealPhoneNumber"]) == (REDACTED, None)
        assert row["cancelReason"] == (REDACTED if original["cancelReason"] else "")
        assert (row["receiptId"], row["returnItems"], row["createdAt"]) == (
            original["receiptId"],
            original["returnItems"],
            original["createdAt"],
        )


def test_redact_removes_the_buyers_words_and_contacts_of_an_inquiry():
    rows = doc_json("lookup-coupang-call-center-inquiry")["data"]["content"]
    questions = doc_json("lookup-customer-inquiry-by-product")["data"]["content"]
    answer = {"content": "안녕하세요 홍길동 고객님", "vendorId": "A00012345", "replyBy": "wanger"}
    exchange = {"request_body": answer, "response_body": {"data": {"content": rows + questions}}}

    redacted = redact(exchange)
    call, question = redacted["response_body"]["data"]["content"][0], redacted["response_body"]["data"]["content"][2]

    assert (call["buyerEmail"], call["buyerPhone"], call["content"]) == (REDACTED, REDACTED, REDACTED)
    assert {reply["content"] for reply in call["replies"]} == {REDACTED}
    assert "010-4520-8801" not in json.dumps(redacted, ensure_ascii=False)
    assert (question["content"], question["buyerEmail"]) == (REDACTED, REDACTED)
    assert {comment["content"] for comment in question["commentDtoList"]} == {REDACTED}
    assert redacted["request_body"] == {"content": REDACTED, "vendorId": "A00012345", "replyBy": "wanger"}
    assert (call["inquiryId"], call["orderId"], call["itemName"]) == (
        rows[0]["inquiryId"],
        rows[0]["orderId"],
        rows[0]["itemName"],
    )


def test_redact_keeps_a_products_description():
    product = doc_json("lookup-seller-product")
    assert redact({"response_body": product})["response_body"] == product


def test_redact_keeps_the_store_of_a_store_pickup():
    receiver = {"name": "王*明", "addr1": "7-ELEVEN 信義門市 (店號 123456)", "addr2": "臺北市信義區松仁路100號"}
    redacted = redact({"data": {"receiver": receiver}})["data"]["receiver"]
    assert redacted == {"name": REDACTED, "addr1": "7-ELEVEN 信義門市 (店號 123456)", "addr2": REDACTED}


def test_redact_cuts_out_the_keys_everywhere_and_the_vendor_id_on_request():
    exchange = {
        "path": "/v2/providers/openapi/apis/api/v5/vendors/A00012345/ordersheets",
        "query": "createdAtFrom=2026-01-01&accessKey=access-1",
        "request_body": {"vendorId": "A00012345"},
        "response_body": "Invalid signature for access-1 with secret-2",
    }
    kept_vendor = redact(exchange, secrets=("access-1", "secret-2"))
    assert kept_vendor["query"] == f"createdAtFrom=2026-01-01&accessKey={SECRET_PLACEHOLDER}"
    assert kept_vendor["response_body"] == f"Invalid signature for {SECRET_PLACEHOLDER} with {SECRET_PLACEHOLDER}"
    assert kept_vendor["request_body"] == {"vendorId": "A00012345"}
    hidden_vendor = redact(exchange, secrets=("access-1", "secret-2"), vendor_id="A00012345")
    assert VENDOR_ID_PLACEHOLDER in hidden_vendor["path"] and "A00012345" not in json.dumps(hidden_vendor)


# --- recording through the client, replaying through the sandbox's replay ---


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=19, tw_orders=4, kr_orders=3) as server:
        yield server


def make_client(vendor_id, access_key, secret_key, base_url, market, recorder=None):
    return CoupangClient(
        vendor_id, access_key, secret_key, base_url=base_url, market=market, retries=0, recorder=recorder
    )


def recording_client(sandbox, folder, market, hide_vendor_id=False):
    vendor = sandbox.demo_vendor
    recorder = ExchangeRecorder(
        folder,
        secrets=(vendor.access_key, vendor.secret_key),
        vendor_id=vendor.vendor_id,
        market=market,
        hide_vendor_id=hide_vendor_id,
    )
    return make_client(vendor.vendor_id, vendor.access_key, vendor.secret_key, sandbox.base_url, market, recorder)


def store_calls(client, now):
    """A first connection and fetch: locations, the new orders, their acknowledgement, one box read again."""
    new = list(client.iter_order_sheets(now - timedelta(days=7), now, "ACCEPT"))
    return {
        "return_centers": list(client.iter_return_centers()),
        "outbound_places": list(client.iter_outbound_places()),
        "new": new,
        "acknowledged": client.acknowledge([sheet.shipment_box_id for sheet in new]),
        "read_again": client.get_order_sheet(new[0].shipment_box_id),
    }


def request_calls(client, now, receipt_id):
    """The requests check: the returns received, and the receipt confirmed."""
    return {
        "returns": list(client.iter_return_requests(now - timedelta(hours=1), now, cancel_type="RETURN", status="UC")),
        "confirmed": client.confirm_return_receipt(receipt_id),
    }


def impersonal(value):
    """A typed result without what the recorder redacts."""
    if isinstance(value, list):
        return [impersonal(item) for item in value]
    if isinstance(value, dict):
        return {key: impersonal(item) for key, item in value.items()}
    if hasattr(value, "receiver"):
        tax_receipt = value.tax_receipt and replace(value.tax_receipt, applied_value="")
        return replace(value, orderer=None, receiver=None, parcel_print_message="", tax_receipt=tax_receipt)
    if hasattr(value, "requester"):
        return replace(value, requester=None, reason="")
    return value


def recorded_text(folder):
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.json")))


def buyers_data(sandbox):
    """Every buyer's name, phone and home address of the sandbox's orders."""
    values = set()
    for order in sandbox.orders():
        values |= {order.orderer["name"], order.orderer["safeNumber"], order.receiver["addr2"]}
        values |= {order.receiver["postCode"]}
        if not order.receiver["addr1"].startswith(("7-ELEVEN", "全家")):
            values.add(order.receiver["addr1"])
    return {value for value in values if value}


def test_a_store_recorded_and_replayed(sandbox, tmp_path):
    now = sandbox.now()
    with recording_client(sandbox, tmp_path, "TW") as client:
        recorded = store_calls(client, now)
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == len(sandbox.requests) == 5
    text = recorded_text(tmp_path)
    vendor = sandbox.demo_vendor
    assert vendor.access_key not in text and vendor.secret_key not in text
    assert "CEA algorithm" not in text and "signature=" not in text
    assert [value for value in buyers_data(sandbox) if value in text] == []
    assert vendor.vendor_id in text  # kept unless asked otherwise
    acknowledgement = json.loads(next(path for path in files if "acknowledgement" in path.name).read_text())
    assert acknowledgement["method"] == "PUT" and acknowledgement["request_body"]["vendorId"] == vendor.vendor_id
    assert acknowledgement["status"] == 200 and acknowledgement["response_body"]["data"]["responseCode"] == 0

    with ReplayServer(tmp_path) as replay, make_client(vendor.vendor_id, "x", "y", replay.base_url, "TW") as client:
        replayed = store_calls(client, now)
    assert impersonal(replayed) == impersonal(recorded)
    assert {sheet.orderer.name for sheet in replayed["new"]} == {REDACTED}
    assert [sheet.delivery for sheet in replayed["new"]] == [sheet.delivery for sheet in recorded["new"]]


def test_requests_recorded_and_replayed_without_the_vendor_id(sandbox, tmp_path):
    order = sandbox.add_order("KR", status="FINAL_DELIVERY", items=[("CP-TEA-001", 2)])
    receipt = sandbox.buyer_return(order.shipment_box_id)
    now = sandbox.now()
    with recording_client(sandbox, tmp_path, "KR", hide_vendor_id=True) as client:
        recorded = request_calls(client, now, receipt.receipt_id)
    text = recorded_text(tmp_path)
    assert sandbox.demo_vendor.vendor_id not in text and VENDOR_ID_PLACEHOLDER in text
    assert order.receiver["name"] not in text and order.receiver["addr1"] not in text

    with ReplayServer(tmp_path) as replay:
        with make_client(VENDOR_ID_PLACEHOLDER, "x", "y", replay.base_url, "KR") as client:
            replayed = request_calls(client, now, receipt.receipt_id)
    assert impersonal(replayed) == impersonal(recorded)
    (request,) = replayed["returns"]
    assert (request.receipt_id, request.requester.name) == (str(receipt.receipt_id), REDACTED)


def test_the_replay_refuses_what_was_not_recorded(sandbox, tmp_path):
    now = sandbox.now()
    with recording_client(sandbox, tmp_path, "TW") as client:
        sheets = list(client.iter_order_sheets(now - timedelta(days=7), now, "ACCEPT"))
    vendor = sandbox.demo_vendor
    with ReplayServer(tmp_path) as replay, make_client(vendor.vendor_id, "x", "y", replay.base_url, "TW") as client:
        with pytest.raises(CoupangError):
            client.get_order_sheet(sheets[0].shipment_box_id)
        with pytest.raises(CoupangError):  # another day: another query
            list(client.iter_order_sheets(now - timedelta(days=6), now, "ACCEPT"))
        replayed = list(client.iter_order_sheets(now - timedelta(days=7), now, "ACCEPT"))
    assert impersonal(replayed) == impersonal(sheets)
