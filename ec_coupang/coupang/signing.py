"""Coupang's CEA HMAC-SHA256 request signature.

Coupang docs: guides/hmac-example; [DCC-EN 360033461914] "Creating HMAC Signature".
The message is ``signedDate + METHOD + path + query``: the query is the encoded query string
without its ``?``, and the body is never signed.
"""

import hashlib
import hmac
from datetime import datetime, timezone
from urllib.parse import quote

# Two-digit year, UTC, literal T and Z: 2025-07-29 03:04:05 UTC -> "250729T030405Z".
SIGNED_DATE_FORMAT = "%y%m%dT%H%M%SZ"


def format_signed_date(moment=None):
    """The ``signed-date`` of a request made at ``moment`` (an aware datetime; default: now)."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        raise ValueError("The signing time must be timezone-aware.")
    return moment.astimezone(timezone.utc).strftime(SIGNED_DATE_FORMAT)


def compute_signature(secret_key, signed_date, method, path, query=""):
    """Lower-case hex HMAC-SHA256 of ``signed_date + METHOD + path + query``."""
    message = f"{signed_date}{method.upper()}{path}{query}"
    return hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization_header(access_key, secret_key, method, path, query="", *, moment=None):
    """The value of the ``Authorization`` header for one request."""
    signed_date = format_signed_date(moment)
    signature = compute_signature(secret_key, signed_date, method, path, query)
    return f"CEA algorithm=HmacSHA256, access-key={access_key}, signed-date={signed_date}, signature={signature}"


def encode_query(params):
    """The query string to sign and to send, built once from ``(name, value)`` pairs in order.

    ``None`` values are left out. Values are percent-encoded except ``:``: Coupang's v5 example
    sends ``createdAtFrom=2025-07-15%2B09:00`` ([DCC-EN 360033919573]); a raw ``+`` would reach
    Coupang as a space and break both the date and the signature.
    """
    pairs = params.items() if isinstance(params, dict) else params
    return "&".join(
        f"{quote(str(name), safe='')}={quote(str(value), safe=':')}" for name, value in pairs if value is not None
    )
