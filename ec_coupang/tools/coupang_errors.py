"""The Coupang client's errors, as the user reads them in Odoo: translated, with their details.

The client (``coupang/``) stays free of Odoo and writes its messages in English; its errors are
translated here, where they enter Odoo. Each class of ``coupang/errors.py`` has its text; a class
without one (a new one) gets the text of its closest parent. Coupang's own message is quoted as
the client cleaned it (no tags, signatures or keys); the Secret Key never reaches these texts.
"""

import psycopg2

from odoo.exceptions import UserError

from .. import coupang


def coupang_error_message(env, error):
    """A clear message for the user, without traceback, for any error a Coupang call met."""
    if isinstance(error, coupang.CoupangError):
        return _with_transaction(env, error, _coupang_text(env, error))
    if isinstance(error, UserError):
        return str(error.args[0])
    if isinstance(error, psycopg2.Error):
        return f"Database error: {error.pgerror or error}"
    return f"{type(error).__name__}: {error}"


def _coupang_text(env, error):
    texts = _texts()
    text = next(texts[error_class] for error_class in type(error).__mro__ if error_class in texts)
    return text(env, error)


def _with_transaction(env, error, text):
    if not error.transaction_id:
        return text
    return env._("%(message)s (Coupang transaction %(transaction)s)", message=text, transaction=error.transaction_id)


def _texts():
    return {
        coupang.IpNotAllowedError: lambda env, error: env._(
            "Coupang refused this server's IP address. Add the server's outbound IP address to the allowed "
            "IPs of the Open API key in Wing; a change can take up to 30 minutes."
        ),
        coupang.InvalidCredentialsError: lambda env, error: env._(
            "Coupang did not accept the Open API key. Check the Access Key and the Secret Key in Wing "
            "(seller info > Open API key) and enter them again."
        ),
        coupang.WrongRegionError: lambda env, error: env._(
            "The Open API key belongs to another Coupang region. Check the account's market (Korea or "
            "Taiwan) and its API address."
        ),
        coupang.InvalidVendorIdError: lambda env, error: env._(
            "Coupang says the Vendor ID does not belong to this Open API key. Check the Vendor ID in Wing "
            "(it starts with A or C, e.g. A00012345)."
        ),
        coupang.SignatureExpiredError: lambda env, error: env._(
            "Coupang rejected the request as expired: this server's clock is probably wrong. "
            "Synchronise the server clock (NTP) and try again."
        ),
        coupang.RateLimitedError: _rate_limited_text,
        coupang.BlockedError: lambda env, error: env._(
            "Coupang has temporarily blocked calls from this server after too many requests or errors. "
            "Wait at least 30 minutes before trying again; if it goes on, contact Coupang seller support."
        ),
        coupang.ServiceUnavailableError: _unavailable_text,
        coupang.NoAnswerError: lambda env, error: env._("Coupang did not answer in time. Try again later."),
        coupang.UnreachableError: _unreachable_text,
        coupang.MalformedResponseError: lambda env, error: env._(
            "Coupang sent a response that could not be read. Try again later; if it goes on, contact support."
        ),
        coupang.ResponseCutOffError: lambda env, error: env._("Coupang's response was cut off. Try again later."),
        coupang.RepeatedPageTokenError: lambda env, error: env._(
            "Coupang sent a list page's token a second time, so the list would never end; reading stopped. "
            "The next fetch reads the list again."
        ),
        coupang.TooManyPagesError: lambda env, error: env._(
            "Coupang's list went on page after page without an end; reading stopped. The next fetch reads the "
            "list again."
        ),
        coupang.OversizedPageError: _oversized_page_text,
        coupang.RequestRejectedError: _rejected_text,
        coupang.NotAvailableInMarketError: lambda env, error: env._(
            "Coupang does not offer this call for the store's market."
        ),
        coupang.CoupangError: lambda env, error: env._("Coupang could not handle the request. Try again later."),
    }


def _rate_limited_text(env, error):
    if error.retry_after:
        return env._(
            "Coupang is limiting this store's calls (too many requests) and asks to wait %s seconds. Try again then.",
            round(error.retry_after),
        )
    return env._("Coupang is limiting this store's calls (too many requests). Wait a few minutes and try again.")


def _unavailable_text(env, error):
    if error.status:
        return env._("Coupang is temporarily unavailable (HTTP %s). Try again later.", error.status)
    return env._("Coupang is temporarily unavailable. Try again later.")


def _unreachable_text(env, error):
    if error.base_url:
        return env._(
            "Could not reach Coupang at %s. Check the server's network and the account's API address, then try again.",
            error.base_url,
        )
    return env._("Could not reach Coupang. Check the server's network and the account's API address, then try again.")


def _oversized_page_text(env, error):
    if error.received:
        return env._(
            "Coupang sent a list page of %(received)s rows where %(asked)s were asked for; the page was refused and "
            "its rows kept for review. The next fetch reads the list again.",
            received=error.received,
            asked=error.asked,
        )
    return env._(
        "Coupang sent a list page with more rows than asked for; the page was refused and its rows kept for "
        "review. The next fetch reads the list again."
    )


def _rejected_text(env, error):
    detail = error.coupang_message or (error.status and f"HTTP {error.status}")
    if detail:
        return env._("Coupang rejected the request: %s", detail)
    return env._("Coupang rejected the request.")
