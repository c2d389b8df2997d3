"""The business endpoints the sandbox serves, with Coupang's documented paths and parameters."""

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from urllib.parse import parse_qsl

from . import faults, render
from .gateway import GATEWAY_TIMEOUT, INVALID_VENDOR_ID, gateway_error_body
from .inquiries import render_call_center_inquiry, render_product_inquiry
from .products import STATUS_NAMES, render_inventory, render_product, render_product_row
from .returns import (
    CANCEL_TYPES,
    SELLER_CANCEL_BIG_CODE,
    SELLER_CANCEL_REASONS,
    STATUS_QUERIES,
    Refusal,
    render_receipt,
)
from .store import MARKETS

ORDER_STATUSES = ("ACCEPT", "INSTRUCT", "DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")
MAX_PER_PAGE = 50  # Coupang docs: delivery-api/lookup-order-list-per-day, lookup-return-shipping-facility
MAX_DAYS = 31  # Coupang docs: delivery-api/lookup-order-list-per-day "최대 31일까지 조회 가능"
# Minute mode (searchType=timeFrame) spans less than a day, for order sheets (Coupang docs:
# delivery-api/lookup-order-list-per-minute "해당 일자 내 24시간이내로 조회 가능합니다") and for
# returnRequests: its list page allows 31 days (return-api/lookup-return-request-list-per-minute
# "최대 31일"), the technical FAQ 반품관리API 7 "분단위 : 최대 24시간 이내": the strict one holds.
MAX_MINUTE_SPAN = timedelta(days=1)
MAX_ACKNOWLEDGE = 50  # Coupang docs: delivery-api/product-preparation-processing (larger arrays time out)
DEFAULT_PLACE_PAGE_SIZE = 10
MISSING_PARAMETERS = "required parameters are missing"
RANGE_TOO_LONG = "endTime-startTime range should less than31."
MINUTE_RANGE_TOO_LONG = "endTime-startTime range should less than 1 day"  # study 4.2, minute mode
INVALID_NEXT_TOKEN = "Invalid nextToken"  # Coupang's answer to a forged token is not documented
NOT_IN_TIME_FRAME = "is not supported with searchType=timeFrame"  # lookup-return-request-list-per-minute
NOT_IN_REGION = "This API is not available for the buyer region {market}."
# Product lists: 10 rows a page unless asked, 100 at most (Coupang docs:
# product-api/lookup-seller-product-list-paging "default = 10, max = 100").
DEFAULT_PRODUCTS_PER_PAGE = 10
MAX_PRODUCTS_PER_PAGE = 100
# createdAt reads the 24 hours from the second it names (same page: "2015-12-17T12:28:38 ~
# 2015-12-18T12:28:37"), "yyyy-MM-dd'T'HH:mm:ss".
# A price change moves at most half down or twice up unless forceSalePriceUpdate=true (Coupang docs:
# product-api/change-price-by-product, errorSpec).
PRICE_CHANGE_REFUSED = (
    "가격변경에 실패했습니다. [옵션ID[{item}] : 판매가 변경이 불가능합니다. "
    "변경전 판매가의 최대 50% 인하/최대 100%인상까지 변경가능합니다.]"
)
# Stopping a stopped item or resuming one on sale: the pages are silent, the sandbox refuses.
ITEM_ALREADY_STOPPED = "The item's sale is already stopped."
ITEM_ALREADY_ON_SALE = "The item is already on sale."
PRODUCT_CREATED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
# Inquiry lists: at most 7 days (Coupang docs: customer-service-api/lookup-customer-inquiry-by-product
# "최대 조회 기간 7일", "inquiryEndAt - inquiryStartAt < = 7days"; lookup-coupang-call-center-inquiry
# "최대 7일까지"), read strictly: 7 days with both ends included. Coupang's refusal is not documented.
MAX_INQUIRY_DAYS = 7
INQUIRY_RANGE_TOO_LONG = "inquiryEndAt-inquiryStartAt range should be at most 7 days."
MAX_PRODUCT_INQUIRY_PAGE = 50  # lookup-customer-inquiry-by-product "Default 10, max = 50"
MAX_CALL_CENTER_PAGE = 30  # lookup-coupang-call-center-inquiry "Default 10, max = 30"
# answeredType and partnerCounselingStatus (same pages).
PRODUCT_INQUIRY_FILTERS = {
    "ALL": lambda inquiry: True,
    "ANSWERED": lambda inquiry: bool(inquiry.replies),
    "NOANSWER": lambda inquiry: not inquiry.replies,
}
CALL_CENTER_FILTERS = {
    "NONE": lambda inquiry: True,
    "ANSWER": lambda inquiry: inquiry.counseling_status == "answered" and not inquiry.transfer,
    "NO_ANSWER": lambda inquiry: inquiry.waiting_reply is not None,
    "TRANSFER": lambda inquiry: inquiry.transfer,
}
RETURN_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RETURN_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
# Order sheets in minute mode: v4 yyyy-MM-ddTHH:mm (Coupang docs: delivery-api/lookup-order-list-per-minute);
# v5 with the offset of its day mode, 2025-07-29T00:01+09:00 (study 4.2).
ORDER_MINUTE = re.compile(r"^(?P<minute>\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?P<offset>[+-]\d{2}:\d{2})?$")
V5_DATE = re.compile(r"^(?P<day>\d{4}-\d{2}-\d{2})(?P<offset>[+-]\d{2}:\d{2})?$")

_VENDOR_ITEM = r"^/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/(?P<vendor_item_id>\d+)"
_SELLER_PRODUCTS = r"^/v2/providers/seller_api/apis/api/v1/marketplace/seller-products"
_OPENAPI = r"^/v2/providers/openapi/apis/api/(?P<version>v4|v5)/vendors/(?P<vendor_id>[^/]+)"
_RETURNS = r"^/v2/providers/openapi/apis/api/(?P<version>v4|v5|v6)/vendors/(?P<vendor_id>[^/]+)/returnRequests"
ROUTES = (
    ("GET", "order_sheets", re.compile(_OPENAPI + r"/ordersheets$")),
    ("GET", "order_sheet", re.compile(_OPENAPI + r"/ordersheets/(?P<box_id>\d+)$")),
    ("GET", "order_sheets_by_order", re.compile(_OPENAPI + r"/(?P<order_id>\d+)/ordersheets$")),
    ("PUT", "acknowledge", re.compile(_OPENAPI + r"/ordersheets/acknowledgement$")),
    ("POST", "upload_invoices", re.compile(_OPENAPI + r"/orders/invoices$")),
    ("POST", "update_invoices", re.compile(_OPENAPI + r"/orders/updateInvoices$")),
    ("GET", "return_centers", re.compile(_OPENAPI + r"/returnShippingCenters$")),
    ("GET", "return_requests", re.compile(_RETURNS + r"$")),
    ("GET", "return_request", re.compile(_RETURNS + r"/(?P<receipt_id>\d+)$")),
    ("PUT", "stop_shipment", re.compile(_RETURNS + r"/(?P<receipt_id>\d+)/stoppedShipment$")),
    ("PUT", "complete_shipment", re.compile(_RETURNS + r"/(?P<receipt_id>\d+)/completedShipment$")),
    ("PUT", "receive_confirmation", re.compile(_RETURNS + r"/(?P<receipt_id>\d+)/receiveConfirmation$")),
    ("PUT", "approval", re.compile(_RETURNS + r"/(?P<receipt_id>\d+)/approval$")),
    (
        "POST",
        "seller_cancel",
        re.compile(
            r"^/v2/providers/openapi/apis/api/(?P<version>v5|v6)/vendors/(?P<vendor_id>[^/]+)/orders/(?P<order_id>\d+)/cancel$"
        ),
    ),
    ("GET", "product_inquiries", re.compile(_OPENAPI + r"/onlineInquiries$")),
    ("POST", "answer_product_inquiry", re.compile(_OPENAPI + r"/onlineInquiries/(?P<inquiry_id>\d+)/replies$")),
    ("GET", "call_center_inquiries", re.compile(_OPENAPI + r"/callCenterInquiries$")),
    ("POST", "answer_call_center", re.compile(_OPENAPI + r"/callCenterInquiries/(?P<inquiry_id>\d+)/replies$")),
    ("POST", "confirm_call_center", re.compile(_OPENAPI + r"/callCenterInquiries/(?P<inquiry_id>\d+)/confirms$")),
    ("GET", "item_inventory", re.compile(_VENDOR_ITEM + r"/inventories$")),
    ("PUT", "item_quantity", re.compile(_VENDOR_ITEM + r"/quantities/(?P<quantity>[^/]+)$")),
    ("PUT", "item_price", re.compile(_VENDOR_ITEM + r"/prices/(?P<price>[^/]+)$")),
    ("PUT", "item_sale_stop", re.compile(_VENDOR_ITEM + r"/sales/stop$")),
    ("PUT", "item_sale_resume", re.compile(_VENDOR_ITEM + r"/sales/resume$")),
    ("GET", "seller_products", re.compile(_SELLER_PRODUCTS + r"$")),
    ("GET", "seller_product", re.compile(_SELLER_PRODUCTS + r"/(?P<seller_product_id>\d+)$")),
    (
        "GET",
        "outbound_places",
        re.compile(r"^/v2/providers/marketplace_openapi/apis/api/v[12]/vendor/shipping-place/outbound$"),
    ),
)


class BadRequest(Exception):
    pass


class PageTokens:
    """nextToken values: opaque and random, each bound to the vendor, market, path and query of the
    list it continues. Coupang documents the token only as a String to send back (Coupang docs:
    delivery-api/lookup-order-list-per-day, return-api/lookup-return-request-list-per-day); a
    client must not build one, so a token the sandbox did not give for this very list is refused."""

    def __init__(self):
        self._pages = {}  # token -> (scope, id of the last row before the page)
        self._lock = threading.Lock()

    def issue(self, scope, after):
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._pages[token] = (scope, after)
        return token

    def resume(self, scope, token):
        """The id the page after ``token`` starts after; None for the first page."""
        if not token:
            return None
        with self._lock:
            page = self._pages.get(token)
        if page is None or page[0] != scope:
            raise BadRequest(INVALID_NEXT_TOKEN)
        return page[1]


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json;charset=UTF-8"
    headers: dict = field(default_factory=dict)
    slow_body: object = None  # a faults.Fault writing the body slowly (trickle, stall)

    @classmethod
    def json(cls, status, payload, **headers):
        return cls(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers=headers)


def business_error(status, message):
    return Reply.json(status, {"code": status, "message": message})


def resolve(method, path):
    """(route name, method allowed, match) for a path, or (None, False, None)."""
    for route_method, name, pattern in ROUTES:
        match = pattern.match(path)
        if match:
            return name, route_method == method, match
    return None, False, None


@dataclass
class Call:
    """One authenticated call as the endpoints see it."""

    vendor: object
    match: re.Match
    query: str
    body: object
    market: str
    forced_failure: object  # box id -> result dict or None
    page_fault: str | None = None  # one of faults.PAGE_FAULTS, for the lists

    @property
    def params(self):
        return dict(parse_qsl(self.query, keep_blank_values=True))

    @property
    def version(self):
        return self.match.groupdict().get("version") or "v5"

    @property
    def page_scope(self):
        """What a nextToken is bound to: the list and its query, the token aside."""
        query = tuple(sorted((name, value) for name, value in self.params.items() if name != "nextToken"))
        return self.vendor.vendor_id, self.market, self.match.string, query

    def renderer(self, currency=None):
        return render.Renderer(self.version, currency or MARKETS[self.market].currency, self.market)


def _local_moment(text, pattern, layout, market):
    if not pattern.match(text):
        raise BadRequest(f"Invalid date format: {text!r}")
    try:
        return datetime.strptime(text, layout).replace(tzinfo=MARKETS[market].timezone)
    except ValueError:
        raise BadRequest(f"Invalid date format: {text!r}") from None


def result_reply(result_code, message):
    """A stoppedShipment answer: ``data.resultCode`` SUCCESS or FAIL inside a 200 (Coupang docs:
    delivery-api/stop-shipping-complete-processing)."""
    data = {"resultCode": result_code, "resultMessage": message}
    return Reply.json(200, {"code": "200", "message": "OK", "data": data})


def _zone(offset, market):
    """The zone of a date parameter: its offset, else the market's time."""
    return datetime.strptime(offset, "%z").tzinfo if offset else MARKETS[market].timezone


def _refuse_paging_in_time_frame(params, *names):
    for name in names:
        if name in params:
            raise BadRequest(f"{name} {NOT_IN_TIME_FRAME}")


def _check_order(start, end):
    if end < start:
        raise BadRequest("createdAtFrom must not be after createdAtTo")


def _minute_window(start, end):
    """``[start, end)`` of a minute mode list: ``createdAtTo`` is exclusive (Coupang docs:
    delivery-api/lookup-order-list-per-minute "result < createdAtTo") and less than a day after
    ``createdAtFrom`` (MAX_MINUTE_SPAN)."""
    _check_order(start, end)
    if end - start >= MAX_MINUTE_SPAN:
        raise BadRequest(MINUTE_RANGE_TOO_LONG)
    return start, end


def _check_within_one_day(start, end):
    """Order sheets by minute: "해당 일자 내 24시간이내로 조회 가능합니다" (Coupang docs:
    delivery-api/lookup-order-list-per-minute), read strictly: the window stays within one day,
    ``createdAtTo`` at most the next midnight."""
    next_midnight = datetime.combine(start.date() + timedelta(days=1), time(), tzinfo=start.tzinfo)
    if end.date() != start.date() and end != next_midnight:
        raise BadRequest(MINUTE_RANGE_TOO_LONG)


def _day_window(start, last_day):
    """``[start, end)`` of a day mode list: whole days, ``createdAtTo`` included, 31 at most (MAX_DAYS)."""
    _check_order(start, last_day)
    if (last_day - start).days >= MAX_DAYS:
        raise BadRequest(RANGE_TOO_LONG)
    return start, last_day + timedelta(days=1)


def _check_region(call, offered):
    """A call the help center marks for other buyer regions than the call's market."""
    if not offered:
        raise BadRequest(NOT_IN_REGION.format(market=call.market))


def _seller_cancel_counts(body, path_order_id):
    """vendorItemId -> count of a seller's cancel, or its first refusal (Coupang docs:
    delivery-api/instruct-cancel, errorSpec)."""
    order_id = body.get("orderId")
    if not order_id or str(order_id) != path_order_id:
        raise BadRequest("주문 ID를 입력해 주세요.")
    items, counts = body.get("vendorItemIds"), body.get("receiptCounts")
    if not isinstance(items, list) or not items:
        raise BadRequest("취소할 벤더아이템 아이디 목록을 입력해주세요.")
    if not isinstance(counts, list) or not counts:
        raise BadRequest("취소할 아이탬 개수 목록을 입력해주세요.")
    if len(items) != len(counts):
        raise BadRequest("요청한 상품 개수와 취소 개수를 확인해주세요.")
    if not all(isinstance(count, int) and count > 0 for count in counts):
        raise BadRequest("취소할 아이탬 개수 목록을 입력해주세요.")
    if not body.get("bigCancelCode"):
        raise BadRequest("취소사유 대분류 코드를 입력해주세요.")
    if body["bigCancelCode"] != SELLER_CANCEL_BIG_CODE:
        raise BadRequest("취소사유 대분류 코드를 확인해 주세요.")
    if not body.get("middleCancelCode"):
        raise BadRequest("취소사유 중분류 코드를 입력해주세요.")
    if body["middleCancelCode"] not in SELLER_CANCEL_REASONS:
        raise BadRequest("취소사유 중분류 코드를 확인해 주세요.")
    if len(set(items)) != len(items) or not all(isinstance(item, int) for item in items):
        raise BadRequest("요청한 상품 개수와 취소 개수를 확인해주세요.")
    return dict(zip(items, counts, strict=True))


def _int_param(params, name, default):
    value = params.get(name) or default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a number") from None


class ReturnEndpoints:
    """returnRequests and the answers on a receipt (Coupang docs: return-api, delivery-api
    stop-shipping-complete-processing and products-already-shipped-processing)."""

    def _lookup_data(self, rows):
        return rows[0] if self.lookups_as_objects and len(rows) == 1 else rows

    def _return_window(self, params, market):
        if not (params.get("createdAtFrom") and params.get("createdAtTo")):
            raise BadRequest(MISSING_PARAMETERS)
        by_minute = params.get("searchType") == "timeFrame"
        if by_minute:
            _refuse_paging_in_time_frame(params, "nextToken", "maxPerPage", "orderId")
        pattern, layout = (RETURN_MINUTE, "%Y-%m-%dT%H:%M") if by_minute else (RETURN_DAY, "%Y-%m-%d")
        start, end = (_local_moment(params[name], pattern, layout, market) for name in ("createdAtFrom", "createdAtTo"))
        if by_minute:
            return _minute_window(start, end)
        return _day_window(start, end)

    @staticmethod
    def _return_filter(params):
        """(cancelType, status, orderId); without a status a RETURN list needs an orderId, a CANCEL
        list takes neither (help center article 360033919613)."""
        cancel_type = params.get("cancelType") or "RETURN"
        status = params.get("status") or None
        order_id = int(params["orderId"]) if params.get("orderId", "").isdigit() else None
        if cancel_type not in CANCEL_TYPES:
            raise BadRequest(f"Invalid cancelType: {cancel_type}")
        if cancel_type == "CANCEL" and (status or order_id):
            raise BadRequest("status and orderId are not supported with cancelType=CANCEL")
        if status and status not in STATUS_QUERIES:
            raise BadRequest(f"Invalid status: {status}")
        if cancel_type == "RETURN" and not (status or order_id):
            raise BadRequest(MISSING_PARAMETERS)
        return cancel_type, status, order_id

    def return_requests(self, call):
        params = call.params
        start, end = self._return_window(params, call.market)
        cancel_type, status, order_id = self._return_filter(params)
        receipts = self.returns.listed(call.vendor.vendor_id, call.market, cancel_type, status, order_id, start, end)
        renderer = call.renderer()
        return self._list_reply(call, receipts, lambda receipt: receipt.receipt_id, partial(render_receipt, renderer))

    def _receipt(self, call):
        receipt = self.returns.vendor_receipt(call.vendor.vendor_id, call.market, call.match["receipt_id"])
        body = call.body if isinstance(call.body, dict) else None
        if body is not None:
            if body.get("vendorId") != call.vendor.vendor_id or str(body.get("receiptId")) != call.match["receipt_id"]:
                raise BadRequest("vendorId and receiptId of the body must be the path's")
        return receipt

    def return_request(self, call):
        receipt = self._receipt(call)
        if receipt.receipt_type != "RETURN":  # "취소번호는 지원되지 않습니다" (article 360034562353)
            raise Refusal(f"receiptId ({receipt.receipt_id}) is not found.")
        data = self._lookup_data([render_receipt(call.renderer(), receipt)])
        return Reply.json(200, {"code": "200", "message": "OK", "data": data})

    def _answer_body(self, call, *required):
        body = call.body if isinstance(call.body, dict) else {}
        if not all(body.get(name) not in (None, "") for name in ("vendorId", "receiptId", *required)):
            raise BadRequest(MISSING_PARAMETERS)
        return self._receipt(call), body

    @staticmethod
    def _check_stop_shipment_market(call):
        _check_region(call, MARKETS[call.market].answers_stop_shipment)

    def stop_shipment(self, call):
        self._check_stop_shipment_market(call)
        receipt, body = self._answer_body(call, "cancelCount")
        return result_reply("SUCCESS", self.returns.stop_shipment(receipt, _int_param(body, "cancelCount", 0)))

    def complete_shipment(self, call):
        self._check_stop_shipment_market(call)
        receipt, body = self._answer_body(call, "deliveryCompanyCode", "invoiceNumber")
        message = self.returns.complete_shipment(receipt, str(body["deliveryCompanyCode"]), str(body["invoiceNumber"]))
        # Code and message inside data, as the documented sample answers.
        return Reply.json(
            200, {"data": {"code": "200", "message": "OK", "resultCode": "SUCCESS", "resultMessage": message}}
        )

    def receive_confirmation(self, call):
        receipt, _body = self._answer_body(call)
        self.returns.confirm_receipt(receipt)
        return Reply.json(200, {"code": "200", "message": "OK"})

    def seller_cancel(self, call):
        """The seller's cancel of an order's units (Coupang docs: delivery-api/instruct-cancel;
        Korea and Taiwan, help center article 360033843154): its body checked in the page's
        errorSpec order, with its messages."""
        body = call.body if isinstance(call.body, dict) else {}
        counts = _seller_cancel_counts(body, call.match["order_id"])
        if body.get("vendorId") != call.vendor.vendor_id:
            raise BadRequest("업체 ID를 입력해주세요.")
        if not body.get("userId") or body["userId"] != call.vendor.wing_user_id:
            raise BadRequest("업체 ID에 맞는 올바른 유저 ID를 입력해주세요.")
        code, message, data = self.returns.seller_cancel(
            call.vendor.vendor_id, call.market, int(call.match["order_id"]), counts, body["middleCancelCode"]
        )
        return Reply.json(200, {"code": code, "message": message, "data": data})

    def approval(self, call):
        receipt, body = self._answer_body(call, "cancelCount")
        self.returns.approve(receipt, _int_param(body, "cancelCount", 0))
        return Reply.json(200, {"code": "200", "message": "OK"})


class ProductEndpoints:
    """The store's products (Coupang docs: product-api/lookup-seller-product-list-paging,
    lookup-seller-product): vendorId in the query, the market's products in its language."""

    @staticmethod
    def _query_vendor(call):
        """The list's vendorId, a required query parameter: the key's own, as in the paths."""
        vendor_id = call.params.get("vendorId")
        if not vendor_id:
            raise BadRequest(MISSING_PARAMETERS)
        if vendor_id != call.vendor.vendor_id:
            raise BadRequest(INVALID_VENDOR_ID)
        return vendor_id

    @staticmethod
    def _product_filters(call):
        params = call.params
        status = params.get("status") or None
        if status and status not in STATUS_NAMES:
            raise BadRequest(f"Invalid status: {status}")
        filters = {"status": status}
        if params.get("sellerProductId"):
            filters["seller_product_id"] = _int_param(params, "sellerProductId", 0)
        if params.get("createdAt"):
            start = _local_moment(params["createdAt"], PRODUCT_CREATED_AT, "%Y-%m-%dT%H:%M:%S", call.market)
            filters.update(created_from=start, created_to=start + timedelta(days=1))
        return filters

    def seller_products(self, call):
        vendor_id = self._query_vendor(call)
        products = self.catalog.listed(vendor_id, call.market, **self._product_filters(call))
        page, next_token = self._numbered_page(call, products)
        data = [render_product_row(product, call.market) for product in page]
        return Reply.json(200, {"code": "SUCCESS", "message": "", "nextToken": next_token, "data": data})

    @staticmethod
    def _numbered_page(call, rows):
        """A page of the product list and the next one's nextToken: the page's number ("첫 페이지
        호출시에는 넣지 않거나 1 입력"), "" on the last page ("다음 페이지가 없을 경우 빈문자열")."""
        params = call.params
        per_page = min(_int_param(params, "maxPerPage", DEFAULT_PRODUCTS_PER_PAGE), MAX_PRODUCTS_PER_PAGE)
        token = params.get("nextToken") or "1"
        if not token.isdigit() or int(token) < 1:
            raise BadRequest(INVALID_NEXT_TOKEN)
        if per_page < 1:
            raise BadRequest("maxPerPage must be at least 1")
        number = int(token)
        start = (number - 1) * per_page
        page = rows[start:] if call.page_fault == faults.OVERSIZED_PAGE else rows[start : start + per_page]
        next_token = str(number + 1) if start + per_page < len(rows) else ""
        if call.page_fault == faults.REPEATED_TOKEN and params.get("nextToken"):
            next_token = params["nextToken"]
        if call.page_fault == faults.ENDLESS_PAGES:
            next_token = str(number + 1)
        return page, next_token

    def seller_product(self, call):
        _check_region(call, MARKETS[call.market].serves_korea_only_calls)
        product_id = call.match["seller_product_id"]
        product = self.catalog.vendor_product(call.vendor.vendor_id, call.market, product_id)
        if product is None:
            raise BadRequest(f"sellerProductId ({product_id}) is not found.")
        return Reply.json(200, {"code": "SUCCESS", "message": "", "data": render_product(product, call.market)})


class VendorItemEndpoints:
    """A vendor item's stock, price and sale status, one item a call, Korea only (Coupang docs:
    product-api/lookup-quantity-price-status-by-product, change-quantity-by-product,
    change-price-by-product, change-sale-status-to-stop-by-product,
    change-sale-status-to-resumption-by-product; help center articles 360033645114, 360034156253,
    360034156273, 360034156313, 360033645154). The sandbox keeps the last value of each item."""

    def _vendor_item(self, call):
        _check_region(call, MARKETS[call.market].serves_korea_only_calls)
        item_id = call.match["vendor_item_id"]
        # Only an approved item has a vendorItemId ("판매승인된 노출상품옵션").
        item = self.catalog.vendor_item(call.vendor.vendor_id, call.market, item_id)
        if item is None:
            raise BadRequest(f"vendorItemId ({item_id}) is not found.")
        return item

    @staticmethod
    def _item_reply(message):
        return Reply.json(200, {"code": "SUCCESS", "message": message})

    def item_inventory(self, call):
        item = self._vendor_item(call)
        return Reply.json(200, {"code": "SUCCESS", "message": "", "data": render_inventory(item, call.market)})

    def item_quantity(self, call):
        item = self._vendor_item(call)
        quantity = call.match["quantity"]
        if not quantity.isdigit():
            raise BadRequest(f"Invalid quantity: {quantity}")
        with self.catalog.lock:
            item.maximum_buy_count = int(quantity)
        return self._item_reply("재고 변경을 완료했습니다.")

    def item_price(self, call):
        item = self._vendor_item(call)
        price = call.match["price"]
        if not price.isdigit() or int(price) < 1:
            raise BadRequest(f"Invalid price: {price}")
        force = call.params.get("forceSalePriceUpdate", "false")
        if force not in ("true", "false"):
            raise BadRequest(f"Invalid forceSalePriceUpdate: {force}")
        with self.catalog.lock:
            old = item.sale_price[call.market]
            if force == "false" and not old / 2 <= int(price) <= old * 2:
                raise BadRequest(PRICE_CHANGE_REFUSED.format(item=item.vendor_item_id))
            item.sale_price[call.market] = Decimal(price)
        return Reply.json(200, {"code": "SUCCESS", "message": "가격 변경을 완료했습니다.", "data": None})

    def _sale_status(self, call, on_sale, message, refusal):
        item = self._vendor_item(call)
        with self.catalog.lock:
            if item.on_sale == on_sale:
                raise BadRequest(refusal)
            item.on_sale = on_sale
        return self._item_reply(message)

    def item_sale_stop(self, call):
        return self._sale_status(call, False, "판매 중지 처리되었습니다.", ITEM_ALREADY_STOPPED)

    def item_sale_resume(self, call):
        return self._sale_status(call, True, "판매가 재개되었습니다.", ITEM_ALREADY_ON_SALE)


class InquiryEndpoints:
    """Buyers' inquiries (Coupang docs: customer-service-api/lookup-customer-inquiry-by-product,
    answer-to-customer-inquiry, lookup-coupang-call-center-inquiry,
    answer-to-coupang-call-center-inquiry, confirm-to-coupang-call-center-inquiry); Korea and
    Taiwan (help center articles 360033400754, 360033645354; study 13)."""

    def _inquiry_list(self, call, kind, filter_name, filters, largest, render_row):
        params = call.params
        vendor_id = self._query_vendor(call)
        status = params.get(filter_name)
        if not status:
            raise BadRequest(MISSING_PARAMETERS)
        if status not in filters:
            raise BadRequest(f"Invalid {filter_name}: {status}")
        start, end = self._inquiry_window(params, call.market)
        item = params.get("vendorItemId")

        def wanted(inquiry):
            return filters[status](inquiry) and (not item or str(inquiry.vendor_item_id) == item)

        inquiries = self.inquiries.listed(kind, vendor_id, call.market, start, end, wanted)
        page, pagination = self._page(
            params, inquiries, oversized=call.page_fault == faults.OVERSIZED_PAGE, largest=largest
        )
        data = {"content": [render_row(inquiry) for inquiry in page], "pagination": pagination}
        return Reply.json(200, {"code": 200, "message": "OK", "data": data})

    @staticmethod
    def _inquiry_window(params, market):
        """``[start, end)`` of whole days, ``inquiryEndAt`` included; without dates only a
        vendorItemId's inquiries are listed ("옵션아이디가 널(null)인 경우, 반드시 이 두 파라미터를
        사용해야 합니다"), of every day."""
        if not (params.get("inquiryStartAt") and params.get("inquiryEndAt")):
            if not params.get("vendorItemId"):
                raise BadRequest(MISSING_PARAMETERS)
            return datetime.min.replace(tzinfo=MARKETS[market].timezone), datetime.max.replace(
                tzinfo=MARKETS[market].timezone
            )
        start, last_day = (
            _local_moment(params[name], RETURN_DAY, "%Y-%m-%d", market) for name in ("inquiryStartAt", "inquiryEndAt")
        )
        _check_order(start, last_day)
        if (last_day - start).days >= MAX_INQUIRY_DAYS:
            raise BadRequest(INQUIRY_RANGE_TOO_LONG)
        return start, last_day + timedelta(days=1)

    def product_inquiries(self, call):
        return self._inquiry_list(
            call, "product", "answeredType", PRODUCT_INQUIRY_FILTERS, MAX_PRODUCT_INQUIRY_PAGE, render_product_inquiry
        )

    def call_center_inquiries(self, call):
        return self._inquiry_list(
            call, "call_center", "partnerCounselingStatus", CALL_CENTER_FILTERS, MAX_CALL_CENTER_PAGE,
            render_call_center_inquiry,
        )  # fmt: skip

    def _inquiry_body(self, call, kind, *required):
        body = call.body if isinstance(call.body, dict) else {}
        if not all(body.get(name) not in (None, "") for name in required):
            raise BadRequest(MISSING_PARAMETERS)
        if "vendorId" in required and body["vendorId"] != call.vendor.vendor_id:
            raise BadRequest(INVALID_VENDOR_ID)
        inquiry = self.inquiries.vendor_inquiry(kind, call.vendor.vendor_id, call.market, call.match["inquiry_id"])
        return inquiry, body

    def answer_product_inquiry(self, call):
        inquiry, body = self._inquiry_body(call, "product", "content", "vendorId")
        self.inquiries.answer_product(inquiry, str(body["content"]), str(body.get("replyBy") or ""))
        return Reply.json(200, {"code": "200", "message": "OK"})

    def answer_call_center(self, call):
        inquiry, body = self._inquiry_body(call, "call_center", "vendorId", "inquiryId", "content", "parentAnswerId")
        if str(body["inquiryId"]) != call.match["inquiry_id"]:
            raise BadRequest("inquiryId of the body must be the path's")
        parent = _int_param(body, "parentAnswerId", 0)
        self.inquiries.answer_call_center(inquiry, str(body["content"]), str(body.get("replyBy") or ""), parent)
        return Reply.json(200, {"code": "200", "message": "OK"})

    def confirm_call_center(self, call):
        inquiry, _body = self._inquiry_body(call, "call_center", "confirmBy")
        self.inquiries.confirm(inquiry)
        return Reply.json(200, {"code": "200", "message": "OK"})


class Endpoints(ReturnEndpoints, ProductEndpoints, VendorItemEndpoints, InquiryEndpoints):
    def __init__(self, store, returns, catalog, inquiries):
        self.store = store
        self.returns = returns
        self.catalog = catalog
        self.inquiries = inquiries
        self.page_tokens = PageTokens()
        # The lookups by orderId and by receiptId document ``data`` as an array; older samples show
        # an object (study 11.9). False: arrays.
        self.lookups_as_objects = False

    def handle(self, name, call):
        try:
            return getattr(self, name)(call)
        except BadRequest as error:
            return business_error(400, str(error))
        except Refusal as refusal:
            if refusal.status == 200:
                return result_reply("FAIL", refusal.message)
            return business_error(refusal.status, refusal.message)

    def _list_reply(self, call, rows, row_id, render_row):
        """A list answer: in minute mode every row and no nextToken (Coupang docs:
        return-api/lookup-return-request-list-per-minute "searchType=timeFrame일 경우 지원하지 않는"),
        in day mode a page of at most 50 rows and its nextToken, "" on the last page (Coupang docs:
        delivery-api/lookup-order-list-per-day)."""
        if call.params.get("searchType") == "timeFrame":
            return Reply.json(200, {"code": 200, "message": "OK", "data": [render_row(row) for row in rows]})
        page, next_token = self._list_page(call, rows, row_id)
        data = [render_row(row) for row in page]
        return Reply.json(200, {"code": 200, "message": "OK", "data": data, "nextToken": next_token})

    def _list_page(self, call, rows, row_id):
        """One page of ``rows`` (in ``row_id`` order) after the page ``nextToken`` names, and the
        token of the next page."""
        per_page = min(_int_param(call.params, "maxPerPage", MAX_PER_PAGE), MAX_PER_PAGE)
        if per_page < 1:
            raise BadRequest("maxPerPage must be at least 1")
        after = self.page_tokens.resume(call.page_scope, call.params.get("nextToken"))
        remaining = [row for row in rows if after is None or row_id(row) > after]
        page = remaining if call.page_fault == faults.OVERSIZED_PAGE else remaining[:per_page]
        next_token = self.page_tokens.issue(call.page_scope, row_id(page[-1])) if len(remaining) > len(page) else ""
        if call.page_fault == faults.REPEATED_TOKEN and call.params.get("nextToken"):
            next_token = call.params["nextToken"]
        if call.page_fault == faults.ENDLESS_PAGES:
            next_token = self.page_tokens.issue(call.page_scope, after)
        return page, next_token

    # --- order sheets ---

    def _day(self, text, call):
        """A day mode bound: v4 without offset, a day of the market; v5 with or without one."""
        match = V5_DATE.match(text or "")
        if not match or (call.version == "v4" and match["offset"]):
            raise BadRequest(f"Invalid date format: {text!r}")
        day = date.fromisoformat(match["day"])
        return datetime.combine(day, time(), tzinfo=_zone(match["offset"], call.market))

    def _minute(self, text, call):
        """A minute mode bound: v4 without offset, in the market's time; v5 with or without one."""
        match = ORDER_MINUTE.match(text)
        if not match or (call.version == "v4" and match["offset"]):
            raise BadRequest(f"Invalid date format: {text!r}")
        try:
            return datetime.strptime(match["minute"], "%Y-%m-%dT%H:%M").replace(
                tzinfo=_zone(match["offset"], call.market)
            )
        except ValueError:
            raise BadRequest(f"Invalid date format: {text!r}") from None

    def _order_window(self, call):
        params = call.params
        if params.get("searchType") == "timeFrame":
            # Minute mode has no paging (Coupang docs: delivery-api/lookup-order-list-per-minute
            # lists neither nextToken nor maxPerPage; study 4.2).
            _refuse_paging_in_time_frame(params, "nextToken", "maxPerPage")
            start, end = _minute_window(
                *(self._minute(params[name], call) for name in ("createdAtFrom", "createdAtTo"))
            )
            _check_within_one_day(start, end)
            return start, end
        return _day_window(*(self._day(params[name], call) for name in ("createdAtFrom", "createdAtTo")))

    def order_sheets(self, call):
        params = call.params
        if not all(params.get(name) for name in ("createdAtFrom", "createdAtTo", "status")):
            raise BadRequest(MISSING_PARAMETERS)
        status = params["status"]
        if status not in ORDER_STATUSES:
            raise BadRequest(f"Invalid status: {status}")
        start, end = self._order_window(call)
        orders = self.store.list_orders(call.vendor.vendor_id, call.market, status, start, end)
        return self._list_reply(call, orders, lambda order: order.shipment_box_id, call.renderer().order)

    def order_sheet(self, call):
        order = self.store.vendor_order(call.vendor.vendor_id, call.match["box_id"])
        if order is None or order.market != call.market:
            raise BadRequest(f"shipmentBoxId ({call.match['box_id']}) is not found.")
        data = call.renderer(order.currency).order(order)
        return Reply.json(200, {"code": 200, "message": "OK", "data": data})

    def order_sheets_by_order(self, call):
        orders = self.store.orders_of(call.vendor.vendor_id, call.match["order_id"])
        if not orders or orders[0].market != call.market:
            raise BadRequest(f"orderId ({call.match['order_id']}) is not found.")
        data = [call.renderer(order.currency).order(order) for order in orders]
        return Reply.json(200, {"code": 200, "message": "OK", "data": self._lookup_data(data)})

    # --- writes ---

    def _body_list(self, call, key):
        body = call.body if isinstance(call.body, dict) else {}
        rows = body.get(key)
        if not body.get("vendorId") or not isinstance(rows, list) or not rows:
            raise BadRequest(MISSING_PARAMETERS)
        return rows

    @staticmethod
    def _status_change_reply(data):
        return Reply.json(200, {"code": "200", "message": "OK", "data": data})

    def acknowledge(self, call):
        box_ids = self._body_list(call, "shipmentBoxIds")
        if len(box_ids) > MAX_ACKNOWLEDGE:
            return Reply.json(504, gateway_error_body(GATEWAY_TIMEOUT))
        data = self.store.acknowledge(call.vendor.vendor_id, box_ids, call.forced_failure)
        return self._status_change_reply(data)

    def _invoices(self, call, *, update):
        dtos = self._body_list(call, "orderSheetInvoiceApplyDtos")
        required = ("shipmentBoxId", "orderId", "vendorItemId", "deliveryCompanyCode", "invoiceNumber")
        if not all(isinstance(dto, dict) and all(dto.get(key) is not None for key in required) for dto in dtos):
            raise BadRequest(MISSING_PARAMETERS)
        data = self.store.apply_invoices(call.vendor.vendor_id, dtos, call.forced_failure, update=update)
        return self._status_change_reply(data)

    def upload_invoices(self, call):
        return self._invoices(call, update=False)

    def update_invoices(self, call):
        return self._invoices(call, update=True)

    # --- places ---

    def _page(self, params, places, *, page_required=False, oversized=False, largest=MAX_PER_PAGE):
        if page_required and not params.get("pageNum"):
            raise BadRequest(MISSING_PARAMETERS)
        page_number = _int_param(params, "pageNum", 1)
        # Coupang documents a maximum (50 for places) but not what a larger pageSize gets; the
        # sandbox caps it.
        page_size = min(_int_param(params, "pageSize", DEFAULT_PLACE_PAGE_SIZE), largest)
        if page_number < 1 or page_size < 1:
            raise BadRequest("pageNum and pageSize must be at least 1")
        start = (page_number - 1) * page_size
        page = places[start:] if oversized else places[start : start + page_size]
        return page, render.pagination(page_number, page_size, len(places))

    def return_centers(self, call):
        places = self.store.vendor_places(call.vendor.vendor_id, "return_center")
        page, pagination = self._page(call.params, places, oversized=call.page_fault == faults.OVERSIZED_PAGE)
        content = [render.return_center(place, call.vendor.vendor_id) for place in page]
        return Reply.json(
            200, {"code": 200, "message": "SUCCESS", "data": {"content": content, "pagination": pagination}}
        )

    def outbound_places(self, call):
        params = call.params
        places = self.store.vendor_places(call.vendor.vendor_id, "outbound_place")
        if params.get("placeCodes") or params.get("placeNames"):
            codes = set(filter(None, params.get("placeCodes", "").split(",")))
            names = set(filter(None, params.get("placeNames", "").split(",")))
            places = [place for place in places if place.code in codes or place.name in names]
            params.setdefault("pageNum", "1")
        page, pagination = self._page(
            params, places, page_required=True, oversized=call.page_fault == faults.OVERSIZED_PAGE
        )
        # Not wrapped in code/message/data ([XTR-LOGI]; study 7.2).
        return Reply.json(200, {"content": [render.outbound_place(place) for place in page], "pagination": pagination})
