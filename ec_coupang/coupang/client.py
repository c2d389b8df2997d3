"""HTTP client for Coupang's Open API (Wing), Korea and Taiwan markets."""

import contextlib
import itertools
import json
import logging
import socket
import threading
import time
from datetime import datetime, timedelta
from datetime import time as day_time

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

from .datatypes import ORDER_STATUSES, RowReason
from .errors import (
    CoupangError,
    MalformedResponseError,
    NoAnswerError,
    NotAvailableInMarketError,
    OversizedPageError,
    RepeatedPageTokenError,
    RequestRejectedError,
    ResponseCutOffError,
    TooManyPagesError,
    UnreachableError,
    error_from_response,
    sanitize,
)
from .inquiries import (
    CALL_CENTER_FILTERS,
    PRODUCT_INQUIRY_FILTERS,
    InquiryAnswer,
    kept_inquiry,
    parse_call_center_inquiry,
    parse_product_inquiry,
    read_inquiry,
)
from .markets import get_market
from .parsing import (
    kept_order_sheet,
    loads,
    parse_box_results,
    parse_id,
    parse_order_sheet,
    parse_order_sheets,
    parse_outbound_place,
    parse_return_center,
    reading,
)
from .products import (
    PRODUCT_STATUSES,
    ItemChange,
    kept_seller_product,
    parse_item_inventory,
    parse_seller_product,
    parse_seller_products,
)
from .returns import (
    CANCEL_TYPES,
    RETURN_STATUSES,
    SELLER_CANCEL_REASONS,
    parse_return_answer,
    parse_return_request,
    parse_return_requests,
    parse_seller_cancel,
)
from .signing import authorization_header, encode_query

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api-gateway.coupang.com"
DEFAULT_TIMEOUT = (10, 95)  # (connect, read) seconds: read > X-EXTENDED-TIMEOUT's 90 s
EXTENDED_TIMEOUT_MS = "90000"  # the gateway's default is 3 s (Coupang docs: technical-faq 504)
# Seconds one call may take in all, its tries, their pauses and whole answers included: one list
# answer may take the 90 s of X-EXTENDED-TIMEOUT, an answer read byte by byte must still end.
DEFAULT_CALL_DEADLINE = 180.0
# A try is not started with less time left than this before the call's deadline: it could not
# get an answer.
MIN_TRY_SECONDS = 1.0
# Pages one list window may take: 100,000 rows at 50 a page, far beyond a store's orders of a
# window; a list still going on then would never end.
MAX_PAGES_PER_WINDOW = 2000
MAX_PAGE_SIZE = 50  # Coupang docs: delivery-api/lookup-order-list-per-day, lookup-return-shipping-facility
MAX_BATCH_SIZE = 50  # Coupang docs: delivery-api/product-preparation-processing "50개 이하"
MAX_DAYS_PER_WINDOW = 31  # Coupang docs: delivery-api/lookup-order-list-per-day "최대 31일"
# Minute mode (searchType=timeFrame) answers a range of a day or more with "range should less than
# 1 day" (study 4.2): order sheets (Coupang docs: delivery-api/lookup-order-list-per-minute
# "24시간이내") and returnRequests too (technical FAQ 반품관리API 7 "분단위 : 최대 24시간 이내",
# stricter than its list page's 31 days).
MAX_MINUTE_SPAN = timedelta(days=1) - timedelta(minutes=1)
MAX_RETRY_AFTER = 30.0  # seconds; a longer Retry-After is handed to the caller instead of slept
RETRY_STATUSES = (429, 502, 503, 504)
# Sent when a vendor's calls reach about 90 % of its throttling threshold (Coupang docs:
# technical-faq, 429 "쓰로틀링 임계치(약 90%)에 도달한 경우 (X-CAG-Warnings로 쓰로틀링 관련 값이 전달됩니다.)").
THROTTLING_WARNING_HEADER = "X-CAG-Warnings"

_ORDER_PATH = "/v2/providers/openapi/apis/api/{version}/vendors/{vendor_id}/ordersheets"
_ORDER_BY_ORDER_ID_PATH = "/v2/providers/openapi/apis/api/{version}/vendors/{vendor_id}/{order_id}/ordersheets"
_ACKNOWLEDGE_PATH = "/v2/providers/openapi/apis/api/v4/vendors/{vendor_id}/ordersheets/acknowledgement"
_INVOICES_PATH = "/v2/providers/openapi/apis/api/v4/vendors/{vendor_id}/orders/invoices"
_UPDATE_INVOICES_PATH = "/v2/providers/openapi/apis/api/v4/vendors/{vendor_id}/orders/updateInvoices"
_RETURN_CENTERS_PATH = "/v2/providers/openapi/apis/api/v5/vendors/{vendor_id}/returnShippingCenters"
_OUTBOUND_PLACES_PATH = "/v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound"
# Requests list and single read v6, receipt and approval v5 (help center notice 48314250583705);
# the stop-shipment answers have no newer version than v4 (articles 360034320673, 360033793034).
_RETURN_REQUESTS_PATH = "/v2/providers/openapi/apis/api/{version}/vendors/{vendor_id}/returnRequests"
_RECEIPT_PATH = _RETURN_REQUESTS_PATH + "/{receipt_id}"
_STOPPED_SHIPMENT_PATH = _RECEIPT_PATH + "/stoppedShipment"  # v4
_COMPLETED_SHIPMENT_PATH = _RECEIPT_PATH + "/completedShipment"  # v4
# Buyers' inquiries, v5 (help center notice 48314250583705; the 2019 pages show v4).
_PRODUCT_INQUIRIES_PATH = "/v2/providers/openapi/apis/api/v5/vendors/{vendor_id}/onlineInquiries"
_CALL_CENTER_INQUIRIES_PATH = "/v2/providers/openapi/apis/api/v5/vendors/{vendor_id}/callCenterInquiries"
# Inquiry lists read at most 7 days a call (Coupang docs: customer-service-api/
# lookup-customer-inquiry-by-product "최대 조회 기간 7일", lookup-coupang-call-center-inquiry
# "최대 7일"): 7 days with both ends included.
MAX_INQUIRY_DAYS = 7
MAX_PRODUCT_INQUIRY_PAGE = 50  # lookup-customer-inquiry-by-product "Default 10, max = 50"
MAX_CALL_CENTER_PAGE = 30  # lookup-coupang-call-center-inquiry "Default 10, max = 30"
# The seller's cancel: v5 in the current path family (study 13; the 2019 page,
# delivery-api/instruct-cancel, shows the retired wing_api family).
_SELLER_CANCEL_PATH = "/v2/providers/openapi/apis/api/v5/vendors/{vendor_id}/orders/{order_id}/cancel"
_RECEIVE_CONFIRMATION_PATH = _RECEIPT_PATH + "/receiveConfirmation"  # v5
_APPROVAL_PATH = _RECEIPT_PATH + "/approval"  # v5
# The store's products: vendorId in the query, not in the path (Coupang docs:
# product-api/lookup-seller-product-list-paging, lookup-seller-product).
_SELLER_PRODUCTS_PATH = "/v2/providers/seller_api/apis/api/v1/marketplace/seller-products"
_SELLER_PRODUCT_PATH = _SELLER_PRODUCTS_PATH + "/{seller_product_id}"
# A vendor item's stock, price and sale status, one item a call (Coupang docs: product-api/
# lookup-quantity-price-status-by-product, change-quantity-by-product, change-price-by-product,
# change-sale-status-to-stop-by-product, change-sale-status-to-resumption-by-product).
_VENDOR_ITEM_PATH = "/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{vendor_item_id}"
MAX_PRODUCTS_PER_PAGE = 100  # Coupang docs: product-api/lookup-seller-product-list-paging "max = 100"
# The list's createdAt reads the 24 hours from the second it names ("2015-12-17T12:28:38 ~
# 2015-12-18T12:28:37", same page), in the market's time (times without offset, study 13).
PRODUCT_CREATED_WINDOW = timedelta(days=1)
SECOND_FORMAT = "%Y-%m-%dT%H:%M:%S"
MINUTE_FORMAT = "%Y-%m-%dT%H:%M"  # searchType=timeFrame (Coupang docs: lookup-return-request-list-per-minute)


def _transport_cause(error):
    """The urllib3 error under a requests error: what tells a refused connection (nothing sent)
    from a broken answer."""
    cause = error.args[0] if error.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    return cause if isinstance(cause, ConnectTimeoutError | ReadTimeoutError | ProtocolError) else None


class _Watchdog:
    """Ends the reading of an answer still coming in at ``deadline``: the reads of its socket
    return at once (``fired`` then)."""

    def __init__(self, response, deadline):
        self.fired = False
        self._response = response
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()

    def _fire(self):
        self.fired = True
        sock = getattr(getattr(self._response.raw, "_connection", None), "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # closed meanwhile: nothing left to end
                sock.shutdown(socket.SHUT_RDWR)


def _time_for_a_try(deadline):
    return deadline - time.monotonic() >= MIN_TRY_SECONDS


def _day_windows(date_from, date_to, days=MAX_DAYS_PER_WINDOW):
    """``[date_from, date_to]`` (inclusive days) cut into windows of at most ``days`` days."""
    start = date_from
    while start <= date_to:
        end = min(start + timedelta(days=days - 1), date_to)
        yield start, end
        start = end + timedelta(days=1)


def _market_day(value, zone):
    """The day of ``value`` in the market's time, on which Coupang's order lists are cut; a
    datetime must be aware (a date is taken as the market's day)."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"Lists by day need a date or an aware datetime, not {value!r}.")
    return value.astimezone(zone).date()


def _minute_windows(start, end, *, within_day=False):
    """``[start, end)`` cut to the minute into windows shorter than a day (MAX_MINUTE_SPAN). With
    ``within_day`` (aware, in the market's time), each window also stays within one day of the
    market: the order sheets' minute mode refuses a window across midnight (Coupang docs:
    delivery-api/lookup-order-list-per-minute "해당 일자 내 24시간이내")."""
    first, last = _whole_minutes(start), _whole_minutes(end, round_up=True)
    while first < last:
        window_end = min(last, first + MAX_MINUTE_SPAN)
        if within_day:
            window_end = min(window_end, datetime.combine(first.date() + timedelta(days=1), day_time(), first.tzinfo))
        yield first, window_end
        first = window_end


def _time_frames(start, end):
    """Minute mode parameters (searchType=timeFrame) covering ``[start, end)`` to the minute."""
    for frame_from, frame_to in _minute_windows(start, end):
        yield {
            "searchType": "timeFrame",
            "createdAtFrom": frame_from.strftime(MINUTE_FORMAT),
            "createdAtTo": frame_to.strftime(MINUTE_FORMAT),
        }


def _day_frames(start, end):
    """Day mode parameters covering the days of ``start`` to ``end``, 50 rows a page."""
    for day_from, day_to in _day_windows(start.date(), end.date()):
        yield {"createdAtFrom": day_from.isoformat(), "createdAtTo": day_to.isoformat(), "maxPerPage": MAX_PAGE_SIZE}


def _windows_from(start, end, span):
    """The starts of the windows of ``span`` that cover ``[start, end)``."""
    while start < end:
        yield start
        start += span


def _whole_minutes(moment, *, round_up=False):
    floor = moment.replace(second=0, microsecond=0)
    return floor + timedelta(minutes=1) if round_up and floor != moment else floor


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rejection(message, payload, status, code, secrets):
    """Coupang's refusal inside a 2xx answer, with its message and the body's start, without secrets."""
    message = sanitize(message, secrets)
    return RequestRejectedError(
        status=status,
        code=code,
        transaction_id=payload.get("transactionId"),
        body_excerpt=sanitize(json.dumps(payload, ensure_ascii=False, default=str), secrets),
        coupang_message=message,
    )


def _check_page_size(size):
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"Coupang pages hold 1 to {MAX_PAGE_SIZE} rows, not {size}.")


def _check_rows(rows, asked, keep=None):
    """Refuses a page holding more rows than ``asked``; the error keeps them, each as ``keep`` makes it."""
    if len(rows) > asked:
        reason = RowReason("oversized_page_row", {"received": len(rows), "asked": asked})
        raise OversizedPageError(
            asked=asked,
            received=len(rows),
            rows=[keep(raw, reason) for raw in rows] if keep else rows,
        )


class _WindowPaging:
    """The pages of one list window: it ends with an error when a page token comes a second time,
    or when the pages pass ``max_pages``, instead of reading on forever."""

    def __init__(self, max_pages):
        self.max_pages = max_pages
        self.pages = 0
        self._tokens = set()

    def count_page(self):
        if self.pages >= self.max_pages:
            raise TooManyPagesError(pages=self.pages)
        self.pages += 1

    def follow(self, token):
        """``token`` (the answer's nextToken), once it is known to lead to a page not read yet."""
        if token in self._tokens:
            raise RepeatedPageTokenError(pages=self.pages)
        self._tokens.add(token)
        return token


class CoupangClient:
    """One Coupang store (vendor): signs, sends and reads its Open API calls.

    :param market: ``"KR"`` or ``"TW"`` (sent as ``X-MARKET``; prices v4 numbers in KRW or TWD)
    :param timeout: ``(connect, read)`` seconds, the read timeout for each read of the socket
    :param call_deadline: seconds one call may take in all, tries and whole answers included; past
        it the call raises :class:`NoAnswerError` and no other try starts
    :param max_pages: pages one window of a list may take before :class:`TooManyPagesError`
    :param retries: how many times a GET is tried again on 429/502/503/504 or a broken connection
    :param backoff_factor: urllib3's exponential backoff between those tries
    :param throttle: called before every attempt, retries included (e.g. a rate limit shared by
        the vendor's processes); it returns once the call may go
    :param slow_down: called when Coupang answers 429 or warns with ``X-CAG-Warnings`` that the
        vendor nears its throttling threshold
    :param api_version: ``"v5"`` (money objects, ISO times; required for Taiwan) or ``"v4"``
        for the order sheet reads
    :param recorder: keeps each exchange (e.g. a :class:`~.recorder.ExchangeRecorder`): its
        ``record(method, path, query, body, status, content)`` is called once per answered call
    """

    def __init__(
        self,
        vendor_id,
        access_key,
        secret_key,
        *,
        base_url=DEFAULT_BASE_URL,
        market="KR",
        timeout=DEFAULT_TIMEOUT,
        call_deadline=DEFAULT_CALL_DEADLINE,
        max_pages=MAX_PAGES_PER_WINDOW,
        retries=3,
        backoff_factor=1.0,
        api_version="v5",
        throttle=None,
        slow_down=None,
        recorder=None,
    ):
        self.market_info = get_market(market or "KR")
        if api_version not in ("v4", "v5"):
            raise ValueError(f"Unknown order sheet API version {api_version!r}: use v4 or v5.")
        self.vendor_id = vendor_id
        self.access_key = access_key
        self._secret_key = secret_key
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.market = self.market_info.code
        self.currency = self.market_info.currency
        self.timeout = timeout
        self.call_deadline = call_deadline
        self.max_pages = max_pages
        self.api_version = api_version
        self._retry = Retry(
            total=retries,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff_factor,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self._throttle = throttle or (lambda: None)
        self._slow_down = slow_down or (lambda: None)
        self._recorder = recorder
        self._session = requests.Session()

    def __repr__(self):
        return f"CoupangClient(vendor_id={self.vendor_id!r}, market={self.market!r}, base_url={self.base_url!r})"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self._session.close()

    # --- transport ---

    def _headers(self, method, path, query, list_call):
        headers = {
            "Authorization": authorization_header(self.access_key, self._secret_key, method, path, query),
            "X-Requested-By": self.vendor_id,
            "Content-Type": "application/json;charset=UTF-8",
            "X-MARKET": self.market,
        }
        if list_call:
            headers["X-EXTENDED-TIMEOUT"] = EXTENDED_TIMEOUT_MS
        return headers

    def _request(self, method, path, *, params=(), body=None, list_call=False, accepted_codes=()):
        """Sends one signed call and returns its decoded JSON body, or raises a CoupangError; a
        business ``code`` other than success is refused unless it is one of ``accepted_codes``."""
        query = encode_query(params)
        # The query is signed and sent as the same bytes: it goes inside the URL, not in params=,
        # so requests does not encode it again.
        url = f"{self.base_url}{path}?{query}" if query else f"{self.base_url}{path}"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        try:
            response = self._send(method, path, query, url, data, list_call)
        except requests.Timeout as error:
            _logger.warning("Coupang %s %s timed out", method, path)
            raise NoAnswerError() from error
        except requests.RequestException as error:
            _logger.warning("Coupang %s %s failed: %s", method, path, type(error).__name__)
            raise self._connection_error(error) from error
        _logger.debug("Coupang %s %s -> HTTP %s", method, path, response.status_code)
        self._record(method, path, query, data, response)
        return self._read(response, accepted_codes)

    def _record(self, method, path, query, data, response):
        if self._recorder is not None:
            self._recorder.record(method, path, query, data, response.status_code, response.content)

    def _send(self, method, path, query, url, data, list_call):
        """The answer to the call, tried again as urllib3's Retry says: a GET on 429/502/503/504
        or a broken answer, any method on 429 or when the connection was refused (nothing was
        carried out).

        Each attempt waits for the throttle and is signed anew: Coupang asks for a fresh HMAC on
        every request (Coupang docs: guides/hmac-example). A Retry-After longer than
        MAX_RETRY_AFTER is not slept: the caller gets the 429 with it. No try starts, and no
        answer is read on, past the call's deadline: requests.Timeout then.
        """
        deadline = time.monotonic() + self.call_deadline
        retry = self._retry
        while True:
            self._throttle()
            headers = self._headers(method, path, query, list_call)
            try:
                response = self._attempt(method, url, data, headers, deadline)
            except requests.RequestException as error:
                retry = self._next_try(retry, method, url, error, deadline)
                retry.sleep()
                continue
            self._heed_throttling(response)
            if not (self._tried_again(retry, method, response) and _time_for_a_try(deadline)):
                return response
            retry_after = retry.get_retry_after(response.raw)
            if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                return response
            try:
                retry = retry.increment(method, url, response=response.raw)
            except MaxRetryError:
                return response
            retry.sleep(response.raw)

    @staticmethod
    def _tried_again(retry, method, response):
        """Whether the answer is tried again, as urllib3's Retry says for a GET; a 429 whatever the
        method: Coupang throttles a call before carrying it out (Coupang docs: technical-faq, 429),
        so a change it refused so is sent again, as it was never made."""
        status, has_retry_after = response.status_code, "Retry-After" in response.headers
        return retry.is_retry("GET" if status == 429 else method, status, has_retry_after)

    def _attempt(self, method, url, data, headers, deadline):
        """One try, its answer read whole by ``deadline``: the read timeout bounds each read of the
        socket only, an answer coming byte by byte would hold the call without end."""
        connect, read = self.timeout
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise requests.Timeout("The call's deadline passed.")
        response = self._session.request(
            method,
            url,
            data=data,
            headers=headers,
            timeout=(min(connect, remaining), min(read, remaining)),
            allow_redirects=False,
            stream=True,
        )
        failure = None
        with _Watchdog(response, deadline) as watchdog:
            try:
                response.content  # noqa: B018 - reads the whole answer
            except requests.RequestException as error:
                response.close()
                failure = error
        if watchdog.fired:  # what was read is only part of the answer, with or without an error
            raise requests.Timeout("The call's deadline passed.") from failure
        if failure is None:
            return response
        if isinstance(_transport_cause(failure), ReadTimeoutError):
            raise requests.ReadTimeout(*failure.args) from failure  # requests calls it a ConnectionError
        raise failure

    @staticmethod
    def _next_try(retry, method, url, error, deadline):
        """The Retry after a failed attempt, or the requests error when it is not tried again."""
        cause = _transport_cause(error)
        if cause is None or not _time_for_a_try(deadline):
            raise error
        try:
            return retry.increment(method, url, error=cause)
        except (MaxRetryError, type(cause)):
            raise error from None

    def _heed_throttling(self, response):
        if response.status_code == 429 or THROTTLING_WARNING_HEADER in response.headers:
            _logger.info(
                "Coupang throttles vendor %s: %s", self.vendor_id, response.headers.get(THROTTLING_WARNING_HEADER)
            )
            self._slow_down()

    def _connection_error(self, error):
        if isinstance(error, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
            return ResponseCutOffError()
        return UnreachableError(base_url=self.base_url)

    def _read(self, response, accepted_codes=()):
        secrets = (self._secret_key,)
        if not 200 <= response.status_code < 300:
            error = error_from_response(response.status_code, response.content, response.headers, secrets=secrets)
            _logger.warning("Coupang answered HTTP %s: %s", response.status_code, type(error).__name__)
            raise error
        try:
            payload = loads(response.content)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise MalformedResponseError(status=response.status_code, body_excerpt=sanitize(response.text, secrets))
        self._check_business_code(payload, response.status_code, secrets, accepted_codes)
        return payload

    @staticmethod
    def _check_business_code(payload, status, secrets, accepted_codes=()):
        # Business bodies carry code 200 or "200" (both appear in Coupang's samples); outbound
        # place lists carry no code at all.
        code = payload.get("code")
        if code is None or str(code).upper() in ("200", "SUCCESS", "OK", *accepted_codes):
            return
        raise _rejection(str(payload.get("message") or code), payload, status, code, secrets)

    def _path(self, template, **values):
        return template.format(vendor_id=self.vendor_id, **values)

    # --- connection ---

    def check_connection(self):
        """One cheap signed call that needs the right IP, keys and Vendor ID; raises the mapped error."""
        self._request("GET", self._path(_RETURN_CENTERS_PATH), params={"pageNum": 1, "pageSize": 1})

    # --- order sheets ---

    def _date_param(self, day):
        if self.api_version == "v4":
            return day.isoformat()
        return f"{day.isoformat()}{self.market_info.utc_offset}"

    def iter_order_sheets(self, created_from, created_to, status, *, max_per_page=MAX_PAGE_SIZE, by_minute=False):
        """Order sheets in ``status`` paid on days ``created_from`` to ``created_to`` (inclusive).

        Dates are the market's days; aware datetimes are converted to the market's time first.
        Day mode with ``nextToken`` paging; a range longer than 31 days is read in 31-day windows
        (Coupang docs: delivery-api/lookup-order-list-per-day). ``by_minute`` reads
        ``[created_from, created_to)`` (aware datetimes) to the minute instead
        (``searchType=timeFrame``, every row in one answer, no paging), one call per window within
        a day of the market (Coupang docs: delivery-api/lookup-order-list-per-minute): what an
        incremental fetch reads, where a day would read the day's every open order again.
        Arguments are checked at once, the pages are read as the result is iterated.
        """
        if status not in ORDER_STATUSES:
            raise ValueError(f"Unknown order status {status!r}.")
        _check_page_size(max_per_page)
        zone = self.market_info.timezone
        if by_minute:
            start, end = (self._aware(moment).astimezone(zone) for moment in (created_from, created_to))
            return self._order_sheet_minutes(start, end, status)
        date_from, date_to = (_market_day(moment, zone) for moment in (created_from, created_to))
        return self._order_sheet_pages(date_from, date_to, status, max_per_page)

    def _minute_param(self, moment):
        text = moment.strftime(MINUTE_FORMAT)
        return text if self.api_version == "v4" else f"{text}{self.market_info.utc_offset}"

    def _order_sheet_minutes(self, start, end, status):
        path = self._path(_ORDER_PATH, version=self.api_version)
        for window_from, window_to in _minute_windows(start, end, within_day=True):
            params = {
                "searchType": "timeFrame",
                "createdAtFrom": self._minute_param(window_from),
                "createdAtTo": self._minute_param(window_to),
                "status": status,
            }
            payload = self._request("GET", path, params=params, list_call=True)
            with reading("an order sheet list"):
                sheets = parse_order_sheets(payload["data"], self.market)
            yield from sheets

    def _order_sheet_pages(self, date_from, date_to, status, max_per_page):
        path = self._path(_ORDER_PATH, version=self.api_version)
        for window_from, window_to in _day_windows(date_from, date_to):
            params = {
                "createdAtFrom": self._date_param(window_from),
                "createdAtTo": self._date_param(window_to),
                "status": status,
                "maxPerPage": max_per_page,
            }
            yield from self._token_pages(path, params, parse_order_sheets, kept_order_sheet, "an order sheet list")

    def _token_pages(self, path, params, parse_rows, keep, what):
        """The rows of one ``nextToken`` list: ``data`` a page of at most ``maxPerPage`` rows, the
        answer's ``nextToken`` leading to the next page, empty on the last one; at most
        ``max_pages`` pages, each token read once."""
        paging = _WindowPaging(self.max_pages)
        next_token = None
        while True:
            paging.count_page()
            payload = self._request("GET", path, params={**params, "nextToken": next_token}, list_call=True)
            with reading(what):
                rows = payload["data"]
                _check_rows(rows, params["maxPerPage"], keep=keep)
                parsed = parse_rows(rows, self.market)
                next_token = str(payload.get("nextToken") or "")
            yield from parsed
            if not next_token:  # empty on the last page
                return
            paging.follow(next_token)

    def iter_order_sheets_by_statuses(self, created_from, created_to, statuses=ORDER_STATUSES, **kwargs):
        """Order sheets of several statuses: Coupang has no "all statuses" value, so one list each."""
        return itertools.chain(
            *[self.iter_order_sheets(created_from, created_to, status, **kwargs) for status in statuses]
        )

    def get_order_sheet(self, shipment_box_id):
        """One order sheet by shipmentBoxId; read it again after acknowledging, the buyer may have
        changed the address while it was ACCEPT (Coupang docs: delivery-api/lookup-order-book)."""
        path = f"{self._path(_ORDER_PATH, version=self.api_version)}/{shipment_box_id}"
        payload = self._request("GET", path)
        with reading("an order sheet"):
            return parse_order_sheet(payload["data"], self.market)

    def get_order_sheets_by_order_id(self, order_id):
        """The order sheets of one order: one per shipment box, also the boxes a split shipment
        created. ``data`` is an array, or an object in older samples (Coupang docs:
        delivery-api/lookup-order-by-orderid; study 4.1 and 11.9): both are read."""
        path = self._path(_ORDER_BY_ORDER_ID_PATH, version=self.api_version, order_id=order_id)
        payload = self._request("GET", path)
        with reading("the order sheets of an order"):
            data = payload["data"]
            return [parse_order_sheet(raw, self.market) for raw in (data if isinstance(data, list) else [data])]

    # --- the store's products ---

    def iter_seller_products(self, *, status=None, max_per_page=MAX_PRODUCTS_PER_PAGE):
        """The store's seller products, ``max_per_page`` (1 to 100) a page, followed by the answer's
        ``nextToken`` ("" on the last page), at most ``max_pages`` pages (Coupang docs:
        product-api/lookup-seller-product-list-paging; Korea and Taiwan, help center article
        360033645034). Rows carry no vendor items: :meth:`get_seller_product` reads them. Each row
        is a :class:`~.products.SellerProduct` or an :class:`~.products.UnreadableSellerProduct`.
        """
        if status is not None and status not in PRODUCT_STATUSES:
            raise ValueError(f"Unknown product status {status!r}: use one of {', '.join(PRODUCT_STATUSES)}.")
        if not 1 <= max_per_page <= MAX_PRODUCTS_PER_PAGE:
            raise ValueError(f"Product pages hold 1 to {MAX_PRODUCTS_PER_PAGE} rows, not {max_per_page}.")
        return self._seller_product_pages({"status": status}, max_per_page)

    def iter_seller_products_created(self, created_from, created_to, *, max_per_page=MAX_PRODUCTS_PER_PAGE):
        """Seller products created from ``created_from`` to ``created_to`` (aware datetimes): the
        list's ``createdAt`` filter, one 24-hour window a call from ``created_from`` on, to the
        second in the market's time. What a load after the first one reads; the list has no
        filter on a product's changes. A product may come twice: rows are keyed by sellerProductId.
        """
        if not 1 <= max_per_page <= MAX_PRODUCTS_PER_PAGE:
            raise ValueError(f"Product pages hold 1 to {MAX_PRODUCTS_PER_PAGE} rows, not {max_per_page}.")
        zone = self.market_info.timezone
        start, end = (
            self._aware(moment).astimezone(zone).replace(microsecond=0) for moment in (created_from, created_to)
        )
        return itertools.chain.from_iterable(
            self._seller_product_pages({"createdAt": window.strftime(SECOND_FORMAT)}, max_per_page)
            for window in _windows_from(start, end, PRODUCT_CREATED_WINDOW)
        )

    def _seller_product_pages(self, filters, max_per_page):
        params = {"vendorId": self.vendor_id, "maxPerPage": max_per_page, **filters}
        return self._token_pages(
            _SELLER_PRODUCTS_PATH, params, parse_seller_products, kept_seller_product, "a product list"
        )

    def get_seller_product(self, seller_product_id):
        """One seller product with its vendor items (``items``: vendorItemId, externalVendorSku,
        barcode, itemName, attributes; Coupang docs: product-api/lookup-seller-product). Korea only
        (help center article 360033644994): a Taiwan store gets :class:`NotAvailableInMarketError`
        without a call."""
        self._check_market("seller_product")
        payload = self._request("GET", _SELLER_PRODUCT_PATH.format(seller_product_id=int(seller_product_id)))
        with reading("a seller product"):
            return parse_seller_product(payload["data"], self.market)

    # --- a vendor item's stock, price and sale status (Korea) ---

    def _vendor_item_path(self, call_name, vendor_item_id, tail=""):
        """The item's path, once the call is known to be offered in the store's market."""
        self._check_market(call_name)
        return _VENDOR_ITEM_PATH.format(vendor_item_id=parse_id(vendor_item_id)) + tail

    def _change_item(self, call_name, vendor_item_id, tail, params=()):
        payload = self._request("PUT", self._vendor_item_path(call_name, vendor_item_id, tail), params=params)
        return ItemChange(parse_id(vendor_item_id), str(payload.get("message") or ""))

    def get_item_inventory(self, vendor_item_id):
        """The item's units left, sale price and whether it is on sale (Korea only: a Taiwan store
        gets :class:`NotAvailableInMarketError` without a call)."""
        payload = self._request("GET", self._vendor_item_path("item_inventory", vendor_item_id, "/inventories"))
        with reading("a vendor item's stock"):
            return parse_item_inventory(payload["data"], vendor_item_id, self.currency)

    def set_item_quantity(self, vendor_item_id, quantity):
        """Sets the item's stock on Coupang to ``quantity`` units (0 or more), one item a call, each
        call counted by the client's throttle (Korea only)."""
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise ValueError(f"A stock is a whole number of units, 0 or more, not {quantity!r}.")
        return self._change_item("item_quantity", vendor_item_id, f"/quantities/{quantity}")

    def set_item_price(self, vendor_item_id, price, *, force=False):
        """Sets the item's sale price (a whole amount in KRW, above 0). Coupang refuses a change
        beyond half the old price down or twice up unless ``force`` (``forceSalePriceUpdate``)."""
        if isinstance(price, bool) or not isinstance(price, int) or price < 1:
            raise ValueError(f"A price is a whole amount above 0, not {price!r}.")
        params = {"forceSalePriceUpdate": "true"} if force else {}
        return self._change_item("item_price", vendor_item_id, f"/prices/{price}", params)

    def stop_item_sale(self, vendor_item_id):
        """Stops the item's sale (판매 중지; Korea only)."""
        return self._change_item("item_sale_status", vendor_item_id, "/sales/stop")

    def resume_item_sale(self, vendor_item_id):
        """Resumes the item's sale (판매 재개; Korea only)."""
        return self._change_item("item_sale_status", vendor_item_id, "/sales/resume")

    # --- buyers' inquiries ---

    def iter_product_inquiries(self, date_from, date_to, *, answered="ALL", page_size=MAX_PRODUCT_INQUIRY_PAGE):
        """Buyers' questions on the store's products asked on days ``date_from`` to ``date_to``
        (the market's days, both included; aware datetimes are taken in the market's time), 7 days
        a call, ``answered`` ALL, ANSWERED or NOANSWER (Coupang docs:
        customer-service-api/lookup-customer-inquiry-by-product; Korea and Taiwan). Each row is a
        :class:`~.inquiries.ProductInquiry` or an :class:`~.inquiries.UnreadableInquiry`.
        """
        if answered not in PRODUCT_INQUIRY_FILTERS:
            raise ValueError(f"Unknown answeredType {answered!r}: use one of {', '.join(PRODUCT_INQUIRY_FILTERS)}.")
        return self._inquiry_pages(
            _PRODUCT_INQUIRIES_PATH, (date_from, date_to), {"answeredType": answered},
            (page_size, MAX_PRODUCT_INQUIRY_PAGE), parse_product_inquiry, "a product inquiry list",
        )  # fmt: skip

    def iter_call_center_inquiries(self, date_from, date_to, *, status="NONE", page_size=MAX_CALL_CENTER_PAGE):
        """Call-center inquiries on the store's items made on days ``date_from`` to ``date_to``,
        7 days a call; ``status`` NONE (all), ANSWER, NO_ANSWER (the seller must answer) or TRANSFER
        (Coupang completed it; the seller confirms) (Coupang docs: customer-service-api/
        lookup-coupang-call-center-inquiry; Korea and Taiwan). Each row is a
        :class:`~.inquiries.CallCenterInquiry` or an :class:`~.inquiries.UnreadableInquiry`.
        """
        if status not in CALL_CENTER_FILTERS:
            raise ValueError(f"Unknown counseling status {status!r}: use one of {', '.join(CALL_CENTER_FILTERS)}.")
        return self._inquiry_pages(
            _CALL_CENTER_INQUIRIES_PATH, (date_from, date_to), {"partnerCounselingStatus": status},
            (page_size, MAX_CALL_CENTER_PAGE), parse_call_center_inquiry, "a call-center inquiry list",
        )  # fmt: skip

    def _inquiry_pages(self, template, days, filters, sizes, parse, what):
        page_size, largest = sizes
        if not 1 <= page_size <= largest:
            raise ValueError(f"These pages hold 1 to {largest} rows, not {page_size}.")
        zone = self.market_info.timezone
        date_from, date_to = (_market_day(moment, zone) for moment in days)
        return self._inquiry_windows(self._path(template), (date_from, date_to), filters, page_size, parse, what)

    def _inquiry_windows(self, path, days, filters, page_size, parse, what):
        def row(raw):
            return read_inquiry(parse, raw, self.market)

        for start, end in _day_windows(*days, MAX_INQUIRY_DAYS):
            params = {"vendorId": self.vendor_id, "inquiryStartAt": start.isoformat(), "inquiryEndAt": end.isoformat()}
            yield from self._pages(
                path, page_size, lambda payload: payload["data"], row, what,
                params={**params, **filters}, keep=kept_inquiry,
            )  # fmt: skip

    def _reply(self, path, body, inquiry_id):
        payload = self._request("POST", path, body=body)
        return InquiryAnswer(str(inquiry_id), str(payload.get("message") or ""))

    @staticmethod
    def _content(text, what):
        if not (text or "").strip():
            raise ValueError(f"{what} needs a text.")
        return text

    def answer_product_inquiry(self, inquiry_id, content, reply_by):
        """The seller's answer to a buyer's product question, once (Coupang docs:
        customer-service-api/answer-to-customer-inquiry); ``reply_by`` names who answers (the Wing
        login ID). Sent once: when its answer is lost, the list read again shows the reply."""
        body = {"content": self._content(content, "An answer"), "vendorId": self.vendor_id, "replyBy": reply_by}
        path = f"{self._path(_PRODUCT_INQUIRIES_PATH)}/{int(inquiry_id)}/replies"
        return self._reply(path, body, inquiry_id)

    def answer_call_center_inquiry(self, inquiry_id, content, reply_by, parent_answer_id):
        """The seller's answer to a call-center inquiry waiting for it (``NO_ANSWER``), under the
        agent's reply that asks for it (``parent_answer_id``, its answerId: see
        :attr:`~.inquiries.CallCenterInquiry.reply_to_answer`). Coupang refuses a second answer
        (Coupang docs: customer-service-api/answer-to-coupang-call-center-inquiry)."""
        body = {
            "vendorId": self.vendor_id,
            "inquiryId": str(int(inquiry_id)),
            "content": self._content(content, "An answer"),
            "replyBy": reply_by,
            "parentAnswerId": int(parent_answer_id),
        }
        path = f"{self._path(_CALL_CENTER_INQUIRIES_PATH)}/{int(inquiry_id)}/replies"
        return self._reply(path, body, inquiry_id)

    def confirm_call_center_inquiry(self, inquiry_id, confirm_by):
        """Confirms a call-center inquiry Coupang completed and handed to the seller (``TRANSFER``,
        미확인; Coupang docs: customer-service-api/confirm-to-coupang-call-center-inquiry)."""
        path = f"{self._path(_CALL_CENTER_INQUIRIES_PATH)}/{int(inquiry_id)}/confirms"
        return self._reply(path, {"confirmBy": self._content(confirm_by, "A confirmation")}, inquiry_id)

    # --- places ---

    def _iter_pages(self, path, page_size, page_of, parse, what):
        _check_page_size(page_size)
        return self._pages(path, page_size, page_of, parse, what)

    def _pages(self, path, page_size, page_of, parse, what, *, params=None, keep=None):
        """Rows of a ``pageNum``/``pageSize`` list (after ``params``), until ``currentPage >= totalPages``."""
        paging = _WindowPaging(self.max_pages)
        page_number = 1
        while True:
            paging.count_page()
            query = {**(params or {}), "pageNum": page_number, "pageSize": page_size}
            payload = self._request("GET", path, params=query, list_call=True)
            with reading(what):
                page = page_of(payload)
                _check_rows(page["content"], page_size, keep=keep)
                rows = [parse(raw) for raw in page["content"]]
                pagination = page.get("pagination") or {}
                last_page = int(pagination.get("totalPages") or 0)
                current_page = int(pagination.get("currentPage") or page_number)
            yield from rows
            if not rows or current_page >= last_page:
                return
            page_number = current_page + 1

    def iter_return_centers(self, page_size=MAX_PAGE_SIZE):
        """The vendor's return centers (``data.content``; Coupang docs:
        distribution-center-api/lookup-return-shipping-facility)."""
        path = self._path(_RETURN_CENTERS_PATH)
        return self._iter_pages(path, page_size, lambda payload: payload["data"], parse_return_center, "return centers")

    def iter_outbound_places(self, page_size=MAX_PAGE_SIZE):
        """The vendor's outbound shipping places (top-level ``content``, no vendorId in the path:
        the key names the vendor; [CRAWL26] article 360033644754)."""
        return self._iter_pages(
            _OUTBOUND_PLACES_PATH, page_size, lambda payload: payload, parse_outbound_place, "outbound places"
        )

    # --- writes ---

    def _run_batches(self, batches):
        """Sends each ``(box_ids, method, path, body)`` batch in turn; one BoxResult per box.

        When a batch fails, the error carries the results of the batches before it.
        """
        results = []
        for box_ids, method, path, body in batches:
            try:
                payload = self._request(method, path, body=body)
            except CoupangError as error:
                error.partial_results = tuple(results)
                raise
            with reading("a status change result"):
                results.extend(parse_box_results(payload["data"], box_ids))
        return results

    def acknowledge(self, shipment_box_ids):
        """ACCEPT -> INSTRUCT ("상품준비중"), at most 50 boxes per call; one BoxResult per box."""
        box_ids = list(dict.fromkeys(str(box_id) for box_id in shipment_box_ids))
        path = self._path(_ACKNOWLEDGE_PATH)
        batches = (
            (chunk, "PUT", path, {"vendorId": self.vendor_id, "shipmentBoxIds": [int(box_id) for box_id in chunk]})
            for chunk in _chunks(box_ids, MAX_BATCH_SIZE)
        )
        return self._run_batches(batches)

    def _invoice_batches(self, entries, path):
        """Batches of at most 50 boxes; all lines of one box travel in the same call."""
        boxes = {}
        for entry in entries:
            boxes.setdefault(str(entry.shipment_box_id), []).append(entry)
        for chunk in _chunks(list(boxes), MAX_BATCH_SIZE):
            dtos = [entry.to_payload() for box_id in chunk for entry in boxes[box_id]]
            yield chunk, "POST", path, {"vendorId": self.vendor_id, "orderSheetInvoiceApplyDtos": dtos}

    def upload_invoices(self, entries):
        """Waybills for boxes in INSTRUCT, which move to DEPARTURE (Coupang docs:
        delivery-api/invoice-upload-processing). Every vendor item of a box needs its entry."""
        return self._run_batches(self._invoice_batches(entries, self._path(_INVOICES_PATH)))

    def update_invoices(self, entries):
        """Corrected waybills for boxes in DEPARTURE, DELIVERING, FINAL_DELIVERY or NONE_TRACKING
        (Coupang docs: delivery-api/invoice-update-processing)."""
        return self._run_batches(self._invoice_batches(entries, self._path(_UPDATE_INVOICES_PATH)))

    # --- stop-shipment requests, cancellations and returns ---

    def iter_return_requests(self, created_from, created_to, *, cancel_type, status=None, by_minute=False):
        """Requests created from ``created_from`` to ``created_to`` (aware datetimes).

        ``cancel_type`` ``"CANCEL"`` lists the boxes canceled while ACCEPT and takes no ``status``;
        ``"RETURN"`` needs one of ``RU``, ``UC``, ``CC``, ``PR`` (help center article 360033919613).
        Day mode reads whole days of the market's time, with ``nextToken`` paging, in windows of at
        most 31 days; ``by_minute`` reads ``[created_from, created_to)`` to the minute
        (``searchType=timeFrame``, no paging) in windows shorter than a day: a long range costs a
        call a day, so backfills read by day. Each row is a :class:`~.returns.ReturnRequest` or an
        :class:`~.returns.UnreadableReturnRequest`.
        """
        self._check_request_filter(cancel_type, status)
        zone = self.market_info.timezone
        start, end = (self._aware(moment).astimezone(zone) for moment in (created_from, created_to))
        windows = _time_frames(start, end) if by_minute else _day_frames(start, end)
        return self._return_request_pages(windows, {"cancelType": cancel_type, "status": status}, paged=not by_minute)

    def iter_return_requests_since(self, created_from, created_to, *, cancel_type, status=None):
        """Requests created from ``created_from`` to ``created_to``: the last minutes, less than a
        day, by minute in one call; what is older (a first check, a check after an outage) by day,
        31 days a call. The day list reads whole days, so a request may come twice: rows are keyed
        by receiptId.
        """
        filters = {"cancel_type": cancel_type, "status": status}
        minute_from = _whole_minutes(self._aware(created_to), round_up=True) - MAX_MINUTE_SPAN
        if self._aware(created_from) >= minute_from:
            return self.iter_return_requests(created_from, created_to, by_minute=True, **filters)
        by_day = self.iter_return_requests(created_from, minute_from, **filters)
        return itertools.chain(by_day, self.iter_return_requests(minute_from, created_to, by_minute=True, **filters))

    @staticmethod
    def _check_request_filter(cancel_type, status):
        if cancel_type not in CANCEL_TYPES:
            raise ValueError(f"Unknown cancel type {cancel_type!r}: use RETURN or CANCEL.")
        if cancel_type == "CANCEL" and status is not None:
            raise ValueError("Coupang lists cancellations (cancelType CANCEL) without a status.")
        if cancel_type == "RETURN" and status not in RETURN_STATUSES:
            raise ValueError(f"Returns are listed by status, one of {', '.join(RETURN_STATUSES)}, not {status!r}.")

    @staticmethod
    def _aware(moment):
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise ValueError(f"Lists by time take aware datetimes, not {moment!r}.")
        return moment

    def _return_request_pages(self, windows, filters, *, paged):
        path = self._path(_RETURN_REQUESTS_PATH, version="v6")
        for window in windows:
            paging = _WindowPaging(self.max_pages)
            next_token = None
            while True:
                params = {**window, **filters, "nextToken": next_token}
                paging.count_page()
                payload = self._request("GET", path, params=params, list_call=True)
                with reading("a list of cancellations and returns"):
                    if paged:
                        _check_rows(payload["data"], window["maxPerPage"])
                    rows = parse_return_requests(payload["data"], self.market)
                    next_token = str(payload.get("nextToken") or "") if paged else ""
                yield from rows
                if not next_token:
                    break
                paging.follow(next_token)

    def get_return_request(self, receipt_id):
        """One return or stop-shipment request by receiptId; cancellation receipts are not served
        ("취소번호는 지원되지 않습니다", article 360034562353). ``data`` is documented as an array."""
        payload = self._request("GET", self._path(_RECEIPT_PATH, version="v6", receipt_id=receipt_id))
        with reading("a return request"):
            data = payload["data"]
            (raw,) = data if isinstance(data, list) else [data]
            return parse_return_request(raw, self.market)

    def _answer_receipt(self, template, version, receipt_id, **fields):
        """One PUT on a receipt: a FAIL inside the 200 is a :class:`RequestRejectedError`."""
        body = {"vendorId": self.vendor_id, "receiptId": int(receipt_id), **fields}
        payload = self._request("PUT", self._path(template, version=version, receipt_id=receipt_id), body=body)
        answer = parse_return_answer(payload, receipt_id)
        if answer.result_code.upper() == "FAIL":
            code = answer.result_code
            raise _rejection(answer.message or code, payload, 200, code, (self._secret_key,))
        return answer

    def _check_market(self, call):
        """Refuses, before any call, what Coupang does not offer in the store's market."""
        if not self.market_info.offers(call):
            raise NotAvailableInMarketError(call=call, market=self.market)

    def _check_stop_shipment_market(self):
        if not self.market_info.answers_stop_shipment:
            raise NotAvailableInMarketError(call="stop_shipment", market=self.market)

    def stop_shipment(self, receipt_id, cancel_count):
        """Not shipped: Coupang cancels and refunds (stoppedShipment, Korea). ``cancel_count`` is the
        receipt's whole count, its ``cancelCountSum`` (article 360023109453)."""
        self._check_stop_shipment_market()
        return self._answer_receipt(_STOPPED_SHIPMENT_PATH, "v4", receipt_id, cancelCount=int(cancel_count))

    def complete_shipment(self, receipt_id, delivery_company_code, invoice_number):
        """Already shipped (completedShipment, Korea): Coupang turns the request into a return."""
        self._check_stop_shipment_market()
        waybill = {"deliveryCompanyCode": delivery_company_code, "invoiceNumber": invoice_number}
        return self._answer_receipt(_COMPLETED_SHIPMENT_PATH, "v4", receipt_id, **waybill)

    def cancel_order_items(self, order_id, counts, *, reason, user_id):
        """The seller cancels ``counts`` (vendorItemId -> units) of an order (Coupang docs:
        delivery-api/instruct-cancel; Korea and Taiwan, help center article 360033843154).

        An ACCEPT box is canceled at once, and only whole; an INSTRUCT box's units are stopped.
        Units a buyer's request holds, or already canceled, cannot be canceled (again). ``reason``
        is Coupang's code (:data:`~.returns.SELLER_CANCEL_REASONS`: CCTTER out of stock, CCPNER
        address, CCPRER price); ``user_id`` the store's Wing login ID. Sent once: a refusal (an error
        status, or code FAIL) is a :class:`RequestRejectedError`; code PARTIAL returns the result
        with the items that failed. When the answer is lost, the order sheets read again show what
        was canceled (``cancelCount``). It lowers the seller's fulfilment score.
        """
        items = {parse_id(item): int(count) for item, count in dict(counts).items()}
        if not items or any(count < 1 for count in items.values()):
            raise ValueError(f"A cancel names vendor items with at least one unit each, not {counts!r}.")
        if reason not in SELLER_CANCEL_REASONS:
            raise ValueError(f"Unknown cancel reason {reason!r}: use one of {', '.join(SELLER_CANCEL_REASONS)}.")
        if not (user_id or "").strip():
            raise ValueError("A cancel names the store's Wing login ID.")
        body = {
            "orderId": int(order_id),
            "vendorItemIds": [int(item) for item in items],
            "receiptCounts": list(items.values()),
            "bigCancelCode": "CANERR",
            "middleCancelCode": reason,
            "vendorId": self.vendor_id,
            "userId": user_id.strip(),
        }
        path = self._path(_SELLER_CANCEL_PATH, order_id=int(order_id))
        payload = self._request("POST", path, body=body, accepted_codes=("PARTIAL",))
        with reading("a cancel result"):
            return parse_seller_cancel(payload, order_id)

    def confirm_return_receipt(self, receipt_id):
        """The returned goods arrived at the return center (receiveConfirmation, RETURNS_UNCHECKED)."""
        return self._answer_receipt(_RECEIVE_CONFIRMATION_PATH, "v5", receipt_id)

    def approve_return(self, receipt_id, cancel_count):
        """Approves a return in VENDOR_WAREHOUSE_CONFIRM, which refunds the buyer (approval;
        ``cancel_count`` is the receipt's count, Coupang docs: return-api/return-request-approval-processing)."""
        return self._answer_receipt(_APPROVAL_PATH, "v5", receipt_id, cancelCount=int(cancel_count))
