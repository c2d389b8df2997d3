"""Stop-shipment requests, cancellations and returns in the sandbox: receipts, their rules, their JSON.

What the buyer does (:meth:`ReturnDesk.buyer_cancel`, :meth:`ReturnDesk.buyer_return`) and what the
seller answers through the API, as Coupang documents it:

- a cancel of an ACCEPT box is immediate: its items are canceled and a ``CANCEL`` receipt is listed
  under ``cancelType=CANCEL`` (help center article 360033919613; delivery-api/instruct-cancel
  "결제완료 상태에 있는 상품에 대해서는 즉시취소");
- a cancel of an INSTRUCT box holds the items (``holdCountForCancel``) and raises a stop-shipment
  request, ``RELEASE_STOP_UNCHECKED`` with ``releaseStopStatus`` 미처리, listed under ``RU`` and
  ``UC`` until the seller answers ``stoppedShipment`` (the items are canceled, the receipt
  completed, 처리(출고중지)) or ``completedShipment`` (the box ships, the receipt becomes a return,
  처리(이미출고));
- a return of a shipped box is ``RETURNS_UNCHECKED`` (UC); ``receiveConfirmation`` moves it to
  ``VENDOR_WAREHOUSE_CONFIRM``, ``approval`` to ``RETURNS_COMPLETED`` (CC), which cancels the
  items; :meth:`ReturnDesk.request_coupang_check` stands for the seller's Wing action that moves
  a return to ``REQUEST_COUPANG_CHECK`` (PR).

What the seller does in Wing behind the client's back (:meth:`ReturnDesk.answer_stop_in_wing`,
:meth:`ReturnDesk.complete_return_in_wing`) moves a receipt as the API answer would, counted apart
(``wing_answers``); a buyer's withdrawal (:meth:`ReturnDesk.withdraw_return`) takes the receipt off
every list and lookup. An API answer to a receipt Coupang completed is refused and counted
(``late_answers``).
"""

import itertools
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

CANCEL_TYPES = ("RETURN", "CANCEL")
STOP_SHIPMENT_REQUESTED = "RELEASE_STOP_UNCHECKED"
RETURN_RECEIVED = "RETURNS_UNCHECKED"
RETURN_IN_WAREHOUSE = "VENDOR_WAREHOUSE_CONFIRM"
COUPANG_CHECK_REQUESTED = "REQUEST_COUPANG_CHECK"
RETURN_COMPLETED = "RETURNS_COMPLETED"
# Only the documented receiptStatus values are served (Coupang docs: return-api/lookup-return-request-
# list-per-day "취소(반품)진행 상태"). None is documented for the cancel of an ACCEPT box, which is
# complete at once: the sandbox lists it RETURNS_COMPLETED.
CANCELED_AT_ONCE = RETURN_COMPLETED
# The status query codes (Coupang docs: return-api/lookup-return-request-list-per-day). A
# stop-shipment request shows under RU and UC (lookup-return-request-list-per-minute); that a return
# in VENDOR_WAREHOUSE_CONFIRM stays under UC is the sandbox's assumption.
STATUS_QUERIES = {
    "RU": (STOP_SHIPMENT_REQUESTED,),
    "UC": (RETURN_RECEIVED, STOP_SHIPMENT_REQUESTED, RETURN_IN_WAREHOUSE),
    "CC": (RETURN_COMPLETED,),
    "PR": (COUPANG_CHECK_REQUESTED,),
}
SHIPPED_STATUSES = ("DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")
# Where each item stands towards a stop-shipment request: the sandbox's own state, never rendered
# (no documented schema has a per-item status). N waiting for the answer, S stopped, A shipped on
# the seller's answer, Y shipped before any request, "" not a shipment at all (a cancel at once).
NOT_RELEASED, RELEASED, STOPPED, ALREADY_SHIPPED, NO_SHIPMENT = "N", "Y", "S", "A", ""
# What the receipt shows of it: releaseStopStatus, one of the documented texts (Coupang docs:
# return-api/lookup-return-request-list-per-day "출고중지처리상태").
RELEASE_STOP_TEXTS = {NOT_RELEASED: "미처리", STOPPED: "처리(출고중지)", ALREADY_SHIPPED: "처리(이미출고)"}
NOT_CONCERNED = "비대상"
# Answers (Coupang docs: delivery-api/stop-shipping-complete-processing, products-already-shipped-processing).
STOPPED_MESSAGE = "출고중지완료요청이 성공하였습니다"
ALREADY_SHIPPED_MESSAGE = "이미출고 상태변경이 성공하였습니다."
# A count other than the receipt's (help center article 360023108753).
COUNT_MISMATCH = "[INTERNAL_SERVER_ERROR] 취소반품접수수량과 cancelCount가 일치하지 않습니다."
# Coupang documents no message for an answer to a completed return (return-api/
# return-request-product-receipt-confirmation-processing lists a bare 400): the one sellers report.
ALREADY_RETURNED = "Product is already returned."
FIRST_RECEIPT_ID = 363585001  # around the documented samples' receiptIds
# The seller's cancel (Coupang docs: delivery-api/instruct-cancel): its reason codes, its receipt
# types, the reasons Coupang records for a stopped shipment ("사유 카테고리가 각각 "배송불만", "품절"로
# 고정", "파트너 API 강제 취소") and its refusals, word for word.
SELLER_CANCEL_BIG_CODE = "CANERR"
SELLER_CANCEL_REASONS = {"CCTTER": "재고 연동 오류", "CCPNER": "제휴사이트 오류", "CCPRER": "가격등재오류"}
SELLER_CANCELED, SELLER_STOPPED = "CANCEL", "STOP_SHIPMENT"
STOPPED_BY_SELLER = ("배송불만", "품절", "파트너 API 강제 취소")
NO_ORDER = "주문 정보가 없습니다."
NO_ORDER_ITEM = "주문정보가 없습니다.[{item}]"
TOO_MANY = "취소 가능한 개수보다 요청한 개수가 더 많습니다."
NOT_CANCELABLE_STATUS = "해당 벤더아이템이 결제완료/상품지시 중 상태가 아닙니다."
NO_PARTIAL_CANCEL = "부분 취소는 불가능합니다."


class Refusal(Exception):
    """A call Coupang refuses: ``status`` 400 with a message, or 200 with resultCode FAIL."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ReceiptLine:
    vendor_item_id: int
    vendor_item_name: str
    seller_product_id: int
    seller_product_name: str
    shipment_box_id: int
    purchase_count: int
    cancel_count: int
    release_status: str


@dataclass
class Receipt:
    receipt_id: int
    order_id: int
    vendor_id: str
    market: str
    receipt_type: str
    status: str
    created_at: datetime
    requester: dict
    lines: list
    reason_category: str
    reason_detail: str
    reason: str
    return_courier: str = ""
    return_invoice: str = ""
    complete_confirm_type: str = "UNDEFINED"
    complete_confirm_date: datetime | None = None
    modified_at: datetime | None = None
    seller_receipt_type: str = ""  # the seller's cancel: CANCEL or STOP_SHIPMENT, as its answer names it
    history: list = field(default_factory=list)  # (status, time) it went through

    @property
    def cancel_count_sum(self):
        return sum(line.cancel_count for line in self.lines)

    @property
    def awaits_shipment_answer(self):
        return self.status in (STOP_SHIPMENT_REQUESTED, RETURN_RECEIVED) and any(
            line.release_status == NOT_RELEASED for line in self.lines
        )

    @property
    def release_stop_status(self):
        statuses = {line.release_status for line in self.lines}
        return next((RELEASE_STOP_TEXTS[code] for code in RELEASE_STOP_TEXTS if code in statuses), NOT_CONCERNED)


class ReturnDesk:
    """The receipts of every vendor, guarded by the store's lock."""

    def __init__(self, store):
        self.store = store
        self.receipts = {}  # receiptId -> Receipt
        self.answers = Counter()  # (receiptId, answer) -> how many times the sandbox carried it out
        self.wing_answers = Counter()  # (receiptId, answer) -> carried out by the seller in Wing
        self.late_answers = Counter()  # (receiptId, answer) -> sent through the API after completion
        self.withdrawn = {}  # receiptId -> Receipt the buyer withdrew: off the lists and lookups
        self._in_wing = False
        self._receipt_ids = itertools.count(FIRST_RECEIPT_ID)

    # --- what the buyer does ---

    def buyer_cancel(self, shipment_box_id, counts=None, *, reason="단순변심"):
        """The buyer cancels ``counts`` (vendorItemId -> quantity; default: all that is open) of a box.

        ACCEPT: canceled at once, with a CANCEL receipt. INSTRUCT: a stop-shipment request.
        """
        with self.store.lock:
            order = self.store.order(shipment_box_id)
            if order.status not in ("ACCEPT", "INSTRUCT"):
                raise ValueError(f"Box {shipment_box_id} is {order.status}: after shipment the buyer returns it.")
            picked = self._pick(order, counts)
            if order.status == "ACCEPT":
                for line, count in picked:
                    line.cancel_count += count
                return self._open(order, "CANCEL", CANCELED_AT_ONCE, picked, NO_SHIPMENT, reason)
            for line, count in picked:
                line.hold_count_for_cancel += count
            return self._open(order, "RETURN", STOP_SHIPMENT_REQUESTED, picked, NOT_RELEASED, reason)

    def buyer_return(self, shipment_box_id, counts=None, *, reason="단순변심"):
        """The buyer returns ``counts`` of a shipped box: a RETURNS_UNCHECKED receipt whose parcel the
        return center's courier collects."""
        with self.store.lock:
            order = self.store.order(shipment_box_id)
            if order.status not in SHIPPED_STATUSES:
                raise ValueError(f"Box {shipment_box_id} is {order.status}: before shipment the buyer cancels it.")
            picked = self._pick(order, counts)
            for line, count in picked:
                line.hold_count_for_cancel += count
            receipt = self._open(order, "RETURN", RETURN_RECEIVED, picked, RELEASED, reason)
            self._collect(receipt)
            return receipt

    @staticmethod
    def _pick(order, counts):
        """``[(line, count)]`` of the open quantities asked for; a count over what is open is refused."""
        open_lines = {line.vendor_item_id: line for line in order.lines}
        wanted = counts or {
            item: line.shipping_count - line.cancel_count - line.hold_count_for_cancel
            for item, line in open_lines.items()
        }
        picked = []
        for vendor_item_id, count in wanted.items():
            line = open_lines[int(vendor_item_id)]
            open_count = line.shipping_count - line.cancel_count - line.hold_count_for_cancel
            if counts and not 0 < count <= open_count:
                raise ValueError(f"Item {vendor_item_id} has {open_count} open, not {count}.")
            if count > 0:
                picked.append((line, count))
        if not picked:
            raise ValueError(f"Box {order.shipment_box_id} has nothing left to cancel or return.")
        return picked

    def _open(self, order, receipt_type, status, picked, release_status, reason):
        now = self.store.clock()
        receipt = Receipt(
            receipt_id=next(self._receipt_ids),
            order_id=order.order_id,
            vendor_id=order.vendor_id,
            market=order.market,
            receipt_type=receipt_type,
            status=status,
            created_at=now,
            modified_at=now,
            requester={key: order.receiver.get(key) for key in ("name", "safeNumber", "addr1", "addr2", "postCode")},
            lines=[
                ReceiptLine(
                    line.vendor_item_id,
                    line.vendor_item_name,
                    line.seller_product_id,
                    line.seller_product_name,
                    order.shipment_box_id,
                    line.shipping_count,
                    count,
                    release_status,
                )
                for line, count in picked
            ],
            reason_category="고객변심",
            reason_detail=reason,
            reason="",
            history=[(status, now)],
        )
        self.receipts[receipt.receipt_id] = receipt
        return receipt

    def _collect(self, receipt):
        """The return center's courier picks the parcel up and gives it a waybill."""
        centers = [place for place in self.store.vendor_places(receipt.vendor_id, "return_center") if place.usable]
        receipt.return_courier = centers[0].deliver_code if centers else ""
        receipt.return_invoice = f"8{receipt.receipt_id:011d}"

    def request_coupang_check(self, receipt_id):
        """The seller asks Coupang, in Wing, to check a return (REQUEST_COUPANG_CHECK, PR)."""
        with self.store.lock:
            receipt = self.receipts[int(receipt_id)]
            if receipt.status not in (RETURN_RECEIVED, RETURN_IN_WAREHOUSE):
                raise ValueError(f"Receipt {receipt_id} is {receipt.status}.")
            self._move(receipt, COUPANG_CHECK_REQUESTED)

    # --- what the seller does in Wing, behind the client's back ---

    def answer_stop_in_wing(self, receipt_id, shipped=False, courier_code="CJGLS", invoice_number=None):
        """The seller answers a stop-shipment request in Wing: Shipment Stopped (출고중지완료, help
        center article 360034320673: the items are canceled, the receipt RETURNS_COMPLETED), or Already
        Shipped (이미출고, article 360033793034: the box ships with the waybill, the receipt becomes a
        return, RETURNS_UNCHECKED). The only way for a Taiwan store (delivery-api/
        stop-shipping-complete-processing is Korea-only)."""
        with self.store.lock, self._wing():
            receipt = self.receipts[int(receipt_id)]
            if shipped:
                return self.complete_shipment(receipt, courier_code, invoice_number or f"9{receipt.receipt_id:011d}")
            return self.stop_shipment(receipt, receipt.cancel_count_sum)

    def complete_return_in_wing(self, receipt_id, approve=True):
        """The seller confirms a return's receipt in Wing (입고완료, VENDOR_WAREHOUSE_CONFIRM) and, with
        ``approve``, approves it (반품완료, RETURNS_COMPLETED), as receiveConfirmation and approval do
        (Coupang docs: return-api/return-request-product-receipt-confirmation-processing,
        return-request-approval-processing; help center article 360034562513)."""
        with self.store.lock, self._wing():
            receipt = self.receipts[int(receipt_id)]
            if receipt.status == RETURN_RECEIVED:
                self.confirm_receipt(receipt)
            if approve:
                self.approve(receipt, receipt.cancel_count_sum)

    def withdraw_return(self, receipt_id):
        """The buyer withdraws a return before it is completed (반품철회, help center article
        360034027354, returnWithdrawRequests, Korea-only): the held units are released and the receipt
        leaves the returnRequests lists. The withdrawal history is Korea-only and not served here;
        that the single lookup then answers "not found" is the sandbox's strictest reading."""
        with self.store.lock:
            receipt = self.receipts[int(receipt_id)]
            if receipt.receipt_type != "RETURN" or receipt.status not in (RETURN_RECEIVED, RETURN_IN_WAREHOUSE):
                raise ValueError(f"Receipt {receipt_id} is {receipt.status}: no return to withdraw.")
            for receipt_line, line in self._order_lines(receipt):
                line.hold_count_for_cancel -= receipt_line.cancel_count
            self.withdrawn[receipt.receipt_id] = self.receipts.pop(receipt.receipt_id)

    @contextmanager
    def _wing(self):
        self._in_wing = True
        try:
            yield
        finally:
            self._in_wing = False

    # --- the seller's cancel ---

    def seller_cancel(self, vendor_id, market, order_id, counts, middle_code):
        """The seller cancels ``counts`` (vendorItemId -> quantity) of an order (Coupang docs:
        delivery-api/instruct-cancel): an ACCEPT box is canceled at once and whole only ("결제완료
        상태 주문은 전체취소만 가능"), an INSTRUCT box's units are stopped, each vendor item up to
        its cancelable units, "주문 개수-취소진행중 개수-취소완료 개수": units a buyer's request holds
        (holdCountForCancel) or already canceled are not. Items that cannot be canceled fail apart
        (PARTIAL, the page's sample); when all fail, the call is refused with the first one's reason.
        Returns the answer's ``(code, message, data)``.
        """
        with self.store.lock:
            boxes = [box for box in self.store.orders_of(vendor_id, order_id) if box.market == market]
            lines = {line.vendor_item_id: (box, line) for box in boxes for line in box.lines}
            if not boxes or not lines.keys() & set(counts):
                raise Refusal(NO_ORDER)
            self._check_whole_accept_boxes(boxes, counts)
            picked, failures = [], {}
            for vendor_item_id, count in counts.items():
                failure = self._cancel_failure(lines.get(vendor_item_id), vendor_item_id, count)
                if failure:
                    failures[vendor_item_id] = failure
                else:
                    picked.append((*lines[vendor_item_id], count))
            if not picked:
                raise Refusal(next(iter(failures.values())))
            receipt = self._cancel_picked(picked, middle_code)
            self.answers[receipt.receipt_id, "seller_cancel"] += 1
        return self._seller_cancel_answer(receipt, order_id, picked, failures)

    @staticmethod
    def _check_whole_accept_boxes(boxes, counts):
        for box in boxes:
            if box.status != "ACCEPT" or box.canceled:
                continue
            open_units = {line.vendor_item_id: line.shipping_count - line.cancel_count for line in box.lines}
            asked = {item: counts.get(item, 0) for item, units in open_units.items() if units}
            if any(asked.values()) and asked != {item: units for item, units in open_units.items() if units}:
                raise Refusal(NO_PARTIAL_CANCEL)

    @staticmethod
    def _cancel_failure(found, vendor_item_id, count):
        if found is None:
            return NO_ORDER_ITEM.format(item=vendor_item_id)
        box, line = found
        if box.status not in ("ACCEPT", "INSTRUCT"):
            return NOT_CANCELABLE_STATUS
        if count > line.shipping_count - line.hold_count_for_cancel - line.cancel_count:
            return TOO_MANY
        return None

    def _cancel_picked(self, picked, middle_code):
        """One receipt for the canceled units: CANCEL for ACCEPT boxes (canceled at once, like the
        buyer's), STOP_SHIPMENT for INSTRUCT ones, completed with the shipment stopped."""
        first_box = picked[0][0]
        at_once = first_box.status == "ACCEPT"
        for _box, line, count in picked:
            line.cancel_count += count
        receipt = self._open(
            first_box,
            "CANCEL" if at_once else "RETURN",
            CANCELED_AT_ONCE,
            [(line, count) for _box, line, count in picked],
            NO_SHIPMENT if at_once else STOPPED,
            SELLER_CANCEL_REASONS[middle_code],
        )
        for receipt_line, (box, _line, _count) in zip(receipt.lines, picked, strict=True):
            receipt_line.shipment_box_id = box.shipment_box_id
        if not at_once:
            receipt.reason_category, receipt.reason_detail, receipt.reason = STOPPED_BY_SELLER
        receipt.seller_receipt_type = SELLER_CANCELED if at_once else SELLER_STOPPED
        return receipt

    @staticmethod
    def _seller_cancel_answer(receipt, order_id, picked, failures):
        data = {
            "receiptMap": {
                "receiptId": receipt.receipt_id,
                "receiptType": receipt.seller_receipt_type,
                "vendorItemIds": [line.vendor_item_id for _box, line, _count in picked],
                "totalCount": sum(count for _box, _line, count in picked),
            },
            "orderId": int(order_id),
            "failedVendorItemIds": list(failures),
        }
        if not failures:
            return "SUCCESS", "", data
        message = " \\r\\n".join(f"[{item}]<= {reason}" for item, reason in failures.items())
        return "PARTIAL", message, data

    # --- reads through the API ---

    def listed(self, vendor_id, market, cancel_type, status, order_id, start, end):
        """Receipts created in ``[start, end)``, by receiptId."""
        statuses = STATUS_QUERIES[status] if status else None
        with self.store.lock:
            found = [
                receipt
                for receipt in self.receipts.values()
                if (receipt.vendor_id, receipt.market, receipt.receipt_type) == (vendor_id, market, cancel_type)
                and (statuses is None or receipt.status in statuses)
                and (order_id is None or receipt.order_id == order_id)
                and start <= receipt.created_at < end
            ]
        return sorted(found, key=lambda receipt: receipt.receipt_id)

    def vendor_receipt(self, vendor_id, market, receipt_id):
        receipt = self.receipts.get(int(receipt_id))
        if receipt is None or (receipt.vendor_id, receipt.market) != (vendor_id, market):
            raise Refusal(f"receiptId ({receipt_id}) is not found.")
        return receipt

    # --- answers through the API ---

    def stop_shipment(self, receipt, cancel_count):
        with self.store.lock:
            self._note_late_answer(receipt, "stop_shipment")
            self._check_shipment_answer(receipt)
            self._check_count(receipt, cancel_count)
            for receipt_line, line in self._order_lines(receipt):
                line.hold_count_for_cancel -= receipt_line.cancel_count
                line.cancel_count += receipt_line.cancel_count
                receipt_line.release_status = STOPPED
            self._move(receipt, RETURN_COMPLETED, "stop_shipment")
        return STOPPED_MESSAGE

    def complete_shipment(self, receipt, courier_code, invoice_number):
        with self.store.lock:
            self._note_late_answer(receipt, "complete_shipment")
            self._check_shipment_answer(receipt)
            order = self.store.order(receipt.lines[0].shipment_box_id)
            if order.status == "INSTRUCT":
                self.store._ship(order, invoice_number, courier_code)
            for receipt_line in receipt.lines:
                receipt_line.release_status = ALREADY_SHIPPED
            self._move(receipt, RETURN_RECEIVED, "complete_shipment")
            self._collect(receipt)
        return ALREADY_SHIPPED_MESSAGE

    def confirm_receipt(self, receipt):
        with self.store.lock:
            self._note_late_answer(receipt, "receive_confirmation")
            self._check_return_open(receipt)
            if receipt.status != RETURN_RECEIVED or receipt.awaits_shipment_answer:
                raise Refusal(f"receiptId ({receipt.receipt_id}) is {receipt.status}: no return to confirm.")
            self._move(receipt, RETURN_IN_WAREHOUSE, "receive_confirmation")

    def approve(self, receipt, cancel_count):
        with self.store.lock:
            self._note_late_answer(receipt, "approval")
            self._check_return_open(receipt)
            if receipt.status != RETURN_IN_WAREHOUSE:
                raise Refusal(f"receiptId ({receipt.receipt_id}) is {receipt.status}: confirm the receipt first.")
            self._check_count(receipt, cancel_count)
            for receipt_line, line in self._order_lines(receipt):
                line.hold_count_for_cancel -= receipt_line.cancel_count
                line.cancel_count += receipt_line.cancel_count
            receipt.complete_confirm_type = "VENDOR_CONFIRM"
            receipt.complete_confirm_date = self.store.clock()
            self._move(receipt, RETURN_COMPLETED, "approval")

    def _note_late_answer(self, receipt, answer):
        """Counts an API answer to a receipt Coupang completed (the checks that follow refuse it)."""
        if receipt.status == RETURN_COMPLETED and not self._in_wing:
            self.late_answers[receipt.receipt_id, answer] += 1

    @staticmethod
    def _check_return_open(receipt):
        if receipt.status == RETURN_COMPLETED:
            raise Refusal(ALREADY_RETURNED)

    @staticmethod
    def _check_shipment_answer(receipt):
        if receipt.receipt_type != "RETURN" or not receipt.awaits_shipment_answer:
            raise Refusal(f"receiptId ({receipt.receipt_id}) has no stop-shipment request to answer.", status=200)

    @staticmethod
    def _check_count(receipt, cancel_count):
        if cancel_count != receipt.cancel_count_sum:
            raise Refusal(COUNT_MISMATCH)

    def _order_lines(self, receipt):
        for receipt_line in receipt.lines:
            order = self.store.order(receipt_line.shipment_box_id)
            line = next(line for line in order.lines if line.vendor_item_id == receipt_line.vendor_item_id)
            yield receipt_line, line

    def _move(self, receipt, status, answer=None):
        if answer:
            (self.wing_answers if self._in_wing else self.answers)[receipt.receipt_id, answer] += 1
        receipt.status = status
        receipt.modified_at = self.store.clock()
        receipt.history.append((status, receipt.modified_at))


def render_receipt(renderer, receipt):
    """A receipt as a returnRequests row: the documented fields only (Coupang docs:
    return-api/lookup-return-request-list-per-day), times ``yyyy-MM-ddTHH:mm:ss`` without offset in
    the market's time, also in v6 (study 13: v6 publishes no field list of its own)."""
    requester = receipt.requester
    return {
        "receiptId": receipt.receipt_id,
        "orderId": receipt.order_id,
        "paymentId": receipt.order_id + 1,
        "receiptType": receipt.receipt_type,
        "receiptStatus": receipt.status,
        "createdAt": renderer.local_time(receipt.created_at),
        "modifiedAt": renderer.local_time(receipt.modified_at),
        "requesterName": requester.get("name"),
        "requesterPhoneNumber": requester.get("safeNumber"),
        "requesterRealPhoneNumber": None,
        "requesterAddress": requester.get("addr1"),
        "requesterAddressDetail": requester.get("addr2"),
        "requesterZipCode": requester.get("postCode"),
        "cancelReasonCategory1": receipt.reason_category,
        "cancelReasonCategory2": receipt.reason_detail,
        "cancelReason": receipt.reason,
        "cancelCountSum": receipt.cancel_count_sum,
        "returnDeliveryId": receipt.receipt_id + 20000000,
        "returnDeliveryType": "연동택배",
        "releaseStopStatus": receipt.release_stop_status,
        "enclosePrice": renderer.money(Decimal(0)),
        "faultByType": "CUSTOMER",
        "preRefund": False,
        "completeConfirmType": receipt.complete_confirm_type,
        "completeConfirmDate": renderer.local_time(receipt.complete_confirm_date) or "",
        "returnItems": [_render_line(line) for line in receipt.lines],
        # The documented sample lists waybills without a number too; those are to be ignored.
        "returnDeliveryDtos": [
            {"deliveryCompanyCode": receipt.return_courier, "deliveryInvoiceNo": ""},
            *(
                [{"deliveryCompanyCode": receipt.return_courier, "deliveryInvoiceNo": receipt.return_invoice}]
                if receipt.return_invoice
                else []
            ),
        ],
    }


def _render_line(line):
    return {
        "vendorItemPackageId": 0,
        "vendorItemPackageName": line.seller_product_name,
        "vendorItemId": line.vendor_item_id,
        "vendorItemName": line.vendor_item_name,
        "purchaseCount": line.purchase_count,
        "cancelCount": line.cancel_count,
        "shipmentBoxId": line.shipment_box_id,
        "sellerProductId": line.seller_product_id,
        "sellerProductName": line.seller_product_name,
    }
