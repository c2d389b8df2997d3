"""What Coupang's API gateway checks before a call reaches the business APIs.

Written from Coupang's documentation, independently of the addon's client, so that the sandbox
is a check on the client rather than a mirror of it. Error bodies and texts: study 2.4 and 3.
"""

import hashlib
import hmac
import re
import uuid
from datetime import datetime, timezone

from .store import MARKETS

AUTHORIZATION = re.compile(
    r"^CEA algorithm=HmacSHA256,\s*access-key=(?P<access_key>[^,\s]+),\s*"
    r"signed-date=(?P<signed_date>\d{6}T\d{6}Z),\s*signature=(?P<signature>[0-9a-f]{64})$"
)
NOT_AUTHORIZED = "Request is not authorized."
HMAC_FORMAT_INVALID = "HMAC format is invalid."
UNKNOWN_ACCESS_KEY = "Unknown error occurred, please contact api-gateway channel for the details."
INVALID_SIGNATURE = "Invalid signature."
SIGNATURE_EXPIRED = "Specified signature is expired."
IP_NOT_ALLOWED = "[FORBIDDEN] Not allowed IP. Please contact the Coupang seller call center."
# What a key answers outside its region (study 1, Taiwan Partners keys on the Korean host).
WRONG_REGION = "The HMAC token is not for the target VDC."
INVALID_VENDOR_ID = "invalid vendorId"  # Coupang docs: return-api/lookup-return-cancel-list-per-day errorSpec
GATEWAY_TIMEOUT = "Request timed out, if the situation continues consider applying timeout extension."
ACCESS_DENIED_PAGE = (
    "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n"
    "You don't have permission to access this server.<P>\nReference&#32;&#35;18.6f3c2017.1700000000.1a2b3c4d\n"
    "</BODY>\n</HTML>\n"
)


class GatewayRefusal(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def gateway_error_body(message):
    return {"code": "ERROR", "message": message, "transactionId": str(uuid.uuid4())}


def expected_signature(secret_key, signed_date, method, raw_path, raw_query):
    message = "".join((signed_date, method, raw_path, raw_query))
    return hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def parse_signed_date(text):
    return datetime.strptime(text, "%y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def authenticate(vendors, authorization, method, raw_path, raw_query, client_ip, now, window):
    """The vendor whose key signed the request, or :class:`GatewayRefusal`.

    The signature is recomputed over the raw path and query exactly as received.
    """
    if not authorization:
        raise GatewayRefusal(401, NOT_AUTHORIZED)
    match = AUTHORIZATION.match(authorization.strip())
    if not match:
        raise GatewayRefusal(401, HMAC_FORMAT_INVALID)
    try:
        signed_at = parse_signed_date(match["signed_date"])
    except ValueError:
        raise GatewayRefusal(401, HMAC_FORMAT_INVALID) from None
    vendor = vendors.get(match["access_key"])
    if vendor is None:
        raise GatewayRefusal(401, UNKNOWN_ACCESS_KEY)
    signature = expected_signature(vendor.secret_key, match["signed_date"], method, raw_path, raw_query)
    if not hmac.compare_digest(signature, match["signature"]):
        raise GatewayRefusal(401, INVALID_SIGNATURE)
    if abs(now - signed_at) > window:
        raise GatewayRefusal(401, SIGNATURE_EXPIRED)
    if client_ip not in vendor.allowed_ips:
        raise GatewayRefusal(403, IP_NOT_ALLOWED)
    return vendor


def market_of(vendor, x_market):
    """The market a call is for, from ``X-MARKET``.

    Taiwan calls must carry ``X-MARKET: TW`` (study 1 and 8.2, after Coupang's OPEN API Test Guide);
    Coupang documents no default. A vendor that sells in Taiwan gets no default either: its call
    without the header, or for a market it does not sell in, is refused as a key outside its
    region. Only a Korea-only vendor may leave it out, as every Korean client did before Taiwan.
    """
    if x_market is None:
        if vendor.markets != ("KR",):
            raise GatewayRefusal(401, WRONG_REGION)
        return "KR"
    if x_market not in MARKETS:
        raise GatewayRefusal(400, f"Invalid X-MARKET: {x_market}")
    if x_market not in vendor.markets:
        raise GatewayRefusal(401, WRONG_REGION)
    return x_market


def check_requested_by(vendor, requested_by):
    """``X-Requested-By`` names the key's vendor (study 1: shown in every official sample and passed
    by the official SDK; treated as required). Coupang documents no answer to a wrong or missing
    one: the sandbox answers as to a vendorId that is not the key's."""
    if requested_by != vendor.vendor_id:
        raise GatewayRefusal(400, INVALID_VENDOR_ID)
