"""Errors of the Coupang client, one class per thing the user can act on.

Every message is written for an ERP user: short, in English, and says what to do. No message,
attribute or representation ever holds the Secret Key or the Authorization header.
"""

import json
import re

BODY_EXCERPT_LENGTH = 300

_HTML_TAG = re.compile(r"<[^>]*>")
_WHITESPACE = re.compile(r"\s+")
_SIGNATURE = re.compile(r"(signature=)[0-9a-fA-F]+")


class CoupangError(Exception):
    """Coupang refused or failed a request.

    :ivar status: HTTP status, or ``None`` when no response came
    :ivar code: the ``code`` of Coupang's error body, when there was one
    :ivar transaction_id: Coupang's ``transactionId``, to quote to Coupang support
    :ivar body_excerpt: the start of the response body, with tags and credentials removed
    :ivar coupang_message: Coupang's own ``message``, with tags and credentials removed, or ""
    :ivar partial_results: for batched writes, the per-box results of the batches that went
        through before this error (the failing batch and the ones after it were not confirmed)
    """

    default_message = "Coupang could not handle the request. Try again later."
    transient = False  # True when trying again later, unchanged, may succeed

    def __init__(
        self, message=None, *, status=None, code=None, transaction_id=None, body_excerpt="", coupang_message=""
    ):
        self.message = message or self.default_message
        super().__init__(self.message)
        self.status = status
        self.code = code
        self.transaction_id = transaction_id
        self.body_excerpt = body_excerpt
        self.coupang_message = coupang_message
        self.partial_results = ()

    def __str__(self):
        return self.message

    def __repr__(self):
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status!r}, transaction_id={self.transaction_id!r})"
        )


class IpNotAllowedError(CoupangError):
    default_message = (
        "Coupang refused this server's IP address. Add the server's outbound IP address to the allowed "
        "IPs of the Open API key in Wing; a change can take up to 30 minutes."
    )


class InvalidCredentialsError(CoupangError):
    default_message = (
        "Coupang did not accept the Open API key. Check the Access Key and the Secret Key in Wing "
        "(seller info > Open API key) and enter them again."
    )


class WrongRegionError(InvalidCredentialsError):
    default_message = (
        "The Open API key belongs to another Coupang region. Check the account's market (Korea or "
        "Taiwan) and its API address."
    )


class InvalidVendorIdError(CoupangError):
    default_message = (
        "Coupang says the Vendor ID does not belong to this Open API key. Check the Vendor ID in Wing "
        "(it starts with A or C, e.g. A00012345)."
    )


class SignatureExpiredError(CoupangError):
    default_message = (
        "Coupang rejected the request as expired: this server's clock is probably wrong. "
        "Synchronise the server clock (NTP) and try again."
    )


class RateLimitedError(CoupangError):
    default_message = "Coupang is limiting this store's calls (too many requests). Wait a few minutes and try again."
    transient = True

    def __init__(self, message=None, *, retry_after=None, **details):
        super().__init__(message, **details)
        self.retry_after = retry_after


class BlockedError(CoupangError):
    default_message = (
        "Coupang has temporarily blocked calls from this server after too many requests or errors. "
        "Wait at least 30 minutes before trying again; if it goes on, contact Coupang seller support."
    )


class ServiceUnavailableError(CoupangError):
    default_message = "Coupang is temporarily unavailable. Try again later."
    transient = True


class NoAnswerError(ServiceUnavailableError):
    default_message = "Coupang did not answer in time. Try again later."


class UnreachableError(ServiceUnavailableError):
    """No connection to Coupang; ``base_url`` is the address tried."""

    default_message = (
        "Could not reach Coupang. Check the server's network and the account's API address, then try again."
    )

    def __init__(self, message=None, *, base_url="", **details):
        super().__init__(message, **details)
        self.base_url = base_url


class MalformedResponseError(CoupangError):
    default_message = "Coupang sent a response that could not be read. Try again later; if it goes on, contact support."
    transient = True


class ResponseCutOffError(MalformedResponseError):
    default_message = "Coupang's response was cut off. Try again later."


class PagingError(MalformedResponseError):
    """A list whose pages break paging's own rules; ``code`` names the rule (not Coupang's code)."""

    default_code = "PAGING"

    def __init__(self, message=None, **details):
        details.setdefault("code", self.default_code)
        super().__init__(message, **details)


class RepeatedPageTokenError(PagingError):
    """The answer's ``nextToken`` was already read in this window: following it would never end.

    :ivar pages: the pages read in the window before it
    """

    default_message = (
        "Coupang sent a list page's token a second time, so the list would never end; reading stopped. "
        "The next fetch reads the list again."
    )
    default_code = "REPEATED_NEXT_TOKEN"

    def __init__(self, message=None, *, pages=0, **details):
        super().__init__(message, **details)
        self.pages = pages


class TooManyPagesError(PagingError):
    """The window's list went on past the client's bound on pages (``pages``)."""

    default_message = (
        "Coupang's list went on page after page without an end; reading stopped. The next fetch reads the list again."
    )
    default_code = "TOO_MANY_PAGES"

    def __init__(self, message=None, *, pages=0, **details):
        super().__init__(message, **details)
        self.pages = pages


class OversizedPageError(PagingError):
    """A page with more rows than asked for, refused as a whole.

    :ivar asked: the rows asked for (maxPerPage or pageSize)
    :ivar received: the rows the page held
    :ivar rows: the page's rows, as the list reads them (order sheets: each an
        :class:`~.datatypes.UnreadableOrderSheet` keeping the row as Coupang sent it)
    """

    default_message = (
        "Coupang sent a list page with more rows than asked for; the page was refused and its rows kept for "
        "review. The next fetch reads the list again."
    )
    default_code = "OVERSIZED_PAGE"

    def __init__(self, message=None, *, asked=0, received=0, rows=(), **details):
        super().__init__(message, **details)
        self.asked = asked
        self.received = received
        self.rows = tuple(rows)


class RequestRejectedError(CoupangError):
    default_message = "Coupang rejected the request."


def sanitize(text, secrets=()):
    """``text`` without HTML tags, signatures or ``secrets``, on one line, cut to a short excerpt."""
    text = _WHITESPACE.sub(" ", _HTML_TAG.sub(" ", text)).strip()
    text = _SIGNATURE.sub(r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text[:BODY_EXCERPT_LENGTH]


def parse_retry_after(value):
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None


def _error_body(content):
    try:
        body = json.loads(content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def error_from_response(status, content, headers, *, secrets=()):
    """The error for a non-2xx response (``headers`` is a case-insensitive mapping)."""
    text = content.decode("utf-8", "replace")
    body = _error_body(content)
    coupang_message = sanitize(str(body.get("message") or ""), secrets) if body else ""
    details = {
        "status": status,
        "code": body.get("code") if body else None,
        "transaction_id": body.get("transactionId") if body else None,
        "body_excerpt": sanitize(text, secrets),
        "coupang_message": coupang_message,
    }
    error_class, message = _classify(status, body, coupang_message)
    if error_class is RateLimitedError:
        return RateLimitedError(message, retry_after=parse_retry_after(headers.get("Retry-After")), **details)
    return error_class(message, **details)


def _classify(status, body, coupang_message):
    """(error class, message or None for the class's own) for a refused request.

    Gateway messages: [PARTNERS-GW]; IP allow-list: [CRAWL26] "403 [FORBIDDEN] Not allowed IP";
    block page: [DCC-EN zh-cn 25780974599577] and [CRAWL26] "API 호출시 302 에러".
    """
    lowered = coupang_message.lower()
    if status in (301, 302, 303, 307, 308):
        return BlockedError, None
    if status == 403 and body is None:
        return BlockedError, None  # Akamai's HTML "Access Denied" page
    if "not allowed ip" in lowered:
        return IpNotAllowedError, None
    if "signature is expired" in lowered:
        return SignatureExpiredError, None
    if "not for the target vdc" in lowered:
        return WrongRegionError, None
    if status == 401 or "please contact api-gateway channel" in lowered:
        return InvalidCredentialsError, None
    if status == 400 and re.search(r"invalid vendor ?id", lowered):
        # The only documented answer to a vendorId that is not the key's: 400 "invalid vendorId"
        # (Coupang docs: return-api/lookup-return-cancel-list-per-day errorSpec; study section 3
        # "Invalid vendor ID"). Coupang's exact body for it is not documented.
        return InvalidVendorIdError, None
    if status == 429:
        return RateLimitedError, None
    if status >= 500:
        return ServiceUnavailableError, f"Coupang is temporarily unavailable (HTTP {status}). Try again later."
    return RequestRejectedError, f"Coupang rejected the request: {coupang_message or f'HTTP {status}'}"


class NotAvailableInMarketError(CoupangError):
    default_message = "Coupang does not offer this call for the store's market."
