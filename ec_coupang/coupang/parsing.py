"""From Coupang's JSON to the client's typed results.

Both order sheet generations are read: v5 money objects ``{currencyCode, units, nanos}`` with
ISO-8601 times carrying an offset, and v4 plain numbers with naive KST times (study 4.3-4.4).
"""

import json
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from .errors import MalformedResponseError
from .models import (
    BoxResult,
    Money,
    Orderer,
    OrderItem,
    OrderSheet,
    OutboundPlace,
    PlaceAddress,
    Receiver,
    ReturnCenter,
)

KST = timezone(timedelta(hours=9))
NANOS_PER_UNIT = Decimal(10) ** 9
_EXTRA_FRACTION_DIGITS = re.compile(r"(\.\d{6})\d+")


@contextmanager
def reading(what):
    """Turns a response of unexpected shape into :class:`MalformedResponseError`."""
    try:
        yield
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, InvalidOperation) as error:
        raise MalformedResponseError(
            f"Coupang sent {what} in an unexpected form ({type(error).__name__}). Try again later; if it "
            "goes on, contact support."
        ) from error


def loads(content):
    """JSON with exact numbers: integers stay integers, decimals become ``Decimal``."""
    return json.loads(content, parse_float=Decimal)


def parse_money(value, currency):
    """A v5 money object, or a v4 plain number in the market's ``currency``; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, dict):
        amount = Decimal(str(value.get("units") or 0)) + Decimal(str(value.get("nanos") or 0)) / NANOS_PER_UNIT
        return Money(amount, value.get("currencyCode") or currency)
    return Money(Decimal(str(value)), currency)


def parse_datetime(value):
    """An aware datetime from v5 ``2025-08-01T13:05:22.123456+08:00`` or v4 naive KST text."""
    if not value:
        return None
    text = _EXTRA_FRACTION_DIGITS.sub(r"\1", value.strip().replace(" ", "T", 1))
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=KST)


def parse_date(value):
    return date.fromisoformat(value[:10]) if value else None


def _text(value):
    return "" if value is None else str(value)


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
        vendor_item_id=_text(raw["vendorItemId"]),
        vendor_item_name=_text(raw.get("vendorItemName")),
        seller_product_id=_text(raw.get("sellerProductId")),
        seller_product_name=_text(raw.get("sellerProductName")),
        seller_product_item_name=_text(raw.get("sellerProductItemName")),
        external_vendor_sku_code=_text(raw.get("externalVendorSkuCode")),
        shipping_count=int(raw.get("shippingCount") or 0),
        cancel_count=int(raw.get("cancelCount") or 0),
        hold_count_for_cancel=int(raw.get("holdCountForCancel") or 0),
        sales_price=money("salesPrice"),
        order_price=money("orderPrice"),
        discount_price=money("discountPrice"),
        instant_coupon_discount=money("instantCouponDiscount"),
        downloadable_coupon_discount=money("downloadableCouponDiscount"),
        coupang_discount=money("coupangDiscount"),
        estimated_shipping_date=parse_date(raw.get("estimatedShippingDate")),
        canceled=bool(raw.get("canceled")),
    )


def parse_order_sheet(raw, default_currency):
    """An :class:`OrderSheet`; ``default_currency`` prices v4 plain numbers (KRW or TWD)."""
    currency = _order_currency(raw, default_currency)
    orderer = raw.get("orderer") or {}
    receiver = raw.get("receiver") or {}
    return OrderSheet(
        shipment_box_id=_text(raw["shipmentBoxId"]),
        order_id=_text(raw["orderId"]),
        ordered_at=parse_datetime(raw.get("orderedAt")),
        paid_at=parse_datetime(raw.get("paidAt")),
        status=_text(raw.get("status")),
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
        items=tuple(parse_order_item(item, currency) for item in raw.get("orderItems") or ()),
        split_shipping=bool(raw.get("splitShipping")),
        able_split_shipping=bool(raw.get("ableSplitShipping")),
        delivery_company_name=_text(raw.get("deliveryCompanyName")),
        invoice_number=_text(raw.get("invoiceNumber")),
        shipment_type=_text(raw.get("shipmentType")),
        is_cod=bool(raw.get("isCod")),
        parcel_print_message=_text(raw.get("parcelPrintMessage")),
        extra_properties=dict(raw.get("extraProperties") or {}),
        raw=raw,
    )


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
