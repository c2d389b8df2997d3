"""From Coupang's JSON to the client's typed results.

Both order sheet generations are read: v5 money objects ``{currencyCode, units, nanos}`` with
ISO-8601 times carrying an offset, and v4 plain numbers with times without offset, in the market's
local time (study 4.3-4.4).
"""

import hashlib
import json
import re
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .datatypes import (
    ORDER_STATUSES,
    BoxResult,
    Money,
    Orderer,
    OrderItem,
    OrderSheet,
    OutboundPlace,
    PlaceAddress,
    Receiver,
    ReturnCenter,
    RowReason,
    TaxReceipt,
    UnreadableOrderSheet,
)
from .errors import MalformedResponseError
from .markets import MARKETS

NANOS_PER_UNIT = Decimal(10) ** 9
_EXTRA_FRACTION_DIGITS = re.compile(r"(\.\d{6})\d+")
_DIGITS = re.compile(r"[0-9]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
# What reading a row of unexpected shape raises (see ``reading``).
READ_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, InvalidOperation)


@contextmanager
def reading(what):
    """Turns a response of unexpected shape into :class:`MalformedResponseError`."""
    try:
        yield
    except READ_ERRORS as error:
        raise MalformedResponseError(what=f"{what} ({type(error).__name__})") from error


def loads(content):
    """JSON with exact numbers: integers stay integers, decimals become ``Decimal``."""
    return json.loads(content, parse_float=Decimal)


def parse_money(value, currency):
    """A v5 money object, or a v4 plain number in the market's ``currency``; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, dict):
        amount = _number(value.get("units")) + _number(value.get("nanos")) / NANOS_PER_UNIT
        code = value.get("currencyCode") or currency
        if not isinstance(code, str) or not _CURRENCY.fullmatch(code):
            raise ValueError(f"not a currency code: {code!r}")
        return Money(amount, code)
    return Money(_number(value), currency)


def _number(value):
    """A finite decimal from a JSON number or numeric text (``None`` is 0)."""
    if value is None:
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"not a number: {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def parse_datetime(value, market):
    """An aware datetime from v5 ``2025-08-01T13:05:22.123456+08:00``, or from a time without
    offset (v4 order sheets, returnRequests of every version): the market's local time, Taiwan
    +08:00 and Korea +09:00 (study 13: "times without an offset are in the market's local time")."""
    if not value:
        return None
    text = _EXTRA_FRACTION_DIGITS.sub(r"\1", value.strip().replace(" ", "T", 1))
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=MARKETS[market].timezone)


def market_time(value, market):
    """:func:`parse_datetime` shown in the market's time (``None`` stays ``None``)."""
    moment = parse_datetime(value, market)
    return moment.astimezone(MARKETS[market].timezone) if moment else None


def parse_date(value):
    return date.fromisoformat(value[:10]) if value else None


def as_text(value):
    return "" if value is None else str(value)


def parse_id(value):
    """A Coupang id (a JSON Number, sometimes sent as text) as its digits."""
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not _DIGITS.fullmatch(text):
        raise ValueError(f"not a Coupang id: {value!r}")
    return text


def parse_count(value, minimum=0):
    """An item count: a whole number, at least ``minimum`` (``None`` is 0)."""
    count = _number(value)
    if count != count.to_integral_value() or count < minimum:
        raise ValueError(f"not a count of at least {minimum}: {value!r}")
    return int(count)


def _status(value):
    status = as_text(value)
    if status and status not in ORDER_STATUSES:
        raise ValueError(f"unknown order status {value!r}")
    return status


def _order_currency(raw, default_currency):
    for money in (raw.get("shippingPrice"), *(item.get("salesPrice") for item in raw.get("orderItems") or ())):
        if isinstance(money, dict) and money.get("currencyCode"):
            return money["currencyCode"]
    return default_currency


def money_or_zero(value, currency):
    return parse_money(value, currency) or Money(Decimal(0), currency)


def parse_order_item(raw, currency):
    def money(key):
        return money_or_zero(raw.get(key), currency)

    return OrderItem(
        vendor_item_id=parse_id(raw["vendorItemId"]),
        vendor_item_name=as_text(raw.get("vendorItemName")),
        seller_product_id=as_text(raw.get("sellerProductId")),
        seller_product_name=as_text(raw.get("sellerProductName")),
        seller_product_item_name=as_text(raw.get("sellerProductItemName")),
        external_vendor_sku_code=as_text(raw.get("externalVendorSkuCode")),
        shipping_count=parse_count(raw.get("shippingCount"), minimum=1),
        cancel_count=parse_count(raw.get("cancelCount")),
        hold_count_for_cancel=parse_count(raw.get("holdCountForCancel")),
        sales_price=money("salesPrice"),
        order_price=money("orderPrice"),
        discount_price=money("discountPrice"),
        instant_coupon_discount=money("instantCouponDiscount"),
        downloadable_coupon_discount=money("downloadableCouponDiscount"),
        coupang_discount=money("coupangDiscount"),
        estimated_shipping_date=parse_date(raw.get("estimatedShippingDate")),
        canceled=bool(raw.get("canceled")),
    )


def parse_order_sheet(raw, market):
    """An :class:`OrderSheet` of the market (``KR`` or ``TW``), whose currency prices v4 plain
    numbers and whose time reads the times without offset."""
    currency = _order_currency(raw, MARKETS[market].currency)
    orderer = raw.get("orderer") or {}
    receiver = raw.get("receiver") or {}
    items = tuple(parse_order_item(item, currency) for item in raw.get("orderItems") or ())
    if not items:
        raise ValueError("an order sheet without items")
    return OrderSheet(
        shipment_box_id=parse_id(raw["shipmentBoxId"]),
        order_id=parse_id(raw["orderId"]),
        ordered_at=parse_datetime(raw.get("orderedAt"), market),
        paid_at=parse_datetime(raw.get("paidAt"), market),
        status=_status(raw.get("status")),
        currency=currency,
        shipping_price=money_or_zero(raw.get("shippingPrice"), currency),
        remote_price=parse_money(raw.get("remotePrice"), currency),
        orderer=Orderer(
            name=as_text(orderer.get("name")),
            email=as_text(orderer.get("email")),
            safe_number=as_text(orderer.get("safeNumber")),
            orderer_number=as_text(orderer.get("ordererNumber")),
        ),
        receiver=Receiver(
            name=as_text(receiver.get("name")),
            safe_number=as_text(receiver.get("safeNumber")),
            receiver_number=as_text(receiver.get("receiverNumber")),
            addr1=as_text(receiver.get("addr1")),
            addr2=as_text(receiver.get("addr2")),
            post_code=as_text(receiver.get("postCode")),
        ),
        items=items,
        split_shipping=bool(raw.get("splitShipping")),
        able_split_shipping=bool(raw.get("ableSplitShipping")),
        delivery_company_name=as_text(raw.get("deliveryCompanyName")),
        invoice_number=as_text(raw.get("invoiceNumber")),
        shipment_type=as_text(raw.get("shipmentType")),
        is_cod=bool(raw.get("isCod")),
        parcel_print_message=as_text(raw.get("parcelPrintMessage")),
        tax_receipt=parse_tax_receipt((raw.get("extraProperties") or {}).get("taxReceiptInfo")),
        extra_properties=dict(raw.get("extraProperties") or {}),
        raw=raw,
    )


def parse_tax_receipt(raw):
    """A :class:`TaxReceipt`, or ``None`` in markets without tax receipts (Korea)."""
    if not raw:
        return None
    if not isinstance(raw, dict):
        raise TypeError("taxReceiptInfo is not an object")
    return TaxReceipt(
        option=as_text(raw.get("receiptOption")),
        applied_type=as_text(raw.get("appliedType")),
        applied_value=as_text(raw.get("appliedValue")),
    )


def parse_order_sheets(rows, market):
    """Each row of an order sheet list read on its own: an :class:`OrderSheet`, or an
    :class:`UnreadableOrderSheet` that keeps the row, so one broken row never hides the others."""
    if not isinstance(rows, list):
        raise TypeError("an order sheet list is not a list")
    return [read_order_sheet(row, market) for row in rows]


def read_order_sheet(raw, market):
    """An :class:`OrderSheet`, or an :class:`UnreadableOrderSheet` saying why the row is not one."""
    try:
        return parse_order_sheet(raw, market)
    except READ_ERRORS as error:
        return kept_order_sheet(raw, unreadable_reason("unreadable_order", error))


def kept_order_sheet(raw, reason):
    """The row, not read as an order sheet, kept as Coupang sent it with ``reason`` (a :class:`RowReason`)."""
    return UnreadableOrderSheet(
        shipment_box_id=readable_id(raw, "shipmentBoxId") or row_key(raw),
        order_id=readable_id(raw, "orderId"),
        status=_readable_status(raw),
        reason=reason,
        raw=raw,
    )


def unreadable_reason(code, error):
    """Why a row of a list is kept as Coupang sent it instead of being read: ``code`` says what
    the row was to be (``unreadable_order``, ``unreadable_request``), ``error`` what stopped it."""
    return RowReason(code, {"error": f"{type(error).__name__}: {str(error)[:200]}"})


def readable_id(raw, key):
    try:
        return parse_id(raw[key])
    except READ_ERRORS:
        return ""


def _readable_status(raw):
    try:
        return _status(raw.get("status"))
    except READ_ERRORS:
        return ""


ROW_KEY_PREFIX = "unreadable-"


def row_key(raw):
    """A stable key for a row without a usable shipmentBoxId: the same row gets the same key."""
    try:
        text = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(raw)
    return ROW_KEY_PREFIX + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def parse_place_address(raw):
    return PlaceAddress(
        address_type=as_text(raw.get("addressType")),
        country_code=as_text(raw.get("countryCode")),
        zip_code=as_text(raw.get("returnZipCode")),
        address=as_text(raw.get("returnAddress")),
        address_detail=as_text(raw.get("returnAddressDetail")),
        contact_number=as_text(raw.get("companyContactNumber")),
    )


def _place_addresses(raw):
    return tuple(parse_place_address(address) for address in raw.get("placeAddresses") or ())


def parse_return_center(raw):
    return ReturnCenter(
        code=as_text(raw["returnCenterCode"]),
        name=as_text(raw.get("shippingPlaceName")),
        deliver_code=as_text(raw.get("deliverCode")),
        deliver_name=as_text(raw.get("deliverName")),
        usable=bool(raw.get("usable")),
        addresses=_place_addresses(raw),
        raw=raw,
    )


def parse_outbound_place(raw):
    return OutboundPlace(
        code=as_text(raw["outboundShippingPlaceCode"]),
        name=as_text(raw.get("shippingPlaceName")),
        usable=bool(raw.get("usable")),
        addresses=_place_addresses(raw),
        raw=raw,
    )


def parse_box_results(data, requested_box_ids):
    """One :class:`BoxResult` per requested box, in request order.

    A 200 can still carry failures: ``data.responseCode`` 0 all succeeded, 1 partial errors,
    99 all failed, and ``responseList[].succeed`` per box (Coupang docs:
    delivery-api/product-preparation-processing, invoice-upload-processing). A box missing from
    the list failed with the batch's ``responseMessage``.
    """
    listed = {as_text(row["shipmentBoxId"]): row for row in data.get("responseList") or ()}
    batch_message = as_text(data.get("responseMessage"))
    results = []
    for box_id in requested_box_ids:
        row = listed.get(box_id)
        if row is None:
            results.append(BoxResult(box_id, False, "NOT_IN_RESPONSE", batch_message, True))
            continue
        results.append(
            BoxResult(
                shipment_box_id=box_id,
                succeed=bool(row.get("succeed")),
                result_code=as_text(row.get("resultCode")),
                message=as_text(row.get("resultMessage")),
                retry_required=bool(row.get("retryRequired")),
            )
        )
    return results
