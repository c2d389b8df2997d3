"""Coupang's JSON shapes for the sandbox's state.

v5 (internationalised, required for Taiwan): money objects ``{currencyCode, units, nanos}``,
times ISO-8601 with offset and microseconds. v4: plain numbers and times without offset, in the
market's time (study 4.3-4.4; Coupang docs: delivery-api/lookup-order-list-per-day "yyyy-MM-dd'T'HH:mm:ss").
"""

from decimal import Decimal

from .store import MARKETS

NANOS_PER_UNIT = Decimal(10) ** 9


class Renderer:
    def __init__(self, version, currency, market):
        self.money_objects = version != "v4"
        self.currency = currency
        self.timezone = MARKETS[market].timezone

    def money(self, amount):
        if amount is None:
            return None
        if not self.money_objects:
            return int(amount) if amount == amount.to_integral_value() else float(amount)
        units = int(amount)
        return {"currencyCode": self.currency, "units": units, "nanos": int((amount - units) * NANOS_PER_UNIT)}

    def moment(self, value):
        if self.money_objects and value is not None:
            return value.astimezone(self.timezone).isoformat(timespec="microseconds")
        return self.local_time(value)

    def local_time(self, value):
        """``yyyy-MM-ddTHH:mm:ss`` in the market's time, without offset: Taiwan +08:00, Korea +09:00."""
        if value is None:
            return None
        return value.astimezone(self.timezone).strftime("%Y-%m-%dT%H:%M:%S")

    def line(self, line):
        return {
            "vendorItemPackageId": 0,
            "vendorItemPackageName": line.seller_product_name,
            "productId": 0,
            "vendorItemId": line.vendor_item_id,
            "vendorItemName": line.vendor_item_name,
            "shippingCount": line.shipping_count,
            "salesPrice": self.money(line.sales_price),
            "orderPrice": self.money(line.order_price),
            "discountPrice": self.money(line.discount_price),
            "instantCouponDiscount": self.money(line.instant_coupon_discount),
            "downloadableCouponDiscount": self.money(line.downloadable_coupon_discount),
            "coupangDiscount": self.money(line.coupang_discount),
            "externalVendorSkuCode": line.external_vendor_sku_code,
            "etcInfoHeader": None,
            "etcInfoValue": None,
            "etcInfoValues": [],
            "sellerProductId": line.seller_product_id,
            "sellerProductName": line.seller_product_name,
            "sellerProductItemName": line.seller_product_item_name,
            "firstSellerProductItemName": line.seller_product_item_name,
            "cancelCount": line.cancel_count,
            "holdCountForCancel": line.hold_count_for_cancel,
            "estimatedShippingDate": line.estimated_shipping_date,
            "plannedShippingDate": "",
            "invoiceNumberUploadDate": self.moment(line.invoice_number_upload_date) or "",
            "extraProperties": {},
            "pricingBadge": False,
            "usedProduct": False,
            "confirmDate": "",
            "deliveryChargeTypeName": "유료",
            "canceled": line.canceled,
        }

    def order(self, order):
        sheet = {
            "shipmentBoxId": order.shipment_box_id,
            "orderId": order.order_id,
            "orderedAt": self.moment(order.ordered_at),
            "orderer": dict(order.orderer),
            "paidAt": self.moment(order.paid_at),
            "status": order.status,
            "shippingPrice": self.money(order.shipping_price),
            "remotePrice": self.money(order.remote_price),
            "remoteArea": order.remote_area,
            "parcelPrintMessage": order.parcel_print_message,
            "splitShipping": order.split_shipping,
            "ableSplitShipping": order.able_split_shipping,
            "receiver": dict(order.receiver),
            "orderItems": [self.line(line) for line in order.lines],
            "overseaShippingInfoDto": {"personalCustomsClearanceCode": "", "ordererSsn": "", "ordererPhoneNumber": ""},
            "deliveryCompanyName": order.delivery_company_name,
            "invoiceNumber": order.invoice_number,
            "inTrasitDateTime": "",  # sic: Coupang's spelling
            "deliveredDate": "",
            "refer": order.refer,
            "shipmentType": order.shipment_type,
        }
        if self.money_objects:  # order-level fields added to v5 on 2025-12-05 ([CRAWL26] 53164063629593)
            sheet["isCod"] = order.is_cod
            sheet["extraProperties"] = order.extra_properties
        return sheet


def place_addresses(place):
    address = {
        "countryCode": place.country_code,
        "companyContactNumber": "02-2700-1234",
        "phoneNumber2": "",
        "returnZipCode": place.zip_code,
        "returnAddress": place.address,
        "returnAddressDetail": "-",
    }
    # ROADNAME is registered together with JIBUN (Coupang docs: distribution-center-api).
    return [{"addressType": "JIBUN", **address}, {"addressType": "ROADNAME", **address}]


def return_center(place, vendor_id):
    fee = 60 if place.country_code == "TW" else 2500
    fees = {
        f"{kind}{weight}": fee
        for kind in ("vendorCreditFee", "vendorCashFee", "consumerCashFee", "returnFee")
        for weight in ("05kg", "10kg", "20kg")
    }
    return {
        "vendorId": vendor_id,
        "returnCenterCode": place.code,
        "shippingPlaceName": place.name,
        "deliverCode": place.deliver_code,
        "deliverName": place.deliver_name,
        "goodsflowStatus": "승인",
        "errorMessage": "",
        "createdAt": place.created_at,
        **fees,
        "usable": place.usable,
        "placeAddresses": place_addresses(place),
    }


def outbound_place(place):
    return {
        "outboundShippingPlaceCode": int(place.code),  # numeric here, unlike returnCenterCode
        "shippingPlaceName": place.name,
        "createDate": "2024/07/01",
        "placeAddresses": place_addresses(place),
        "remoteInfos": [],
        "usable": place.usable,
    }


def pagination(current_page, page_size, total):
    return {
        "currentPage": current_page,
        "totalPages": (total + page_size - 1) // page_size,
        "totalElements": total,
        "countPerPage": page_size,
    }
