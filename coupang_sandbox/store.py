"""The sandbox's state: vendors, order sheets whose status moves, places. Thread-safe."""

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

LOOPBACK_IPS = ("127.0.0.1", "::1")
UPDATABLE_STATUSES = ("DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")

# Per-box result codes and their retryRequired flag (Coupang docs: delivery-api/invoice-upload-processing).
RESULT_MESSAGES = {
    "OK": ("request succeeded.", False),
    "NOT_FOUND_SHIPMENT_BOX": ("shipmentBoxId ({box}) is not found.", False),
    "INVALID_STATUS": ("배송진행상태가 유효하지 않습니다.", False),
    "DUPLICATE_INVOICE_NUMBER": ("이미 저장된 송장번호가 있습니다.", True),
    "ORDER_DELIVERY_CANCELED": ("취소된 주문건입니다.", False),
    "ORDER_DELIVERY_PARTIAL_STOP_REQUESTED": ("출고중지 요청건입니다.", True),
    "NOT_FOUND_VENDOR_ITEM": ("합포장건 중 누락된 상품이 있습니다.", False),
    "UNDEFINED_ERROR_OCCUR": ("알수없는 오류", True),
}
# Acknowledging a box that is not ACCEPT (Coupang docs: delivery-api/product-preparation-processing).
ACK_INVALID_STATUS_MESSAGE = "배송상태를 변경할 수 없습니다. 주문내역을 확인해주세요."
RESPONSE_MESSAGES = {0: "SUCCESS", 1: "PARTIAL_ERROR", 99: "FAILED"}
KR_COURIER_NAMES = {
    "CJGLS": "CJ 대한통운",
    "HANJIN": "한진택배",
    "HYUNDAI": "롯데택배",
    "EPOST": "우체국",
    "KGB": "로젠택배",
}


@dataclass(frozen=True)
class Market:
    """A Coupang market as the docs describe it (study 8 and 13), kept apart from the client's table:
    the sandbox stands for Coupang."""

    currency: str  # of v4 plain numbers (study 4.3, 8.4)
    timezone: timezone  # of the days of the lists and of times sent without an offset (study 4.2, 13)
    # Help center articles 360034320673 and 360033793034 mark the stop-shipment answers "한국" only;
    # how Coupang refuses them for another market is not documented.
    answers_stop_shipment: bool
    # The calls beyond the order marked "한국" only (study 13): one product's lookup (article
    # 360033644994). Refused elsewhere as the stop-shipment answers are.
    serves_korea_only_calls: bool


# X-MARKET's values (study 1, 8.2).
MARKETS = {
    "TW": Market("TWD", timezone(timedelta(hours=8)), answers_stop_shipment=False, serves_korea_only_calls=False),
    "KR": Market("KRW", timezone(timedelta(hours=9)), answers_stop_shipment=True, serves_korea_only_calls=True),
}


@dataclass
class Vendor:
    vendor_id: str
    access_key: str
    secret_key: str
    allowed_ips: list = field(default_factory=lambda: list(LOOPBACK_IPS))
    markets: tuple = ("KR", "TW")  # where it sells; X-MARKET must name one of them
    wing_user_id: str = ""  # the seller's Wing login ID, the userId of the seller's cancel


@dataclass
class OrderLine:
    vendor_item_id: int
    vendor_item_name: str
    seller_product_id: int
    seller_product_name: str
    seller_product_item_name: str
    external_vendor_sku_code: str
    shipping_count: int
    sales_price: Decimal
    instant_coupon_discount: Decimal = Decimal(0)
    downloadable_coupon_discount: Decimal = Decimal(0)
    coupang_discount: Decimal = Decimal(0)
    cancel_count: int = 0
    hold_count_for_cancel: int = 0
    estimated_shipping_date: str = ""
    invoice_number_upload_date: datetime | None = None

    @property
    def canceled(self):
        return self.cancel_count >= self.shipping_count

    @property
    def order_price(self):
        return self.sales_price * self.shipping_count

    @property
    def discount_price(self):
        return self.instant_coupon_discount + self.downloadable_coupon_discount + self.coupang_discount


@dataclass
class Order:
    shipment_box_id: int
    order_id: int
    vendor_id: str
    market: str
    currency: str
    ordered_at: datetime
    paid_at: datetime
    status: str
    orderer: dict
    receiver: dict
    lines: list
    shipping_price: Decimal
    remote_price: Decimal | None = None
    remote_area: bool = False
    parcel_print_message: str = ""
    is_cod: bool = False
    extra_properties: dict = field(default_factory=dict)
    refer: str = ""
    delivery_company_name: str = ""
    invoice_number: str = ""
    shipment_type: str = "THIRD_PARTY"
    split_allowed: bool = True  # with more than one open item, Coupang reports ableSplitShipping
    split_shipping: bool = False  # part of the box left in an earlier split

    @property
    def canceled(self):
        return all(line.canceled for line in self.lines)

    @property
    def able_split_shipping(self):
        return self.split_allowed and len(self.open_item_ids()) > 1

    def open_item_ids(self):
        return {line.vendor_item_id for line in self.lines if not line.canceled}

    @property
    def partly_stop_requested(self):
        """Some of the box's open units, not all, are held by a stop-shipment request."""
        held = sum(line.hold_count_for_cancel for line in self.lines)
        open_units = sum(line.shipping_count - line.cancel_count for line in self.lines)
        return self.status == "INSTRUCT" and 0 < held < open_units


@dataclass
class Place:
    kind: str  # "return_center" or "outbound_place"
    code: str
    name: str
    address: str
    zip_code: str
    usable: bool = True
    deliver_code: str = ""
    deliver_name: str = ""
    country_code: str = "TW"
    created_at: int = 1719792000000  # epoch ms, as Coupang sends it

    @classmethod
    def return_center(cls, code, name, address, zip_code, **values):
        return cls("return_center", code, name, address, zip_code, **values)

    @classmethod
    def outbound_place(cls, code, name, address, zip_code, **values):
        return cls("outbound_place", code, name, address, zip_code, **values)


def box_result(box_id, result_code, message=None):
    template, retry_required = RESULT_MESSAGES.get(result_code, ("", False))
    return {
        "shipmentBoxId": box_id,
        "succeed": result_code == "OK",
        "resultCode": result_code,
        "retryRequired": retry_required,
        "resultMessage": message or template.format(box=box_id),
    }


def response_data(results):
    failed = sum(not result["succeed"] for result in results)
    code = 0 if not failed else 99 if failed == len(results) else 1
    return {"responseCode": code, "responseMessage": RESPONSE_MESSAGES[code], "responseList": results}


class SandboxStore:
    def __init__(self, clock):
        self.lock = threading.RLock()
        self.clock = clock
        self.vendors = {}  # access key -> Vendor
        self.orders = {}  # shipmentBoxId -> Order
        self.places = {}  # vendorId -> [Place]
        self.invoice_boxes = {}  # invoice number -> shipmentBoxId
        self.order_ids = set()
        self.highest_place_codes = {"return_center": 1000600000, "outbound_place": 2600000}

    # --- vendors and orders ---

    def add_vendor(self, vendor):
        with self.lock:
            self.vendors[vendor.access_key] = vendor
            self.places.setdefault(vendor.vendor_id, [])
        return vendor

    def add_orders(self, orders):
        with self.lock:
            for order in orders:
                self.orders[order.shipment_box_id] = order
                self.order_ids.add(order.order_id)
                if order.invoice_number:
                    self.invoice_boxes[order.invoice_number] = order.shipment_box_id

    def id_taken(self, value):
        return value in self.orders or value in self.order_ids

    def order(self, shipment_box_id):
        with self.lock:
            return self.orders[int(shipment_box_id)]

    def vendor_order(self, vendor_id, shipment_box_id):
        order = self.orders.get(int(shipment_box_id))
        return order if order and order.vendor_id == vendor_id else None

    def orders_of(self, vendor_id, order_id):
        """The boxes of one order, by shipmentBoxId (a split shipment adds boxes)."""
        with self.lock:
            found = [
                order
                for order in self.orders.values()
                if order.vendor_id == vendor_id and order.order_id == int(order_id)
            ]
        return sorted(found, key=lambda order: order.shipment_box_id)

    def list_orders(self, vendor_id, market, status, start, end):
        """The vendor's orders of a market and status ordered in ``[start, end)``, by shipmentBoxId."""
        with self.lock:
            found = [
                order
                for order in self.orders.values()
                if order.vendor_id == vendor_id
                and order.market == market
                and order.status == status
                and start <= order.ordered_at < end
            ]
        return sorted(found, key=lambda order: order.shipment_box_id)

    def cancel(self, shipment_box_id, vendor_item_ids=None):
        """The buyer cancels items of a box (default: all of them)."""
        with self.lock:
            for line in self.order(shipment_box_id).lines:
                if vendor_item_ids is None or line.vendor_item_id in {int(item) for item in vendor_item_ids}:
                    line.cancel_count = line.shipping_count
                    line.hold_count_for_cancel = 0

    def change_address(self, shipment_box_id, **receiver):
        """The buyer changes the delivery address, which Coupang allows only while ACCEPT."""
        with self.lock:
            order = self.order(shipment_box_id)
            if order.status != "ACCEPT":
                raise ValueError(
                    f"Box {shipment_box_id} is {order.status}: the buyer can change the address only while ACCEPT."
                )
            order.receiver.update(receiver)

    # --- writes through the API ---

    def acknowledge(self, vendor_id, box_ids, forced_failure):
        """ACCEPT -> INSTRUCT per box; ``forced_failure(box_id)`` may impose a failure result."""
        results = []
        with self.lock:
            for box_id in box_ids:
                order = self.vendor_order(vendor_id, box_id)
                result = forced_failure(box_id) or self._acknowledge_one(box_id, order)
                results.append(result)
        return response_data(results)

    @staticmethod
    def _acknowledge_one(box_id, order):
        if order is None:
            return box_result(box_id, "NOT_FOUND_SHIPMENT_BOX")
        if order.canceled:
            return box_result(box_id, "ORDER_DELIVERY_CANCELED")
        if order.status != "ACCEPT":
            return box_result(box_id, "INVALID_STATUS", ACK_INVALID_STATUS_MESSAGE)
        order.status = "INSTRUCT"
        return box_result(box_id, "OK")

    def apply_invoices(self, vendor_id, dtos, forced_failure, *, update):
        """Waybill upload (INSTRUCT -> DEPARTURE) or update (stays/returns to DEPARTURE), per box."""
        boxes = {}
        for dto in dtos:
            boxes.setdefault(int(dto["shipmentBoxId"]), []).append(dto)
        results = []
        with self.lock:
            for box_id, box_dtos in boxes.items():
                order = self.vendor_order(vendor_id, box_id)
                result = forced_failure(box_id) or self._apply_invoice(box_id, order, box_dtos, update)
                results.append(result)
        return response_data(results)

    def _apply_invoice(self, box_id, order, dtos, update):
        if order is None:
            return box_result(box_id, "NOT_FOUND_SHIPMENT_BOX")
        if order.canceled:
            return box_result(box_id, "ORDER_DELIVERY_CANCELED")
        allowed = UPDATABLE_STATUSES if update else ("INSTRUCT",)
        if order.status not in allowed:
            return box_result(box_id, "INVALID_STATUS")
        if order.partly_stop_requested:
            # Coupang docs: delivery-api/invoice-upload-processing, ORDER_DELIVERY_PARTIAL_STOP_REQUESTED
            # (retryRequired true): the rest ships once the stop-shipment request is answered. That
            # Coupang refuses the rest until then is the sandbox's strictest reading.
            return box_result(box_id, "ORDER_DELIVERY_PARTIAL_STOP_REQUESTED")
        if not order.open_item_ids() <= {int(dto["vendorItemId"]) for dto in dtos}:
            return box_result(box_id, "NOT_FOUND_VENDOR_ITEM")
        if not update and any(dto.get("splitShipping") for dto in dtos):
            return self._apply_split_invoice(box_id, order, dtos)
        invoice_number = str(dtos[0].get("invoiceNumber") or "")
        if self._is_duplicate_invoice(invoice_number, order):
            return box_result(box_id, "DUPLICATE_INVOICE_NUMBER")
        self._ship(order, invoice_number, str(dtos[0].get("deliveryCompanyCode") or ""))
        return box_result(box_id, "OK")

    def _apply_split_invoice(self, box_id, order, dtos):
        """Split shipping (Coupang docs: technical-faq "분리배송을 하고 싶습니다"; study 6.1).

        The first upload gives the items shipped now their invoice and the others an
        ``estimatedShippingDate`` instead, with ``preSplitShipped`` false; the shipped items then
        move to a new shipmentBoxId. A later parcel re-uses the original box with ``preSplitShipped``
        true. Coupang documents no result code for splitting a box that cannot be split: the sandbox
        answers INVALID_STATUS.
        """
        pre_split_shipped = any(dto.get("preSplitShipped") for dto in dtos)
        if pre_split_shipped != order.split_shipping:
            return box_result(box_id, "IS_SEPARATE_MUST_BE_TRUE_WHEN_SEPARATE_DELIVERY")
        if len(order.open_item_ids()) < 2 and not pre_split_shipped:
            return box_result(box_id, "NOT_ALLOW_SEPARATE_WHEN_ONE_VENDOR_ITEM")
        if not (order.able_split_shipping or pre_split_shipped):
            return box_result(box_id, "INVALID_STATUS")
        shipped = [dto for dto in dtos if dto.get("invoiceNumber")]
        if not shipped or any(bool(dto.get("estimatedShippingDate")) == (dto in shipped) for dto in dtos):
            return box_result(
                box_id, "UNDEFINED_ERROR_OCCUR", "Each item needs either an invoiceNumber or an estimatedShippingDate."
            )
        invoice_number = str(shipped[0]["invoiceNumber"])
        if self._is_duplicate_invoice(invoice_number, order):
            return box_result(box_id, "DUPLICATE_INVOICE_NUMBER")
        courier_code = str(shipped[0].get("deliveryCompanyCode") or "")
        if len(shipped) == len(dtos):
            self._ship(order, invoice_number, courier_code)
            return box_result(box_id, "OK")
        shipped_ids = {int(dto["vendorItemId"]) for dto in shipped}
        parcel = replace(
            order,
            shipment_box_id=max(self.orders) + 1,
            lines=[line for line in order.lines if line.vendor_item_id in shipped_ids],
            receiver=dict(order.receiver),
            orderer=dict(order.orderer),
            split_shipping=True,
        )
        order.lines = [line for line in order.lines if line.vendor_item_id not in shipped_ids]
        order.split_shipping = True
        for line in order.lines:
            line.estimated_shipping_date = next(
                str(dto["estimatedShippingDate"]) for dto in dtos if int(dto["vendorItemId"]) == line.vendor_item_id
            )
        self.orders[parcel.shipment_box_id] = parcel
        self._ship(parcel, invoice_number, courier_code)
        return box_result(box_id, "OK")

    def _is_duplicate_invoice(self, invoice_number, order):
        """Another box already has this number, unless it goes to the same person and address."""
        other_id = self.invoice_boxes.get(invoice_number)
        if other_id is None or other_id == order.shipment_box_id:
            return False
        other = self.orders[other_id].receiver
        return any(other.get(key) != order.receiver.get(key) for key in ("name", "addr1", "addr2"))

    def _ship(self, order, invoice_number, courier_code):
        if order.invoice_number and self.invoice_boxes.get(order.invoice_number) == order.shipment_box_id:
            del self.invoice_boxes[order.invoice_number]
        order.status = "DEPARTURE"
        order.invoice_number = invoice_number
        order.delivery_company_name = KR_COURIER_NAMES.get(courier_code, courier_code)
        self.invoice_boxes[invoice_number] = order.shipment_box_id
        for line in order.lines:
            line.invoice_number_upload_date = self.clock()

    # --- places ---

    def vendor_places(self, vendor_id, kind):
        with self.lock:
            return [place for place in self.places.get(vendor_id, ()) if place.kind == kind]

    def add_place(self, vendor_id, place):
        with self.lock:
            places = self.places.setdefault(vendor_id, [])
            if any(existing.kind == place.kind and existing.code == place.code for existing in places):
                raise ValueError(f"{place.kind} {place.code} exists already.")
            places.append(place)
            self.highest_place_codes[place.kind] = max(self.highest_place_codes[place.kind], int(place.code))
        return place

    def find_place(self, vendor_id, kind, code):
        for place in self.vendor_places(vendor_id, kind):
            if place.code == str(code):
                return place
        raise KeyError(f"No {kind} {code} for vendor {vendor_id}.")

    def remove_place(self, vendor_id, kind, code):
        with self.lock:
            self.places[vendor_id].remove(self.find_place(vendor_id, kind, code))

    def next_place_code(self, kind):
        """A code never given before, also not to a place removed since."""
        with self.lock:
            return str(self.highest_place_codes[kind] + 1)
