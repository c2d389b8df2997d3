"""Stop-shipment requests, cancellations and returns: typed results and their reading.

Coupang lists all three in one ``returnRequests`` list, one receipt (``receiptId``) per request
(Coupang docs: return-api/lookup-return-request-list-per-day, lookup-return-request-list-per-minute;
help center article 360033919613 "반품 / 취소 요청 목록 조회", v6):

- ``cancelType=CANCEL`` (sent without ``status``): boxes the buyer canceled while ``ACCEPT``;
  Coupang cancelled them at once, nothing is to be answered;
- ``cancelType=RETURN`` with ``status``: ``RU`` stop-shipment requests (the buyer canceled after the
  box was acknowledged, receiptStatus ``RELEASE_STOP_UNCHECKED``; they are listed under ``UC``
  too), ``UC`` returns received, ``CC`` returns completed, ``PR`` returns sent to Coupang's check.

As for order sheets, ids stay strings, money is :class:`~.models.Money`, times are aware.
"""

from dataclasses import dataclass, field
from datetime import datetime

from .datatypes import Money, RowReason
from .markets import MARKETS
from .parsing import (
    READ_ERRORS,
    as_text,
    market_time,
    money_or_zero,
    parse_count,
    parse_id,
    readable_id,
    row_key,
    unreadable_reason,
)

CANCEL_TYPES = ("RETURN", "CANCEL")
# The seller's cancel's reasons, middleCancelCode under bigCancelCode CANERR (Coupang docs:
# delivery-api/instruct-cancel). For an INSTRUCT box Coupang records "배송불만" / "품절" whatever is sent.
SELLER_CANCEL_REASONS = {
    "CCTTER": "재고 연동 오류 (out of stock)",
    "CCPNER": "제휴사이트 오류 (the buyer's address)",
    "CCPRER": "가격등재오류 (a wrong price)",
}
# The v2 names some examples still send, with their v4 codes (Coupang docs:
# return-api/lookup-return-request-by-product, receiptType and completeConfirmType "v2 / v4" tables).
_V2_RECEIPT_TYPES = {"반품": "RETURN"}
_V2_COMPLETE_CONFIRM_TYPES = {
    "파트너 확인": "VENDOR_CONFIRM",
    "미확인": "UNDEFINED",
    "CS 대리확인": "CS_CONFIRM",
    "CS 손실확인": "CS_LOSS_CONFIRM",
}
# ``status`` query codes (Coupang docs: return-api/lookup-return-request-list-per-day).
RETURN_STATUSES = ("RU", "UC", "CC", "PR")
# receiptStatus values (same page, "취소(반품)진행 상태").
STOP_SHIPMENT_REQUESTED = "RELEASE_STOP_UNCHECKED"  # 출고중지요청
RETURN_RECEIVED = "RETURNS_UNCHECKED"  # 반품접수
RETURN_IN_WAREHOUSE = "VENDOR_WAREHOUSE_CONFIRM"  # 입고완료
COUPANG_CHECK_REQUESTED = "REQUEST_COUPANG_CHECK"  # 쿠팡확인요청
RETURN_COMPLETED = "RETURNS_COMPLETED"  # 반품완료
# releaseStopStatus, where the receipt stands towards a stop-shipment request (same page,
# "출고중지처리상태"): 미처리 not answered yet; 처리(출고중지) stopped, 처리(이미출고) and
# 자동처리(이미출고) shipped; 비대상 no stop-shipment request. No documented schema has a per-item
# status (study 13).
STOP_UNANSWERED = "미처리"
SHIPMENT_STOPPED = "처리(출고중지)"
STOP_ANSWERED = (SHIPMENT_STOPPED, "처리(이미출고)", "자동처리(이미출고)")


@dataclass(frozen=True)
class ReturnItem:
    """One vendor item of a request, with the shipment box it left (or was to leave) in."""

    vendor_item_id: str
    vendor_item_name: str
    seller_product_id: str
    seller_product_name: str
    shipment_box_id: str
    purchase_count: int
    cancel_count: int


@dataclass(frozen=True)
class Requester:
    """The buyer, and for returns the address Coupang collects the parcel from."""

    name: str
    phone_number: str
    address: str
    address_detail: str
    zip_code: str


@dataclass(frozen=True)
class ReturnDelivery:
    """A return parcel: the courier that brings it back to the return center and its waybill."""

    delivery_company_code: str
    invoice_number: str


@dataclass(frozen=True)
class ReturnRequest:
    receipt_id: str
    order_id: str
    payment_id: str
    cancel_type: str  # RETURN or CANCEL (receiptType)
    receipt_status: str
    created_at: datetime | None
    modified_at: datetime | None
    requester: Requester
    reason_category: str
    reason_detail: str
    reason: str
    reason_code: str
    cancel_count_sum: int
    return_delivery_id: str
    return_delivery_type: str
    release_stop_status: str
    enclose_price: Money
    fault_by_type: str
    pre_refund: bool
    complete_confirm_type: str
    complete_confirm_date: datetime | None
    items: tuple[ReturnItem, ...]
    return_deliveries: tuple[ReturnDelivery, ...]
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def shipment_box_ids(self):
        return tuple(dict.fromkeys(item.shipment_box_id for item in self.items))

    @property
    def shipment_stopped(self):
        """The stop-shipment request was answered Shipment Stopped (in Wing or through the API): its
        units are canceled on Coupang."""
        return self.release_stop_status == SHIPMENT_STOPPED

    @property
    def awaits_shipment_answer(self):
        """Coupang waits for stoppedShipment or completedShipment (help center article
        360034320673): a stop-shipment request (receiptStatus RELEASE_STOP_UNCHECKED) or a receipt
        whose releaseStopStatus is 미처리, unless releaseStopStatus says it was answered."""
        if self.release_stop_status in STOP_ANSWERED:
            return False
        return self.receipt_status == STOP_SHIPMENT_REQUESTED or (
            self.receipt_status == RETURN_RECEIVED and self.release_stop_status == STOP_UNANSWERED
        )

    @property
    def can_confirm_receipt(self):
        """receiveConfirmation is for RETURNS_UNCHECKED (Coupang docs:
        return-api/return-request-product-receipt-confirmation-processing)."""
        return self.receipt_status == RETURN_RECEIVED and not self.awaits_shipment_answer

    @property
    def can_approve(self):
        """approval is for VENDOR_WAREHOUSE_CONFIRM (help center article 360034562513)."""
        return self.receipt_status == RETURN_IN_WAREHOUSE


@dataclass(frozen=True)
class UnreadableReturnRequest:
    """A row of a request list that could not be read: kept with the row as Coupang sent it.

    :ivar receipt_id: the row's receiptId when it is one, else a key derived from the row
    """

    receipt_id: str
    order_id: str
    cancel_type: str
    receipt_status: str
    reason: RowReason
    raw: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SellerCancel:
    """Coupang's answer to the seller's cancel (Coupang docs: delivery-api/instruct-cancel).

    :ivar result_code: SUCCESS (every item canceled) or PARTIAL (``failed_vendor_item_ids`` not)
    :ivar receipt_type: CANCEL (an ACCEPT box, canceled at once) or STOP_SHIPMENT (an INSTRUCT box,
        its shipment stopped)
    :ivar total_count: the units canceled by the receipt
    """

    order_id: str
    result_code: str
    message: str
    receipt_id: str
    receipt_type: str
    vendor_item_ids: tuple[str, ...]
    total_count: int
    failed_vendor_item_ids: tuple[str, ...]


@dataclass(frozen=True)
class ReturnAnswer:
    """Coupang's answer to a stop-shipment, already-shipped, receipt or approval call."""

    receipt_id: str
    result_code: str
    message: str


def parse_return_item(raw):
    return ReturnItem(
        vendor_item_id=parse_id(raw["vendorItemId"]),
        vendor_item_name=as_text(raw.get("vendorItemName")),
        seller_product_id=as_text(raw.get("sellerProductId")),
        seller_product_name=as_text(raw.get("sellerProductName")),
        shipment_box_id=parse_id(raw["shipmentBoxId"]),
        purchase_count=parse_count(raw.get("purchaseCount")),
        cancel_count=parse_count(raw.get("cancelCount"), minimum=1),
    )


def _return_deliveries(rows):
    """Return waybills; one whose number is "" or null is to be ignored (Coupang docs:
    return-api/lookup-return-request-list-per-day, returnDeliveryDtos)."""
    deliveries = (
        ReturnDelivery(as_text(row.get("deliveryCompanyCode")), as_text(row.get("deliveryInvoiceNo")).strip())
        for row in rows or ()
    )
    return tuple(delivery for delivery in deliveries if delivery.invoice_number)


def parse_return_request(raw, market):
    """A :class:`ReturnRequest`; ``market`` gives its times' zone and the currency of plain numbers."""
    items = tuple(parse_return_item(item) for item in raw.get("returnItems") or ())
    if not items:
        raise ValueError("a request without items")
    return ReturnRequest(
        receipt_id=parse_id(raw["receiptId"]),
        order_id=parse_id(raw["orderId"]),
        payment_id=as_text(raw.get("paymentId")),
        cancel_type=_cancel_type(raw.get("receiptType") or raw.get("cancelType")),
        receipt_status=_status(raw["receiptStatus"]),
        created_at=market_time(raw.get("createdAt"), market),
        modified_at=market_time(raw.get("modifiedAt"), market),
        requester=Requester(
            name=as_text(raw.get("requesterName")),
            phone_number=as_text(raw.get("requesterPhoneNumber")),
            address=as_text(raw.get("requesterAddress")),
            address_detail=as_text(raw.get("requesterAddressDetail")),
            zip_code=as_text(raw.get("requesterZipCode")),
        ),
        reason_category=as_text(raw.get("cancelReasonCategory1")),
        reason_detail=as_text(raw.get("cancelReasonCategory2")),
        reason=as_text(raw.get("cancelReason")),
        reason_code=as_text(raw.get("reasonCode")),
        cancel_count_sum=parse_count(raw.get("cancelCountSum") or sum(item.cancel_count for item in items), minimum=1),
        return_delivery_id=as_text(raw.get("returnDeliveryId")),
        return_delivery_type=as_text(raw.get("returnDeliveryType")),
        release_stop_status=as_text(raw.get("releaseStopStatus")),
        enclose_price=money_or_zero(raw.get("enclosePrice"), MARKETS[market].currency),
        fault_by_type=as_text(raw.get("faultByType")),
        pre_refund=bool(raw.get("preRefund")),
        complete_confirm_type=_complete_confirm_type(raw.get("completeConfirmType")),
        complete_confirm_date=market_time(raw.get("completeConfirmDate"), market),
        items=items,
        return_deliveries=_return_deliveries(raw.get("returnDeliveryDtos")),
        raw=raw,
    )


def _status(value):
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a receipt status: {value!r}")
    return value


def _cancel_type(value):
    value = _V2_RECEIPT_TYPES.get(value, value)
    if value not in CANCEL_TYPES:
        raise ValueError(f"unknown receipt type {value!r}")
    return value


def _complete_confirm_type(value):
    text = as_text(value)
    return _V2_COMPLETE_CONFIRM_TYPES.get(text, text)


def parse_return_requests(rows, market):
    """Each row read on its own, as :func:`~.parsing.parse_order_sheets` does for order sheets."""
    if not isinstance(rows, list):
        raise TypeError("a request list is not a list")
    return [read_return_request(row, market) for row in rows]


def read_return_request(raw, market):
    """A :class:`ReturnRequest`, or an :class:`UnreadableReturnRequest` saying why the row is not one."""
    try:
        return parse_return_request(raw, market)
    except READ_ERRORS as error:
        return UnreadableReturnRequest(
            receipt_id=readable_id(raw, "receiptId") or row_key(raw),
            order_id=readable_id(raw, "orderId"),
            cancel_type=_readable_text(raw, "receiptType"),
            receipt_status=_readable_text(raw, "receiptStatus"),
            reason=unreadable_reason("unreadable_request", error),
            raw=raw,
        )


def _readable_text(raw, key):
    try:
        value = raw.get(key)
    except READ_ERRORS:
        return ""
    return value if isinstance(value, str) else ""


def parse_return_answer(payload, receipt_id):
    """Coupang's answer to one of the four calls on a receipt.

    stoppedShipment and completedShipment answer ``data.resultCode`` SUCCESS or FAIL inside a 200
    (Coupang docs: delivery-api/stop-shipping-complete-processing, products-already-shipped-processing;
    the latter's sample carries code and message inside ``data``); receiveConfirmation and approval
    answer ``code`` and ``message`` only (return-api/return-request-approval-processing).
    """
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    result_code = as_text(data.get("resultCode") or payload.get("code") or data.get("code"))
    message = as_text(data.get("resultMessage") or payload.get("message") or data.get("message"))
    return ReturnAnswer(str(receipt_id), result_code, message)


def parse_seller_cancel(payload, order_id):
    """The seller's cancel's answer: ``data.receiptMap`` and ``data.failedVendorItemIds`` (the
    page's sample; its field table says ``ReceiptMap`` and ``failedItemIds``: both are read)."""
    data = payload.get("data") or {}
    receipt = data.get("receiptMap") or data.get("ReceiptMap") or {}
    failed = data.get("failedVendorItemIds") or data.get("failedItemIds") or ()
    return SellerCancel(
        order_id=parse_id(data.get("orderId") or order_id),
        result_code=as_text(payload.get("code")).upper(),
        message=as_text(payload.get("message")),
        receipt_id=parse_id(receipt["receiptId"]),
        receipt_type=as_text(receipt.get("receiptType")),
        vendor_item_ids=tuple(parse_id(item) for item in receipt.get("vendorItemIds") or ()),
        total_count=parse_count(receipt.get("totalCount")),
        failed_vendor_item_ids=tuple(parse_id(item) for item in failed),
    )
