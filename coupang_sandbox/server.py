"""The Coupang sandbox: a real HTTP server on loopback that answers like Coupang's Open API.

    with CoupangSandbox(seed=1) as sandbox:
        client = CoupangClient(sandbox.demo_vendor.vendor_id, ..., base_url=sandbox.base_url)

Never imported by the addon's production code.
"""

import json
import logging
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from . import data, faults
from .api import Call, Endpoints, Reply, business_error, resolve
from .gateway import (
    ACCESS_DENIED_PAGE,
    INVALID_VENDOR_ID,
    GatewayRefusal,
    authenticate,
    check_requested_by,
    gateway_error_body,
    market_of,
)
from .inquiries import InquiryDesk
from .products import Catalog, CatalogItem, CatalogProduct, demo_products
from .returns import ReturnDesk
from .store import Place, SandboxStore, Vendor, box_result

_logger = logging.getLogger(__name__)

MALFORMED_BODY = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


@dataclass
class RecordedRequest:
    """A request as the sandbox received it (``headers`` keyed by lower-case name)."""

    method: str
    path: str
    query: str  # raw, byte for byte as sent
    headers: dict
    json: object
    client_ip: str
    endpoint: str | None
    status: int | None = None  # what the sandbox answered; None when it closed the connection
    received_at: float = field(default_factory=time.monotonic)

    @property
    def params(self):
        return dict(parse_qsl(self.query, keep_blank_values=True))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CoupangSandbox/1.0"

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        _logger.debug("%s - %s", self.client_address[0], format % args)

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self):
        start_cpu = time.thread_time()
        try:
            self._answer()
        finally:
            self.server.sandbox._count_cpu(time.thread_time() - start_cpu)

    def _answer(self):
        raw_path, _, raw_query = self.path.partition("?")
        body = self._read_body()
        reply, record = self.server.sandbox._dispatch(
            self.command, raw_path, raw_query, self.headers, body, self.client_address[0]
        )
        if reply is None:
            self._reset()
            return
        record.status = reply.status
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.slow_body is None:
                self.wfile.write(reply.body)
            else:
                reply.slow_body.write_slowly(reply.body, self._write_now, self.server.sandbox._stopping)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its read timeout)

    def _write_now(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def _reset(self):
        """Close the connection without an answer (linger 0: the client sees a reset)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True


class CoupangSandbox:
    """A seeded Coupang Open API on ``127.0.0.1`` for tests and demos.

    :param seed: seeds the demo orders; the same seed and ``now`` give the same orders
    :param now: anchor of the demo orders' times (default: now)
    :param signature_window: seconds a signed-date may differ from the sandbox's clock
    :param rate_limit: calls per second per vendor before 429 (default: no limit); the 429s it
        answered are counted in ``rate_limited_count``
    :param warn_at: calls per second per vendor from which answers carry ``X-CAG-Warnings``, as
        Coupang's near its throttling threshold (default: never)
    """

    def __init__(
        self,
        seed=0,
        *,
        host="127.0.0.1",
        port=0,
        now=None,
        tw_orders=24,
        kr_orders=6,
        signature_window=300,
        rate_limit=None,
        warn_at=None,
    ):
        self.host = host
        self.port = port
        self.signature_window = timedelta(seconds=signature_window)
        self.rate_limit = rate_limit
        self.warn_at = warn_at
        self.rate_limited_count = 0
        self.cpu_seconds = 0.0  # the CPU time spent answering, for benchmarks to tell it from Odoo's
        self.clock_skew = timedelta()
        self.store = SandboxStore(self.now)
        self.faults = faults.FaultBook()
        self.returns = ReturnDesk(self.store)
        self.catalog = Catalog()
        self.inquiries = InquiryDesk(self.now)
        self.endpoints = Endpoints(self.store, self.returns, self.catalog, self.inquiries)
        self._requests = []
        self._requests_lock = threading.Lock()
        self._recent_calls = {}  # vendorId -> deque of monotonic times
        self._stopping = threading.Event()
        self._server = None
        self.demo_vendor = self._add_store(data.demo_vendor())
        self.second_vendor = self._add_store(data.second_vendor())  # no orders: the demo's second account
        self.factory = data.OrderFactory(seed, data.anchor_time(now), self.store.id_taken)
        self.store.add_orders(self.factory.seeded_orders(self.demo_vendor.vendor_id, tw_orders, kr_orders))
        for product in demo_products(self.demo_vendor.vendor_id, data.SKU_CATALOGUE, self.factory.now):
            self.catalog.add(product)

    def _count_cpu(self, seconds):
        with self._requests_lock:
            self.cpu_seconds += seconds

    def _add_store(self, vendor):
        """A vendor with the demo return centers and outbound places."""
        vendor = self.store.add_vendor(vendor)
        for place in data.demo_places():
            self.store.add_place(vendor.vendor_id, place)
        return vendor

    # --- life cycle ---

    def start(self):
        self._stopping.clear()
        self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._server.daemon_threads = True
        self._server.sandbox = self
        serve = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="coupang-sandbox", daemon=True)
        serve.start()
        return self

    def stop(self):
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def now(self):
        """The sandbox's clock: real UTC time shifted by :meth:`set_clock_skew`."""
        return datetime.now(timezone.utc) + self.clock_skew

    # --- request handling ---

    def _dispatch(self, method, raw_path, raw_query, headers, body, client_ip):
        """(reply or None to reset the connection, the recorded request)."""
        name, method_allowed, match = resolve(method, raw_path)
        record = self._record(method, raw_path, raw_query, headers, body, client_ip, name)
        fault = self.faults.take(name, raw_path)
        if fault and fault.kind in faults.ANSWERED_BEFORE_GATEWAY:
            return self._fault_reply(fault), record
        if fault and fault.kind == faults.DELAY:
            self._stopping.wait(fault.seconds)
        if fault and fault.kind == faults.HOLD:
            fault.hold(self._stopping)
        try:
            reply = self._answer(record, method_allowed, match, fault)
        except Exception:
            _logger.exception("Coupang sandbox failed on %s %s", method, raw_path)
            reply = Reply.json(500, gateway_error_body("Internal error of the sandbox."))
        if fault and fault.kind == faults.TRUNCATED:
            reply.body = reply.body[: len(reply.body) // 2]
        if fault and fault.kind in faults.SLOW_BODIES:
            reply.slow_body = fault
        return reply, record

    def _answer(self, record, method_allowed, match, fault):
        try:
            vendor = authenticate(
                self.store.vendors, record.headers.get("authorization"), record.method, record.path, record.query,
                record.client_ip, self.now(), self.signature_window,
            )  # fmt: skip
            market = market_of(vendor, record.headers.get("x-market"))
            check_requested_by(vendor, record.headers.get("x-requested-by"))
        except GatewayRefusal as refusal:
            return Reply.json(refusal.status, gateway_error_body(refusal.message))
        calls = self._calls_in_last_second(vendor.vendor_id)
        if self.rate_limit and calls > self.rate_limit:
            with self._requests_lock:
                self.rate_limited_count += 1
            return Reply.json(429, gateway_error_body(HTTPStatus(429).phrase), **{"Retry-After": "1"})
        reply = self._business_answer(record, method_allowed, match, fault, vendor, market)
        if self.warn_at and calls >= self.warn_at:
            reply.headers["X-CAG-Warnings"] = f"throttling: {calls} calls in the last second"
        return reply

    def _business_answer(self, record, method_allowed, match, fault, vendor, market):
        if record.endpoint is None:
            return Reply.json(404, gateway_error_body("No API matches the request path."))
        if not method_allowed:
            return Reply.json(405, gateway_error_body(f"Request method '{record.method}' is not supported."))
        if match.groupdict().get("vendor_id", vendor.vendor_id) != vendor.vendor_id:
            return business_error(400, INVALID_VENDOR_ID)
        page_fault = fault.kind if fault and fault.kind in faults.PAGE_FAULTS else None
        call = Call(vendor, match, record.query, record.json, market, self._forced_failure(fault), page_fault)
        return self.endpoints.handle(record.endpoint, call)

    @staticmethod
    def _forced_failure(fault):
        def forced(box_id):
            if fault is None or not fault.fails_box(box_id):
                return None
            return box_result(box_id, fault.result_code, fault.message)

        return forced

    @staticmethod
    def _fault_reply(fault):
        if fault.kind == faults.RESET:
            return None
        if fault.kind == faults.BLOCK:
            return Reply(403, ACCESS_DENIED_PAGE.encode(), content_type="text/html")
        if fault.kind == faults.REDIRECT:
            return Reply(302, b"", content_type="text/html", headers={"Location": "https://www.coupang.com/"})
        if fault.kind == faults.MALFORMED:
            return Reply(200, MALFORMED_BODY, content_type="text/html")
        headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
        message = fault.message or HTTPStatus(fault.status).phrase
        return Reply.json(fault.status, gateway_error_body(message), **headers)

    def _calls_in_last_second(self, vendor_id):
        """The vendor's calls in the last second, this one included (0 without a limit or a warning)."""
        if not (self.rate_limit or self.warn_at):
            return 0
        moment = time.monotonic()
        with self._requests_lock:
            calls = self._recent_calls.setdefault(vendor_id, deque())
            while calls and moment - calls[0] > 1.0:
                calls.popleft()
            calls.append(moment)
            return len(calls)

    def _record(self, method, raw_path, raw_query, headers, body, client_ip, name):
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = body.decode("utf-8", "replace")
        record = RecordedRequest(
            method, raw_path, raw_query, {key.lower(): value for key, value in headers.items()}, parsed, client_ip, name
        )
        with self._requests_lock:
            self._requests.append(record)
        return record

    # --- request log ---

    @property
    def requests(self):
        with self._requests_lock:
            return list(self._requests)

    def requests_to(self, fragment):
        """Recorded requests to a route name (``acknowledge``...) or with ``fragment`` in the path."""
        return [request for request in self.requests if fragment in (request.endpoint, "*") or fragment in request.path]

    def clear_requests(self):
        with self._requests_lock:
            self._requests.clear()

    # --- faults ---

    def inject(self, endpoint, kind, **options):
        """Adds a :class:`~coupang_sandbox.faults.Fault` and returns it (its ``hits`` count)."""
        return self.faults.add(faults.Fault(endpoint, kind, **options))

    def clear_faults(self):
        self.faults.clear()

    def enable_random_faults(self, rate, seed=0, names=faults.DEFAULT_RANDOM_FAULTS):
        """Each request meets a fault picked from ``names`` with probability ``rate``."""
        self.faults.enable_random(rate, seed, names)

    def disable_random_faults(self):
        self.faults.disable_random()

    # --- vendors and clock ---

    def add_vendor(self, vendor_id, access_key, secret_key, markets=("KR", "TW"), *, places=False):
        """Adds a vendor; with ``places``, it has the demo vendor's return centers and outbound places."""
        vendor = Vendor(vendor_id, access_key, secret_key, markets=tuple(markets))
        return self._add_store(vendor) if places else self.store.add_vendor(vendor)

    def set_allowed_ips(self, ips, access_key=None):
        """The IPs allowed for a key (default: the demo vendor's); loopback only at start."""
        vendor = self.store.vendors[access_key or self.demo_vendor.access_key]
        vendor.allowed_ips = list(ips)

    def set_clock_skew(self, seconds):
        """Shifts the sandbox's clock, so correctly signed requests look expired."""
        self.clock_skew = timedelta(seconds=seconds)

    # --- orders ---

    def add_order(self, market="TW", *, status="ACCEPT", delivery=None, items=None, ordered_at=None, vendor_id=None):
        """Adds an order; ``items`` is a list of ``(sku, quantity)`` from :data:`SKU_CATALOGUE`."""
        lines = None
        if items:
            catalogue = {item.sku: item for item in data.SKU_CATALOGUE}
            lines = [self.factory.line(market, catalogue[sku], quantity) for sku, quantity in items]
        order = self.factory.order(
            vendor_id or self.demo_vendor.vendor_id,
            market,
            status=status,
            delivery=delivery,
            lines=lines,
            ordered_at=ordered_at,
        )
        self.store.add_orders([order])
        return order

    def generate_orders(self, count, market="TW", *, status="ACCEPT", ordered_at=None, vendor_id=None):
        """Adds ``count`` random orders at once (fast enough for 5000)."""
        vendor_id = vendor_id or self.demo_vendor.vendor_id
        orders = [self.factory.order(vendor_id, market, status=status, ordered_at=ordered_at) for _ in range(count)]
        self.store.add_orders(orders)
        return orders

    def order(self, shipment_box_id):
        return self.store.order(shipment_box_id)

    def orders(self, *, market=None, status=None):
        with self.store.lock:
            return [
                order
                for order in self.store.orders.values()
                if market in (None, order.market) and status in (None, order.status)
            ]

    def cancel_order(self, shipment_box_id, vendor_item_ids=None):
        self.store.cancel(shipment_box_id, vendor_item_ids)

    def buyer_cancel(self, shipment_box_id, counts=None):
        """The buyer cancels ``counts`` (vendorItemId -> quantity; default: everything open) of a box:
        at once while ACCEPT, by a stop-shipment request once INSTRUCT. Returns the receipt."""
        return self.returns.buyer_cancel(shipment_box_id, counts)

    def buyer_return(self, shipment_box_id, counts=None):
        """The buyer returns ``counts`` of a shipped box (default: everything open). Returns the receipt."""
        return self.returns.buyer_return(shipment_box_id, counts)

    def request_coupang_check(self, receipt_id):
        self.returns.request_coupang_check(receipt_id)

    def answer_stop_in_wing(self, receipt_id, shipped=False, courier_code="CJGLS", invoice_number=None):
        """The seller answers a stop-shipment request in Wing: Shipment Stopped, or with ``shipped``
        Already Shipped with a waybill (see :meth:`ReturnDesk.answer_stop_in_wing`)."""
        return self.returns.answer_stop_in_wing(receipt_id, shipped, courier_code, invoice_number)

    def complete_return_in_wing(self, receipt_id, approve=True):
        """The seller confirms a return's receipt in Wing and, with ``approve``, approves it."""
        self.returns.complete_return_in_wing(receipt_id, approve)

    def withdraw_return(self, receipt_id):
        """The buyer withdraws a return: it leaves the lists and the lookup."""
        self.returns.withdraw_return(receipt_id)

    def serve_lookups_as_objects(self, enabled=True):
        """Lookups by orderId and receiptId answer ``data`` as one object, as older samples do."""
        self.endpoints.lookups_as_objects = enabled

    def receipt(self, receipt_id):
        return self.returns.receipts[int(receipt_id)]

    def change_address(self, shipment_box_id, **receiver):
        """The buyer changes ``addr1``, ``addr2``, ``postCode``, ``name``... while the box is ACCEPT."""
        self.store.change_address(shipment_box_id, **receiver)

    # --- products ---

    def add_seller_product(self, seller_product_id, name, items, *, created_at=None, status="APPROVED", markets=None):
        """Adds a product of the demo vendor, named ``name`` in every market; ``items`` is a list of
        ``(vendorItemId, externalVendorSku, barcode, itemName, [(attribute, value)], price)``."""
        markets = tuple(markets or ("TW", "KR"))
        product = CatalogProduct(
            seller_product_id=int(seller_product_id),
            vendor_id=self.demo_vendor.vendor_id,
            names=dict.fromkeys(markets, name),
            created_at=created_at or self.now(),
            status=status,
            markets=markets,
            items=[
                CatalogItem(
                    vendor_item_id=vendor_item_id,
                    external_vendor_sku=sku,
                    barcode=barcode,
                    names=dict.fromkeys(markets, item_name),
                    attributes=dict.fromkeys(markets, list(attributes)),
                    sale_price=dict.fromkeys(markets, Decimal(price)),
                )
                for vendor_item_id, sku, barcode, item_name, attributes, price in items
            ],
        )
        return self.catalog.add(product)

    # --- buyers' inquiries ---

    def ask_about(self, shipment_box_id, content, *, ordered=True, asked_at=None):
        """A buyer asks about the first item of a box, as its orderer (``orderIds``) or not."""
        order = self.store.order(shipment_box_id)
        order_ids = [order.order_id] if ordered else []
        return self.inquiries.ask(order.vendor_id, order.market, order.lines[0], content, order_ids, asked_at)

    def call_center_inquiry(self, shipment_box_id, content, *, transfer=False, asked_at=None):
        """A buyer calls Coupang about the first item of a box; the agent asks the seller for an
        answer or, with ``transfer``, hands over a completed inquiry to confirm."""
        order = self.store.order(shipment_box_id)
        return self.inquiries.call_center(order, order.lines[0], content, transfer=transfer, asked_at=asked_at)

    # --- places ---

    def _add_place(self, kind, name, code, values):
        code = str(code) if code else self.store.next_place_code(kind)
        values.setdefault("address", "臺北市內湖區瑞光路513巷22號")
        values.setdefault("zip_code", "114")
        self.store.add_place(self.demo_vendor.vendor_id, Place(kind, code, name, **values))
        return code

    def _rename_place(self, kind, code, name):
        with self.store.lock:
            self.store.find_place(self.demo_vendor.vendor_id, kind, code).name = name

    def _place_codes(self, kind):
        return [place.code for place in self.store.vendor_places(self.demo_vendor.vendor_id, kind)]

    def add_return_center(self, name, code=None, **values):
        """Adds a return center to the demo vendor (``code`` to bring back a removed one); returns its code."""
        return self._add_place("return_center", name, code, values)

    def rename_return_center(self, code, name):
        self._rename_place("return_center", code, name)

    def remove_return_center(self, code):
        self.store.remove_place(self.demo_vendor.vendor_id, "return_center", code)

    def return_center_codes(self):
        return self._place_codes("return_center")

    def add_outbound_place(self, name, code=None, **values):
        return self._add_place("outbound_place", name, code, values)

    def rename_outbound_place(self, code, name):
        self._rename_place("outbound_place", code, name)

    def remove_outbound_place(self, code):
        self.store.remove_place(self.demo_vendor.vendor_id, "outbound_place", code)

    def outbound_place_codes(self):
        return self._place_codes("outbound_place")
