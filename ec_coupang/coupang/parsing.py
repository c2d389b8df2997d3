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
    MARKET_CURRENCIES,
    MARKET_TIMEZONES,
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
    TaxReceipt,
    UnreadableOrderSheet,
)
from .errors import MalformedResponseError

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
    return moment if moment.tzinfo else moment.replace(tzinfo=MARKET_TIMEZONES[market])


def parse_date(value):
    return date.fromisoformat(value[:10]) if value else None


def _text(value):
    return "" if value is None else str(value)


def _id(value):
    """A Coupang id (a JSON Number, sometimes sent as text) as its digits."""
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not _DIGITS.fullmatch(text):
        raise ValueError(f"not a Coupang id: {value!r}")
    return text


def _count(value, minimum=0):
    """An item count: a whole number, at least ``minimum`` (``None`` is 0)."""
    count = _number(value)
    if count != count.to_integral_value() or count < minimum:
        raise ValueError(f"not a count of at least {minimum}: {value!r}")
    return int(count)


def _status(value):
    status = _text(value)
    if status and status not in ORDER_STATUSES:
        raise ValueError(f"unknown order status {value!r}")
    return status


def _order_currency(raw, default_currency):
    for money in (raw.get("shippingPrice"), *(item.get("salesPrice") for item in raw.get("orderItems") or ())):
        if isinstance(money, dict) and money.get("currencyCode"):
            return money["currencyCode"]
    return default_currency


def _zero_if_none(value, currency):
    return parse_money(value, currency) or Money(Decimal(0), currency)


def parse_order_item(raw, currency):
    def money(key):
        return _zero_if_none(raw.get(key), currency)

    return OrderItem(
        vendor_item_id=_id(raw["vendorItemId"]),
        vendor_item_name=_text(raw.get("vendorItemName")),
        seller_product_id=_text(raw.get("sellerProductId")),
        seller_product_name=_text(raw.get("sellerProductName")),
        seller_product_item_name=_text(raw.get("sellerProductItemName")),
        external_vendor_sku_code=_text(raw.get("externalVendorSkuCode")),
        shipping_count=_count(raw.get("shippingCount"), minimum=1),
        cancel_count=_count(raw.get("cancelCount")),
        hold_count_for_cancel=_count(raw.get("holdCountForCancel")),
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
    currency = _order_currency(raw, MARKET_CURRENCIES[market])
    orderer = raw.get("orderer") or {}
    receiver = raw.get("receiver") or {}
    items = tuple(parse_order_item(item, currency) for item in raw.get("orderItems") or ())
    if not items:
        raise ValueError("an order sheet without items")
    return OrderSheet(
        shipment_box_id=_id(raw["shipmentBoxId"]),
        order_id=_id(raw["orderId"]),
        ordered_at=parse_datetime(raw.get("orderedAt"), market),
        paid_at=parse_datetime(raw.get("paidAt"), market),
        status=_status(raw.get("status")),
        currency=currency,
        shipping_price=_zero_if_none(raw.get("shippingPrice"), currency),
        remote_price=parse_money(raw.get("remotePrice"), currency),
        orderer=Orderer(
            name=_text(orderer.get("name")),
            email=_text(orderer.get("email")),
            safe_number=_text(orderer.get("safeNumber")),
            orderer_number=_text(orderer.get("ordererNumber")),
        ),
        receiver=Receiver(
            name=_text(receiver.get("name")),
            safe_number=_text(receiver.get("safeNumber")),
            receiver_number=_text(receiver.get("receiverNumber")),
            addr1=_text(receiver.get("addr1")),
            addr2=_text(receiver.get("addr2")),
            post_code=_text(receiver.get("postCode")),
        ),
        items=items,
        split_shipping=bool(raw.get("splitShipping")),
        able_split_shipping=bool(raw.get("ableSplitShipping")),
        delivery_company_name=_text(raw.get("deliveryCompanyName")),
        invoice_number=_text(raw.get("invoiceNumber")),
        shipment_type=_text(raw.get("shipmentType")),
        is_cod=bool(raw.get("isCod")),
        parcel_print_message=_text(raw.get("parcelPrintMessage")),
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
        option=_text(raw.get("receiptOption")),
        applied_type=_text(raw.get("appliedType")),
        applied_value=_text(raw.get("appliedValue")),
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
        return kept_order_sheet(raw, unreadable_reason("order", error))


def kept_order_sheet(raw, reason):
    """The row, not read as an order sheet, kept as Coupang sent it with ``reason``."""
    return UnreadableOrderSheet(
        shipment_box_id=_readable_id(raw, "shipmentBoxId") or _row_key(raw),
        order_id=_readable_id(raw, "orderId"),
        status=_readable_status(raw),
        reason=reason,
        raw=raw,
    )


def unreadable_reason(what, error):
    """Why a row of a list is kept as Coupang sent it instead of being read."""
    return (
        f"Coupang sent this {what} in a form that could not be read "
        f"({type(error).__name__}: {str(error)[:200]}). Its data is kept as Coupang sent it."
    )


def _readable_id(raw, key):
    try:
        return _id(raw[key])
    except READ_ERRORS:
        return ""


def _readable_status(raw):
    try:
        return _status(raw.get("status"))
    except READ_ERRORS:
        return ""


ROW_KEY_PREFIX = "unreadable-"


def _row_key(raw):
    """A stable key for a row without a usable shipmentBoxId: the same row gets the same key."""
    try:
        text = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(raw)
    return ROW_KEY_PREFIX + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def parse_place_address(raw):
    return PlaceAddress(
        address_type=_text(raw.get("addressType")),
        country_code=_text(raw.get("countryCode")),
        zip_code=_text(raw.get("returnZipCode")),
        address=_text(raw.get("returnAddress")),
        address_detail=_text(raw.get("returnAddressDetail")),
        contact_number=_text(raw.get("companyContactNumber")),
    )


def _place_addresses(raw):
    return tuple(parse_place_address(address) for address in raw.get("placeAddresses") or ())


def parse_return_center(raw):
    return ReturnCenter(
        code=_text(raw["returnCenterCode"]),
        name=_text(raw.get("shippingPlaceName")),
        deliver_code=_text(raw.get("deliverCode")),
        deliver_name=_text(raw.get("deliverName")),
        usable=bool(raw.get("usable")),
        addresses=_place_addresses(raw),
        raw=raw,
    )


def parse_outbound_place(raw):
    return OutboundPlace(
        code=_text(raw["outboundShippingPlaceCode"]),
        name=_text(raw.get("shippingPlaceName")),
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
    listed = {_text(row["shipmentBoxId"]): row for row in data.get("responseList") or ()}
    batch_message = _text(data.get("responseMessage"))
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
                result_code=_text(row.get("resultCode")),
                message=_text(row.get("resultMessage")),
                retry_required=bool(row.get("retryRequired")),
            )
        )
    return results
