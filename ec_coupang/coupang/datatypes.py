"""Typed results of the Coupang client.

Coupang's ids (shipmentBoxId 18 digits since 2024-11, orderId 14, vendorItemId 10+) are kept
as strings ([CRAWL26] notice 39412511646489).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

ORDER_STATUSES = ("ACCEPT", "INSTRUCT", "DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")


# Coupang's documented courier codes for Korea (study section 6.3, article 360034156033; Coupang
# docs: distribution-center-api/lookup-delivery-code). Coupang documents no Taiwan courier code.
KR_COURIER_CODES = {
    "HYUNDAI": "롯데택배 (Lotte)",
    "KGB": "로젠택배 (Logen)",
    "EPOST": "우체국 (Korea Post)",
    "HANJIN": "한진택배 (Hanjin)",
    "CJGLS": "CJ대한통운 (CJ Logistics)",
    "KOREX": "대한통운 (merged into CJ)",
    "KDEXP": "경동택배 (Kyungdong)",
    "DIRECT": "업체직송 (vendor direct delivery, no tracking)",
    "ILYANG": "일양택배 (Ilyang)",
    "CHUNIL": "천일택배 (Chunil)",
    "AJOU": "아주택배 (Ajou)",
    "CSLOGIS": "SC로지스 (SC Logis)",
    "DAESIN": "대신택배 (Daesin)",
    "CVS": "CVS택배 (Korean convenience-store parcel)",
    "HDEXP": "합동택배 (Hapdong)",
    "DHL": "DHL",
    "UPS": "UPS",
}


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Orderer:
    name: str
    email: str
    safe_number: str
    orderer_number: str


@dataclass(frozen=True)
class Receiver:
    name: str
    safe_number: str
    receiver_number: str
    addr1: str
    addr2: str
    post_code: str


@dataclass(frozen=True)
class DeliveryInfo:
    kind: str  # "seven_eleven", "familymart" or "home"
    store_id: str = ""
    store_name: str = ""


HOME_DELIVERY = DeliveryInfo("home")

_STORE_CHAINS = (
    ("seven_eleven", r"7-ELEVEN|7-11|統一超商"),
    ("familymart", r"FamilyMart|全家(?:便利商店)?"),
)
_STORE_ID = re.compile(r"[(（]\s*店號\s*[:：]?\s*(\w+)\s*[)）]")


def delivery_from_receiver(receiver):
    """Store pickup or home delivery, read from the receiver's first address line.

    Coupang documents no store-pickup field (study section 8). This product assumes that Taiwan
    7-ELEVEN / FamilyMart pickup orders name the chain first in ``addr1``, then the store and its
    number, e.g. ``7-ELEVEN 信義門市 (店號 123456)``. An assumption to verify with a real Taiwan
    vendor account; everything else is home delivery.
    """
    addr1 = (receiver.addr1 or "").strip()
    for kind, chain in _STORE_CHAINS:
        prefix = re.match(rf"(?:(?:{chain})\s*)+", addr1, re.IGNORECASE)
        if prefix:
            rest = addr1[prefix.end() :]
            store_id = _STORE_ID.search(rest)
            store_name = _STORE_ID.sub("", rest).strip()
            return DeliveryInfo(kind, store_id.group(1) if store_id else "", store_name)
    return HOME_DELIVERY


@dataclass(frozen=True)
class OrderItem:
    vendor_item_id: str
    vendor_item_name: str
    seller_product_id: str
    seller_product_name: str
    seller_product_item_name: str
    external_vendor_sku_code: str
    shipping_count: int
    cancel_count: int
    hold_count_for_cancel: int
    sales_price: Money
    order_price: Money
    discount_price: Money
    instant_coupon_discount: Money
    downloadable_coupon_discount: Money
    coupang_discount: Money
    estimated_shipping_date: date | None
    canceled: bool

    @property
    def quantity_to_ship(self):
        """shippingCount - (holdCountForCancel + cancelCount) ([DCC-EN 360033919573])."""
        return max(0, self.shipping_count - self.hold_count_for_cancel - self.cancel_count)

    @property
    def share_to_ship(self):
        """The part of the item's line amounts (orderPrice, discounts: for the whole shippingCount)
        that goes with the quantity to ship."""
        return Decimal(self.quantity_to_ship) / Decimal(self.shipping_count)


@dataclass(frozen=True)
class TaxReceipt:
    """The buyer's Taiwan e-invoice (e-GUI, 統一發票) request of an order
    (``extraProperties.taxReceiptInfo``, Coupang notice 2025-12-05; study 4.4).

    :ivar option: ``PAPER`` or ``E-GUI``
    :ivar applied_type: ``PERSONAL_COUPANG_MEMBER_CARRIER``, ``PERSONAL_MOBILE_BARCODE_CARRIER``,
        ``DONATION`` or ``BUSINESS``
    :ivar applied_value: the mobile barcode, the donation code or the company's uniform serial
        number (統一編號), as the type says; empty for the Coupang member carrier
    """

    option: str
    applied_type: str
    applied_value: str


@dataclass(frozen=True)
class OrderSheet:
    shipment_box_id: str
    order_id: str
    ordered_at: datetime | None
    paid_at: datetime | None
    status: str
    currency: str
    shipping_price: Money
    remote_price: Money | None
    orderer: Orderer
    receiver: Receiver
    items: tuple[OrderItem, ...]
    split_shipping: bool
    able_split_shipping: bool
    delivery_company_name: str
    invoice_number: str
    shipment_type: str
    is_cod: bool
    parcel_print_message: str
    tax_receipt: TaxReceipt | None = None
    extra_properties: dict = field(default_factory=dict, compare=False)
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def delivery(self):
        return delivery_from_receiver(self.receiver)

    @property
    def items_to_ship(self):
        return tuple(item for item in self.items if item.quantity_to_ship)

    @property
    def is_fully_canceled(self):
        """Coupang canceled (or is canceling) every item: nothing of the box is to be shipped."""
        return not self.items_to_ship

    @property
    def coupang_total(self):
        """What the buyer pays Coupang for the box: items less discounts, plus shipping fees."""
        items = self.items_to_ship
        total = sum(((item.order_price.amount - item.discount_price.amount) * item.share_to_ship for item in items), 0)
        return total + self.shipping_price.amount + (self.remote_price.amount if self.remote_price else 0)


@dataclass(frozen=True)
class RowReason:
    """Why a listed row is kept as Coupang sent it instead of being read: a code and the details
    its text needs (plain JSON values), no user text; the text is written on the Odoo side."""

    code: str
    params: Mapping = field(default_factory=dict, hash=False)  # compared, but a dict has no hash


@dataclass(frozen=True)
class UnreadableOrderSheet:
    """A row of an order sheet list that could not be read as an order sheet.

    It is handed on with the readable ones so that nothing Coupang listed is dropped: the import
    keeps it for review, with the row as Coupang sent it and why it could not be read.

    :ivar shipment_box_id: the row's shipmentBoxId when it is one, else a key derived from the row
    """

    shipment_box_id: str
    order_id: str
    status: str
    reason: RowReason
    raw: object = field(default=None, compare=False, repr=False)
    ordered_at = None


@dataclass(frozen=True)
class PlaceAddress:
    address_type: str
    country_code: str
    zip_code: str
    address: str
    address_detail: str
    contact_number: str

    @property
    def text(self):
        detail = "" if self.address_detail.strip() == "-" else self.address_detail
        return " ".join(part.strip() for part in (self.zip_code, self.address, detail) if part and part.strip())


@dataclass(frozen=True)
class ShippingPlace:
    code: str
    name: str
    usable: bool
    addresses: tuple[PlaceAddress, ...]
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def address(self):
        """The first registered address, as one line."""
        return self.addresses[0].text if self.addresses else ""


@dataclass(frozen=True)
class ReturnCenter(ShippingPlace):
    deliver_code: str = ""  # the return courier's code, e.g. CJGLS
    deliver_name: str = ""


@dataclass(frozen=True)
class OutboundPlace(ShippingPlace):
    pass


@dataclass(frozen=True)
class InvoiceEntry:
    """One line of a waybill upload: one per vendor item of a shipment box."""

    shipment_box_id: str
    order_id: str
    vendor_item_id: str
    delivery_company_code: str
    invoice_number: str
    split_shipping: bool = False
    pre_split_shipped: bool = False
    estimated_shipping_date: str = ""

    def to_payload(self):
        # Coupang types the ids as Number; Python's json writes big integers exactly.
        return {
            "shipmentBoxId": int(self.shipment_box_id),
            "orderId": int(self.order_id),
            "vendorItemId": int(self.vendor_item_id),
            "deliveryCompanyCode": self.delivery_company_code,
            "invoiceNumber": self.invoice_number,
            "splitShipping": self.split_shipping,
            "preSplitShipped": self.pre_split_shipped,
            "estimatedShippingDate": self.estimated_shipping_date,
        }


# Answers to a waybill upload or update that sending the same invoice again cannot change: a person
# has to act first (Coupang docs: delivery-api/invoice-upload-processing, resultCode). Coupang's own
# retryRequired flag is not used for this: its table marks e.g. DUPLICATE_INVOICE_NUMBER as retryable.
# ORDER_DELIVERY_PARTIAL_STOP_REQUESTED is not here: the rest of the box ships once the stop-shipment
# request is answered (in Wing, for Taiwan), so the same invoice is sent again later.
INVOICE_CODES_NEEDING_A_PERSON = frozenset(
    {
        "INVALID_INVOICE_NUMBER",
        "DUPLICATE_INVOICE_NUMBER",
        "NOT_ALLOW_INVOICE_NUMBER_RE_UPLOAD",
        "NOT_FOUND_INVOICE_NUMBER",
        "NOT_FOUND_SHIPMENT_BOX",
        "NOT_FOUND_VENDOR_ITEM",
        "PERMISSION_DENIED",
        "NOT_ALLOW_VENDOR_DIRECT",
        "ORDER_DELIVERY_CANCELED",
        "ORDER_DELIVERY_CANCELED_HOLDING_FOR_CANCEL",
        "PSD_NOT_ALLOW_TO_CHANGE",
        "NOT_ALLOW_SEPARATE_AFTER_NORMAL_DELIVERY",
        "IS_SEPARATE_MUST_BE_TRUE_WHEN_SEPARATE_DELIVERY",
        "NOT_ALLOW_SEPARATE_WHEN_ONE_VENDOR_ITEM",
    }
)


@dataclass(frozen=True)
class BoxResult:
    """Coupang's answer for one shipment box of an acknowledgement or waybill upload."""

    shipment_box_id: str
    succeed: bool
    result_code: str
    message: str
    retry_required: bool

    @property
    def needs_person(self):
        """A refused invoice that no retry can fix (an invalid or duplicate number, a canceled order...)."""
        return not self.succeed and self.result_code in INVOICE_CODES_NEEDING_A_PERSON
