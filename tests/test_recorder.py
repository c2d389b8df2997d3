"""The recorder of a store's Coupang exchanges: what it redacts, and the sandbox's replay of its files.

The exchanges are recorded through the real client against the in-process sandbox, then replayed
to the same client calls, which must give the same typed results (less the redacted buyer data).
"""

import json

from doc_transport import doc_json

from ec_coupang.coupang import redact
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
