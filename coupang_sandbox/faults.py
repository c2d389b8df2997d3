"""Fault injection: what the sandbox does instead of (or on top of) answering normally."""

import random
import re
import threading
from dataclasses import dataclass, field

# Answered before the gateway checks anything.
STATUS = "status"  # an error status with a gateway error body (429 carries Retry-After)
BLOCK = "block"  # 403 with Akamai's HTML "Access Denied" page
REDIRECT = "redirect"  # 302, Coupang's answer to a blocked IP or vendor
RESET = "reset"  # the connection is closed without any response
MALFORMED = "malformed"  # 200 with a body that is not JSON
# Applied on top of the normal answer.
DELAY = "delay"  # wait ``seconds`` before handling the request (past the client's timeout)
HOLD = "hold"  # wait until the fault is released (or the sandbox stops), then answer normally
TRUNCATED = "truncated"  # 200 with the real JSON cut in half
BOX_FAILURE = "box_failure"  # acknowledgement / invoices: these boxes fail inside a 200
# Lists (day mode order sheets, returnRequests and the product list; oversized_page also the place
# and inquiry lists).
REPEATED_TOKEN = "repeated_token"  # a page's nextToken is the one the request sent: the same page again
ENDLESS_PAGES = "endless_pages"  # every page has a fresh nextToken leading to the same page again
OVERSIZED_PAGE = "oversized_page"  # the page holds every row left, more than maxPerPage/pageSize
# The answer's body, after its status line and headers (Content-Length is the whole body's).
TRICKLE = "trickle"  # one byte every ``seconds``
STALL = "stall"  # half the body, then nothing until the fault is released (or the sandbox stops)
KINDS = (
    STATUS, BLOCK, REDIRECT, RESET, MALFORMED, DELAY, HOLD, TRUNCATED, BOX_FAILURE,
    REPEATED_TOKEN, ENDLESS_PAGES, OVERSIZED_PAGE, TRICKLE, STALL,
)  # fmt: skip
ANSWERED_BEFORE_GATEWAY = (STATUS, BLOCK, REDIRECT, RESET, MALFORMED)
PAGE_FAULTS = (REPEATED_TOKEN, ENDLESS_PAGES, OVERSIZED_PAGE)
SLOW_BODIES = (TRICKLE, STALL)


@dataclass
class Fault:
    """One injected fault.

    :param endpoint: a route name (``order_sheets``, ``order_sheet``, ``order_sheets_by_order``,
        ``acknowledge``, ``upload_invoices``, ``update_invoices``, ``return_centers``, ``outbound_places``,
        ``return_requests``, ``return_request``, ``stop_shipment``, ``complete_shipment``,
        ``receive_confirmation``, ``approval``, ``seller_cancel``, ``seller_products``,
        ``seller_product``, ``item_inventory``, ``item_quantity``, ``item_price``, ``item_sale_stop``,
        ``item_sale_resume``, ``product_inquiries``, ``answer_product_inquiry``,
        ``call_center_inquiries``, ``answer_call_center``, ``confirm_call_center``),
        ``"*"`` for every request, or a regular expression searched in the request path
    :param times: how many requests it hits; ``None``: every matching request until cleared
    :param skip: how many matching requests pass untouched before it starts hitting
    :param box_ids: for ``box_failure``, the shipmentBoxIds that fail (``None``: all of them)
    """

    endpoint: str
    kind: str
    times: int | None = 1
    skip: int = 0
    status: int = 503
    retry_after: float | None = None
    seconds: float = 0.0
    box_ids: set | None = None
    result_code: str = "UNDEFINED_ERROR_OCCUR"
    message: str | None = None
    hits: int = field(default=0, init=False)
    _holding: threading.Event = field(default_factory=threading.Event, init=False, repr=False, compare=False)
    _released: threading.Event = field(default_factory=threading.Event, init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown fault kind {self.kind!r}; use one of {', '.join(KINDS)}.")
        if self.box_ids is not None:
            self.box_ids = {str(box_id) for box_id in self.box_ids}

    @property
    def exhausted(self):
        return self.times is not None and self.hits >= self.times

    def matches(self, route_name, path):
        if self.endpoint in ("*", route_name):
            return True
        return "/" in self.endpoint and re.search(self.endpoint, path) is not None

    def hold(self, stopping):
        """For ``hold`` and ``stall``: keeps the request waiting until :meth:`release` or ``stopping`` is set."""
        self._holding.set()
        while not (self._released.wait(0.05) or stopping.is_set()):
            pass

    def wait_until_holding(self, timeout):
        """For ``hold``: whether a request reached the fault (and waits) within ``timeout`` seconds."""
        return self._holding.wait(timeout)

    def release(self):
        self._released.set()

    def fails_box(self, box_id):
        return self.kind == BOX_FAILURE and (self.box_ids is None or str(box_id) in self.box_ids)

    def write_slowly(self, body, write, stopping):
        """For ``trickle`` and ``stall``: writes ``body`` with ``write`` as the fault says."""
        if self.kind == TRICKLE:
            for index in range(len(body)):
                if stopping.wait(self.seconds):
                    return
                write(body[index : index + 1])
            return
        write(body[: len(body) // 2])
        self.hold(stopping)
        write(body[len(body) // 2 :])


RANDOM_FAULTS = {
    "429": dict(kind=STATUS, status=429, retry_after=0),
    "500": dict(kind=STATUS, status=500),
    "503": dict(kind=STATUS, status=503),
    "reset": dict(kind=RESET),
    "malformed": dict(kind=MALFORMED),
    "truncated": dict(kind=TRUNCATED),
    "delay": dict(kind=DELAY, seconds=1.0),
    "block": dict(kind=BLOCK),
}
DEFAULT_RANDOM_FAULTS = ("429", "503", "reset", "malformed", "truncated")


class FaultBook:
    def __init__(self):
        self._lock = threading.Lock()
        self.faults = []
        self._random = None  # (rate, random.Random, fault names)

    def add(self, fault):
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self.faults.clear()
            self._random = None

    def enable_random(self, rate, seed, names=DEFAULT_RANDOM_FAULTS):
        unknown = set(names) - RANDOM_FAULTS.keys()
        if unknown:
            raise ValueError(f"Unknown random faults {sorted(unknown)}; use {sorted(RANDOM_FAULTS)}.")
        with self._lock:
            self._random = (rate, random.Random(seed), tuple(names))

    def disable_random(self):
        with self._lock:
            self._random = None

    def take(self, route_name, path):
        """The fault for this request, counted as a hit, or ``None``."""
        with self._lock:
            for fault in self.faults:
                if fault.exhausted or not fault.matches(route_name, path):
                    continue
                if fault.skip:
                    fault.skip -= 1
                    continue
                fault.hits += 1
                return fault
            return self._random_fault()

    def _random_fault(self):
        if self._random is None:
            return None
        rate, rng, names = self._random
        if rng.random() >= rate:
            return None
        fault = Fault("*", **RANDOM_FAULTS[rng.choice(names)])
        fault.hits = 1
        return fault
