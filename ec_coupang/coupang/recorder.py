"""Keeps a store's Coupang exchanges as JSON files, redacted, for the sandbox to replay.

Opt-in: the client records only when it is given an :class:`ExchangeRecorder`. Each exchange is
one file: method, path, query, status, the request body of a PUT or POST and the response body.
Request headers are never kept (the Authorization header carries the Access Key and the
signature); the Access Key and Secret Key are cut out wherever they appear, the Vendor ID on
request, and the buyers' personal data by :func:`redact`.
"""

import itertools
import json
import logging
import os
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

from .datatypes import Receiver, delivery_from_receiver

_logger = logging.getLogger(__name__)

REDACTED = "REDACTED"
SECRET_PLACEHOLDER = "REDACTED-KEY"
VENDOR_ID_PLACEHOLDER = "A00000000"
# Personal fields of the objects that hold them (Coupang docs: delivery-api/lookup-order-list-per-day
# orderer, receiver, overseaShippingInfoDto; the buyer's e-invoice carrier or company number,
# taxReceiptInfo.appliedValue, study 4.4).
PERSONAL_OBJECT_FIELDS = {
    "orderer": ("name", "email", "safeNumber", "ordererNumber"),
    "receiver": ("name", "safeNumber", "receiverNumber", "addr1", "addr2", "postCode"),
    "overseaShippingInfoDto": ("personalCustomsClearanceCode", "ordererSsn", "ordererPhoneNumber"),
    "taxReceiptInfo": ("appliedValue",),
}
# Personal fields wherever they are (Coupang docs: return-api/lookup-return-request-list-per-day),
# and the buyer's own words, which may hold anything.
PERSONAL_FIELDS = frozenset(
    {
        "requesterName",
        "requesterPhoneNumber",
        "requesterRealPhoneNumber",
        "requesterAddress",
        "requesterAddressDetail",
        "requesterZipCode",
        "parcelPrintMessage",
        "cancelReason",
        # Buyers' inquiries (Coupang docs: customer-service-api/lookup-customer-inquiry-by-product,
        # lookup-coupang-call-center-inquiry).
        "buyerEmail",
        "buyerPhone",
    }
)
# An inquiry, a reply to one, or the seller's answer holds its words in ``content``, where the
# call center's replies write the buyer's name and phone number (the list's sample); a product's
# ``content`` (its description) is no one's and is kept.
INQUIRY_KEYS = frozenset({"inquiryId", "inquiryCommentId", "answerId", "replyBy"})


def _mask(value):
    return value if value in (None, "") else REDACTED


def _is_store_pickup(addr1):
    """A receiver's first line naming a 7-ELEVEN or FamilyMart store is the store's, not the buyer's."""
    return isinstance(addr1, str) and delivery_from_receiver(Receiver("", "", "", addr1, "", "")).kind != "home"


def _redact_object(name, value):
    fields = PERSONAL_OBJECT_FIELDS[name]
    redacted = {key: _mask(item) if key in fields else _redact_personal(item) for key, item in value.items()}
    if name == "receiver" and _is_store_pickup(value.get("addr1")):
        redacted["addr1"] = value["addr1"]
    return redacted


def _redact_personal(value):
    if isinstance(value, list):
        return [_redact_personal(item) for item in value]
    if not isinstance(value, dict):
        return value
    redacted = {}
    for key, item in value.items():
        if key in PERSONAL_OBJECT_FIELDS and isinstance(item, dict):
            redacted[key] = _redact_object(key, item)
        elif key in PERSONAL_FIELDS or (key == "content" and INQUIRY_KEYS & value.keys()):
            redacted[key] = _mask(item)
        else:
            redacted[key] = _redact_personal(item)
    return redacted


def _replace_text(value, replacements):
    """Every string in ``value`` with each ``(old, new)`` of ``replacements`` replaced."""
    if isinstance(value, str):
        for old, new in replacements:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace_text(item, replacements) for item in value]
    if isinstance(value, dict):
        return {_replace_text(key, replacements): _replace_text(item, replacements) for key, item in value.items()}
    return value


def redact(exchange, secrets=(), vendor_id=None):
    """The exchange without the buyers' personal data, without ``secrets`` (the Access Key and
    Secret Key) wherever they appear, and, when ``vendor_id`` is given, with the Vendor ID
    replaced by :data:`VENDOR_ID_PLACEHOLDER`. Pure: ``exchange`` is left as it is."""
    replacements = [(secret, SECRET_PLACEHOLDER) for secret in secrets if secret]
    if vendor_id:
        replacements.append((vendor_id, VENDOR_ID_PLACEHOLDER))
    return _replace_text(_redact_personal(exchange), replacements)


def _body(content):
    """A body as JSON when it is JSON, else as text."""
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", "replace") if isinstance(content, bytes) else content


def exchange_name(method, path):
    """What a file is about: the method and the last path part that is not an id."""
    parts = [part for part in path.split("/") if part and not re.fullmatch(r"A?\d+", part)]
    return f"{method}-{parts[-1] if parts else 'root'}"


class ExchangeRecorder:
    """Writes each exchange of one store, redacted, as a JSON file in ``folder``.

    :param secrets: the Access Key and Secret Key, cut out of everything written
    :param vendor_id: the store's Vendor ID
    :param hide_vendor_id: also replace the Vendor ID by :data:`VENDOR_ID_PLACEHOLDER`
    """

    def __init__(self, folder, *, secrets, vendor_id, market, hide_vendor_id=False):
        self.folder = Path(folder)
        self._secrets = tuple(secrets)
        self._vendor_id = vendor_id if hide_vendor_id else None
        self.market = market
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, method, path, query, body, status, content):
        """Keeps one exchange; a file that cannot be written is logged, never raised to the call."""
        exchange = {
            "method": method,
            "path": path,
            "query": query,
            "market": self.market,
            "request_body": _body(body),
            "status": status,
            "response_body": _body(content),
        }
        try:
            self._write(method, path, redact(exchange, self._secrets, self._vendor_id))
        except OSError as error:
            _logger.warning("Could not keep a Coupang exchange in %s: %s", self.folder, error)

    def _write(self, method, path, exchange):
        with self._lock:
            number = next(self._counter)
        moment = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        name = f"{moment}-{os.getpid()}-{number:05d}-{exchange_name(method, path)}.json"
        self.folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(exchange, ensure_ascii=False, indent=2)
        (self.folder / name).write_text(text + "\n", encoding="utf-8")
