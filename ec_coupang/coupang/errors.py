"""Errors of the Coupang client, one class per thing the user can act on.

An error carries a code and its details, no user text: the texts, in the user's language, are
written once on the Odoo side (``tools/coupang_errors.py``). No attribute or representation ever
holds the Secret Key or the Authorization header.
"""

import json
import re

BODY_EXCERPT_LENGTH = 300

_HTML_TAG = re.compile(r"<[^>]*>")
_WHITESPACE = re.compile(r"\s+")
_SIGNATURE = re.compile(r"(signature=)[0-9a-fA-F]+")


class CoupangError(Exception):
    """Coupang refused or failed a request.

    ``error_code`` names what happened and ``params`` holds the details the user's text needs: the
    Odoo side turns them into the reader's language. ``str(error)`` is a short text for logs only.

    :ivar status: HTTP status, or ``None`` when no response came
    :ivar code: the ``code`` of Coupang's error body, when there was one
    :ivar transaction_id: Coupang's ``transactionId``, to quote to Coupang support
    :ivar body_excerpt: the start of the response body, with tags and credentials removed
    :ivar coupang_message: Coupang's own ``message``, with tags and credentials removed, or ""
    :ivar partial_results: for batched writes, the per-box results of the batches that went
        through before this error (the failing batch and the ones after it were not confirmed)
    """

    error_code = "coupang_error"
    # The attributes, besides status, coupang_message and transaction_id, that the user's text needs.
    param_names = ()
    transient = False  # True when trying again later, unchanged, may succeed

    def __init__(self, *, status=None, code=None, transaction_id=None, body_excerpt="", coupang_message=""):
        super().__init__(self.error_code)
        self.status = status
        self.code = code
        self.transaction_id = transaction_id
        self.body_excerpt = body_excerpt
        self.coupang_message = coupang_message
        self.partial_results = ()

    @property
    def params(self):
        """The error's details as plain JSON values, those that are set."""
        names = ("status", "coupang_message", "transaction_id", *self.param_names)
        values = {name: getattr(self, name) for name in names}
        return {name: value for name, value in values.items() if value not in (None, "")}

    def __str__(self):
        details = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"{self.error_code} ({details})" if details else self.error_code

    def __repr__(self):
        return f"{type(self).__name__}({self})"


class IpNotAllowedError(CoupangError):
    error_code = "ip_not_allowed"


class InvalidCredentialsError(CoupangError):
    error_code = "invalid_credentials"


class WrongRegionError(InvalidCredentialsError):
    error_code = "wrong_region"


class InvalidVendorIdError(CoupangError):
    error_code = "invalid_vendor_id"


class SignatureExpiredError(CoupangError):
    error_code = "signature_expired"


class RateLimitedError(CoupangError):
    error_code = "rate_limited"
    param_names = ("retry_after",)
    transient = True

    def __init__(self, *, retry_after=None, **details):
        super().__init__(**details)
        self.retry_after = retry_after


class BlockedError(CoupangError):
    error_code = "blocked"


class ServiceUnavailableError(CoupangError):
    error_code = "service_unavailable"
    transient = True


class NoAnswerError(ServiceUnavailableError):
    error_code = "no_answer"


class UnreachableError(ServiceUnavailableError):
    """No connection to Coupang; ``base_url`` is the address tried."""

    error_code = "unreachable"
    param_names = ("base_url",)

    def __init__(self, *, base_url="", **details):
        super().__init__(**details)
        self.base_url = base_url


class MalformedResponseError(CoupangError):
    """An answer that could not be read; ``what`` names what was being read, for the logs."""

    error_code = "malformed_response"
    param_names = ("what",)
    transient = True

    def __init__(self, *, what="", **details):
        super().__init__(**details)
        self.what = what


class ResponseCutOffError(MalformedResponseError):
    error_code = "response_cut_off"


class PagingError(MalformedResponseError):
    """A list whose pages break paging's own rules; ``code`` names the rule (not Coupang's code)."""

    default_code = "PAGING"

    def __init__(self, **details):
        details.setdefault("code", self.default_code)
        super().__init__(**details)


class RepeatedPageTokenError(PagingError):
    """The answer's ``nextToken`` was already read in this window: following it would never end.

    :ivar pages: the pages read in the window before it
    """

    error_code = "repeated_page_token"
    param_names = ("pages",)
    default_code = "REPEATED_NEXT_TOKEN"

    def __init__(self, *, pages=0, **details):
        super().__init__(**details)
        self.pages = pages


class TooManyPagesError(PagingError):
    """The window's list went on past the client's bound on pages (``pages``)."""

    error_code = "too_many_pages"
    param_names = ("pages",)
    default_code = "TOO_MANY_PAGES"

    def __init__(self, *, pages=0, **details):
        super().__init__(**details)
        self.pages = pages


class OversizedPageError(PagingError):
    """A page with more rows than asked for, refused as a whole.

    :ivar asked: the rows asked for (maxPerPage or pageSize)
    :ivar received: the rows the page held
    :ivar rows: the page's rows, as the list reads them (order sheets: each an
        :class:`~.datatypes.UnreadableOrderSheet` keeping the row as Coupang sent it)
    """

    error_code = "oversized_page"
    param_names = ("asked", "received")
    default_code = "OVERSIZED_PAGE"

    def __init__(self, *, asked=0, received=0, rows=(), **details):
        super().__init__(**details)
        self.asked = asked
        self.received = received
        self.rows = tuple(rows)


class RequestRejectedError(CoupangError):
    error_code = "request_rejected"


class NotAvailableInMarketError(CoupangError):
    """A call Coupang does not offer in the store's market; ``call`` names it (e.g. stop_shipment)."""

    error_code = "not_available_in_market"
    param_names = ("call", "market")

    def __init__(self, *, call="", market="", **details):
        super().__init__(**details)
        self.call = call
        self.market = market


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
    error_class = _classify(status, body, coupang_message)
    if error_class is RateLimitedError:
        return RateLimitedError(retry_after=parse_retry_after(headers.get("Retry-After")), **details)
    return error_class(**details)


def _classify(status, body, coupang_message):
    """The error class for a refused request.

    Gateway messages: [PARTNERS-GW]; IP allow-list: [CRAWL26] "403 [FORBIDDEN] Not allowed IP";
    block page: [DCC-EN zh-cn 25780974599577] and [CRAWL26] "API 호출시 302 에러".
    """
    lowered = coupang_message.lower()
    if status in (301, 302, 303, 307, 308):
        return BlockedError
    if status == 403 and body is None:
        return BlockedError  # Akamai's HTML "Access Denied" page
    if "not allowed ip" in lowered:
        return IpNotAllowedError
    if "signature is expired" in lowered:
        return SignatureExpiredError
    if "not for the target vdc" in lowered:
        return WrongRegionError
    if status == 401 or "please contact api-gateway channel" in lowered:
        return InvalidCredentialsError
    if status == 400 and re.search(r"invalid vendor ?id", lowered):
        # The only documented answer to a vendorId that is not the key's: 400 "invalid vendorId"
        # (Coupang docs: return-api/lookup-return-cancel-list-per-day errorSpec; study section 3
        # "Invalid vendor ID"). Coupang's exact body for it is not documented.
        return InvalidVendorIdError
    if status == 429:
        return RateLimitedError
    if status >= 500:
        return ServiceUnavailableError
    return RequestRejectedError
