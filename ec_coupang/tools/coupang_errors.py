"""The one catalogue of what the user reads about Coupang: the client's errors and the reasons
and errors the addon stores, each a code with its parameters, written in the reader's language.

The client (``coupang/``) stays free of Odoo: its errors carry a code and parameters only, and
their texts are here. What is stored for later display (a review's reason, a fetch's error, a
request's banner) is stored as a message, ``{"code": ..., "params": {...}}``, and rendered with
:func:`render` when it is shown; a parameter may itself be a message, or a list of messages.
Coupang's own message is quoted as the client cleaned it; the Secret Key never reaches these texts.
"""

import psycopg2

from odoo import api, fields
from odoo.exceptions import UserError

from .. import coupang


def message(code, **params):
    """A text to show later: its code in the catalogue and its parameters (JSON values or messages)."""
    return {"code": code, "params": params}


def text_message(text):
    """A message of a text already written (e.g. Coupang's own words), shown as it is."""
    return message("text", text=text)


class MessageError(UserError):
    """A UserError that keeps its message, so that it is stored as code and parameters."""

    def __init__(self, env, code, **params):
        self.message = message(code, **params)
        super().__init__(render(env, self.message))


def row_message(row):
    """The message of why the client kept ``row`` (an unreadable order sheet or request) as
    Coupang sent it."""
    return message(row.reason.code, **row.reason.params)


def row_error(env, row):
    """The error that keeps ``row`` as failed, with why the client could not read it."""
    return MessageError(env, row.reason.code, **row.reason.params)


def error_message(error):
    """The message for any error a Coupang call or an import met."""
    if isinstance(error, coupang.CoupangError):
        return message(error.error_code, **error.params)
    if isinstance(error, MessageError):
        return error.message
    if isinstance(error, UserError):
        return text_message(str(error.args[0]))
    if isinstance(error, psycopg2.Error):
        return message("database_error", detail=str(error.pgerror or error))
    return message("python_error", type=type(error).__name__, detail=str(error))


def coupang_error_message(env, error):
    """A clear message for the user, without traceback, for any error a Coupang call met."""
    return render(env, error_message(error))


def render(env, stored):
    """The text of a stored message in ``env``'s language."""
    code, params = stored["code"], stored.get("params") or {}
    params = {name: _rendered(env, value) for name, value in params.items()}
    if code in _ERROR_TEXTS:
        return _with_transaction(env, params, _ERROR_TEXTS[code](env, params))
    if code in _TEXTS:
        return _TEXTS[code](env, params)
    return f"{code} {params}"  # a message of a newer version of the addon


def render_stored(env, code, params, legacy_text):
    """A field's text: its message, or the text stored before messages were (``legacy_text``)."""
    if code:
        return render(env, message(code, **(params or {})))
    return legacy_text or False


def stored_message(record, field):
    """The message kept in ``field`` of ``record`` (a text stored before messages were, as a text
    message), or False."""
    if record[f"{field}_code"]:
        return message(record[f"{field}_code"], **(record[f"{field}_params"] or {}))
    return record[f"{field}_text"] and text_message(record[f"{field}_text"])


def message_values(field, stored):
    """The values writing ``stored`` (a message, or False) into ``field``'s code and parameters."""
    return {
        f"{field}_code": stored and stored["code"],
        f"{field}_params": stored and stored["params"],
        f"{field}_text": False,
    }


def message_text_fields(name, help, copy=True, string=None):
    """The fields of a text stored as a message, to unpack into ``name``, ``name_code``,
    ``name_params`` and ``name_text``: the text shown (labelled ``string``), in the reader's language
    (writing it stores a plain text), the message's code and parameters, and the text stored before
    messages were. ``copy``: whether a copy of the record keeps the text."""
    code, params, text = f"{name}_code", f"{name}_params", f"{name}_text"

    @api.depends(code, params, text)
    @api.depends_context("lang")
    def compute(records):
        for record in records:
            record[name] = render_stored(records.env, record[code], record[params], record[text])

    def inverse(records):
        for record in records:
            record.write({code: False, params: False, text: record[name]})

    def search(records, operator, value):
        return search_rendered(records, name, operator, value)

    return (
        fields.Text(string=string, compute=compute, inverse=inverse, search=search, readonly=True, help=help),
        fields.Char(readonly=True, copy=copy, help="The text's code in the catalogue of the addon's messages."),
        fields.Json(readonly=True, copy=copy),
        fields.Text(readonly=True, copy=copy, help="The text as it was stored before texts were stored as codes."),
    )


def search_rendered(model, field, operator, value):
    """The domain of a search on a field rendered from messages: the records whose text, in the
    reader's language, holds ``value`` (``ilike``), or does not (``not ilike``)."""
    if operator not in ("ilike", "not ilike"):
        raise NotImplementedError(f"Search {field} with ilike or not ilike, not {operator}.")
    code, params = f"{field}_code", f"{field}_params"
    coded = model.search_fetch([(code, "!=", False)], [code, params])
    needle = str(value).lower()
    found = [
        record.id
        for record in coded
        if needle in render(model.env, message(record[code], **record[params] or {})).lower()
    ]
    domain = ["|", (f"{field}_text", "ilike", value), ("id", "in", found)]
    return domain if operator == "ilike" else ["!", *domain]


def _rendered(env, value):
    if isinstance(value, dict) and "code" in value:
        return render(env, value)
    if isinstance(value, list):
        return [_rendered(env, item) for item in value]
    return value


def _with_transaction(env, params, text):
    if not params.get("transaction_id"):
        return text
    return env._(
        "%(message)s (Coupang transaction %(transaction)s)", message=text, transaction=params["transaction_id"]
    )


# === THE CLIENT'S ERRORS === #


def _rate_limited_text(env, params):
    if params.get("retry_after"):
        return env._(
            "Coupang is limiting this store's calls (too many requests) and asks to wait %s seconds. Try again then.",
            round(params["retry_after"]),
        )
    return env._("Coupang is limiting this store's calls (too many requests). Wait a few minutes and try again.")


def _unavailable_text(env, params):
    if params.get("status"):
        return env._("Coupang is temporarily unavailable (HTTP %s). Try again later.", params["status"])
    return env._("Coupang is temporarily unavailable. Try again later.")


def _unreachable_text(env, params):
    if params.get("base_url"):
        return env._(
            "Could not reach Coupang at %s. Check the server's network and the account's API address, then try again.",
            params["base_url"],
        )
    return env._("Could not reach Coupang. Check the server's network and the account's API address, then try again.")


def _oversized_page_text(env, params):
    if params.get("received"):
        return env._(
            "Coupang sent a list page of %(received)s rows where %(asked)s were asked for; the page was refused and "
            "its rows kept for review. The next fetch reads the list again.",
            received=params["received"],
            asked=params.get("asked"),
        )
    return env._(
        "Coupang sent a list page with more rows than asked for; the page was refused and its rows kept for "
        "review. The next fetch reads the list again."
    )


def _rejected_text(env, params):
    detail = params.get("coupang_message") or (params.get("status") and f"HTTP {params['status']}")
    if detail:
        return env._("Coupang rejected the request: %s", detail)
    return env._("Coupang rejected the request.")


def _not_available_text(env, params):
    if params.get("call") == "stop_shipment":
        return env._(
            "Coupang offers the answers to stop-shipment requests for Korean stores only. Answer this request in Wing."
        )
    return env._("Coupang does not offer this call for the store's market.")


_ERROR_TEXTS = {
    "coupang_error": lambda env, params: env._("Coupang could not handle the request. Try again later."),
    "ip_not_allowed": lambda env, params: env._(
        "Coupang refused this server's IP address. Add the server's outbound IP address to the allowed "
        "IPs of the Open API key in Wing; a change can take up to 30 minutes."
    ),
    "invalid_credentials": lambda env, params: env._(
        "Coupang did not accept the Open API key. Check the Access Key and the Secret Key in Wing "
        "(seller info > Open API key) and enter them again."
    ),
    "wrong_region": lambda env, params: env._(
        "The Open API key belongs to another Coupang region. Check the account's market (Korea or "
        "Taiwan) and its API address."
    ),
    "invalid_vendor_id": lambda env, params: env._(
        "Coupang says the Vendor ID does not belong to this Open API key. Check the Vendor ID in Wing "
        "(it starts with A or C, e.g. A00012345)."
    ),
    "signature_expired": lambda env, params: env._(
        "Coupang rejected the request as expired: this server's clock is probably wrong. "
        "Synchronise the server clock (NTP) and try again."
    ),
    "rate_limited": _rate_limited_text,
    "blocked": lambda env, params: env._(
        "Coupang has temporarily blocked calls from this server after too many requests or errors. "
        "Wait at least 30 minutes before trying again; if it goes on, contact Coupang seller support."
    ),
    "service_unavailable": _unavailable_text,
    "no_answer": lambda env, params: env._("Coupang did not answer in time. Try again later."),
    "unreachable": _unreachable_text,
    "malformed_response": lambda env, params: env._(
        "Coupang sent a response that could not be read. Try again later; if it goes on, contact support."
    ),
    "response_cut_off": lambda env, params: env._("Coupang's response was cut off. Try again later."),
    "repeated_page_token": lambda env, params: env._(
        "Coupang sent a list page's token a second time, so the list would never end; reading stopped. "
        "The next fetch reads the list again."
    ),
    "too_many_pages": lambda env, params: env._(
        "Coupang's list went on page after page without an end; reading stopped. The next fetch reads the list again."
    ),
    "oversized_page": _oversized_page_text,
    "request_rejected": _rejected_text,
    "not_available_in_market": _not_available_text,
}


# === WHAT THE ADDON STORES === #


def _receiver_missing_text(env, params):
    names = {"name": env._("name"), "address": env._("address")}
    return env._(
        "Coupang sent the order without the receiver's %s, which the delivery needs: check the order "
        "in Coupang Wing, then retry once Coupang shows the receiver.",
        ", ".join(names[missing] for missing in params["missing"]),
    )


def _account_field_label(env, name):
    return env["ec.account"]._fields[name].get_description(env)["string"]


def _ip_not_allowed_here_text(env, params):
    """Coupang refused the server's IP: the advice once, with Coupang's transaction id. A message
    stored before kept the client's text (``detail``), which repeats the advice: shown as it was."""
    if params.get("ip"):
        text = env._(
            "Coupang refused this server's IP address (%s). In Wing, open the Open API key's settings and add "
            "this IP address to the allowed IPs; a change can take up to 30 minutes.",
            params["ip"],
        )
    else:
        text = env._(
            "Coupang refused this server's IP address, which is not known yet: click Detect, or enter it in the "
            "system parameter %s. Then, in Wing, add it to the allowed IPs of the Open API key; a change can take "
            "up to 30 minutes.",
            params["ip_param"],
        )
    if params.get("detail"):
        return f"{text} {params['detail']}"
    return _with_transaction(env, params, text)


def _fetch_counts_text(env, params):
    return env._(
        "%(read)s read, %(created)s created, %(existing)s already imported, %(held)s held, "
        "%(failed)s failed, %(canceled)s canceled.",
        read=params["read"],
        created=params["created"],
        existing=params["existing"],
        held=params["held"],
        failed=params["failed"],
        canceled=params["canceled"],
    )


def _fetch_ended_text(env, params):
    counts = _fetch_counts_text(env, params)
    if params.get("error"):
        return env._("Fetch ended: %(counts)s %(error)s", counts=counts, error=params["error"])
    return env._("Fetch ended: %s", counts)


_TEXTS = {
    "text": lambda env, params: params["text"],
    "lines": lambda env, params: "\n".join(params["lines"]),
    "database_error": lambda env, params: env._("Database error: %s", params["detail"]),
    # The Secret Key and the encryption key (ec.account.credentials)
    "secret_key_missing": lambda env, params: env._("Enter the Secret Key of the account %s.", params["account"]),
    "secret_key_unreadable": lambda env, params: env._(
        "The Secret Key of %s cannot be decrypted with this server's encryption key. Enter the Secret Key again.",
        params["account"],
    ),
    "encryption_key_missing": lambda env, params: env._(
        "This server may run several processes (workers, or queue_job), so it does not generate "
        "its own encryption key for the Secret Keys: every process must use the same one. Set the "
        "option %(option)s in the server configuration file, or the environment variable "
        "%(variable)s, to one Fernet key, the same on every server, then restart.",
        **params,
    ),
    "encryption_key_malformed": lambda env, params: env._(
        "Key number %(position)s of the encryption key configured in %(option)s or %(variable)s is "
        "not a Fernet key (44 characters of URL-safe base64). Fix the server configuration, "
        "then restart.",
        **params,
    ),
    "python_error": lambda env, params: f"{params['type']}: {params['detail']}",
    "coupang_answer": lambda env, params: (
        f"{params['message']} ({params['result_code']})" if params.get("result_code") else params["message"]
    ),
    # Rows the client kept as Coupang sent them (the client's RowReason)
    "unreadable_order": lambda env, params: env._(
        "Coupang sent this order in a form that could not be read (%s). Its data is kept as Coupang sent it.",
        params["error"],
    ),
    "unreadable_request": lambda env, params: env._(
        "Coupang sent this request in a form that could not be read (%s). Its data is kept as Coupang sent it.",
        params["error"],
    ),
    "unreadable_inquiry": lambda env, params: env._(
        "Coupang sent this inquiry in a form that could not be read (%s). Its data is kept as Coupang sent it.",
        params["error"],
    ),
    "oversized_page_row": lambda env, params: env._(
        "Coupang sent this row in a page of %(received)s rows where %(asked)s were asked for; the whole page "
        "was refused. Its data is kept as Coupang sent it.",
        received=params["received"],
        asked=params["asked"],
    ),
    # Orders to review
    "order_not_imported": lambda env, params: env._("Coupang order not imported"),
    "imported": lambda env, params: env._("Imported."),
    "canceled_before_import": lambda env, params: env._("Canceled on Coupang before it was imported; nothing to ship."),
    "not_taken_into_preparation": lambda env, params: env._(
        "Coupang did not take the order into preparation: %s", params["refusal"]
    ),
    "not_yet_in_preparation": lambda env, params: env._(
        "Coupang has not taken the order into preparation yet; retry later."
    ),
    "read_again_failed": lambda env, params: env._("Reading the order again from Coupang failed: %s", params["error"]),
    "receiver_missing": _receiver_missing_text,
    "delivery_not_shipped": lambda env, params: env._(
        "The account does not ship %(method)s orders: switch on %(method)s in its settings, then retry.",
        method=_account_field_label(env, params["field"]),
    ),
    "delivery_location_missing": lambda env, params: env._(
        "Choose the %s in the account's settings, then retry.", _account_field_label(env, params["field"])
    ),
    "currency_missing": lambda env, params: env._(
        "The currency %s of the Coupang order does not exist in Odoo.", params["currency"]
    ),
    "currency_inactive": lambda env, params: env._(
        "The currency %s of the Coupang order is not active: activate it in the accounting "
        "settings (Currencies), then retry.",
        params["currency"],
    ),
    "no_product": lambda env, params: env._(
        "No product for the Coupang items %s. Give the product the item's SKU as internal "
        "reference, or map the item in Product Mappings, then retry.",
        params["items"],
    ),
    "several_products": lambda env, params: env._(
        "%(count)s products have the internal reference %(sku)s; map the Coupang item %(item)s to "
        "one of them in Product Mappings, then retry.",
        count=params["count"],
        sku=params["sku"],
        item=params["item"],
    ),
    "total_differs": lambda env, params: env._(
        "The order's total %(total)s differs from Coupang's %(expected)s %(currency)s. Check the tax "
        "on the account and the rounding of the currency %(currency)s (%(rounding)s).",
        total=params["total"],
        expected=params["expected"],
        currency=params["currency"],
        rounding=params["rounding"],
    ),
    "service_product_deleted": lambda env, params: env._(
        "The product %s that Coupang orders use was deleted. Upgrade the Coupang module.", params["product"]
    ),
    # Fetch logs
    "fetch_skipped": lambda env, params: env._("Another fetch of this account was running; this one was skipped."),
    "fetch_time_budget_spent": lambda env, params: env._(
        "Fetching stopped after its time budget; the next run goes on."
    ),
    "fetch_requests_stopped": lambda env, params: env._(
        "Checking Coupang's cancellations and returns stopped: %s", params["reason"]
    ),
    "fetch_stopped": lambda env, params: env._(
        "Fetching stopped before every order was read; the next fetch reads them again. %s", params["reason"]
    ),
    "fetch_not_connected": lambda env, params: env._(
        "Not fetched: the account is archived or its connection is not Connected."
    ),
    "fetch_interrupted": lambda env, params: env._("The run was interrupted: its worker stopped before the run ended."),
    "ip_not_allowed_here": _ip_not_allowed_here_text,
    "fetch_counts": _fetch_counts_text,
    "fetch_counts_brief": lambda env, params: env._(
        "%(read)s read, %(created)s created, %(held)s held",
        read=params["read"],
        created=params["created"],
        held=params["held"],
    ),
    # The account's Last Result (ec.account.result) and the checks before the first fetch
    # (ec.account.readiness)
    "connection_successful": lambda env, params: env._("Connected to Coupang."),
    "locations_loaded": lambda env, params: env._(
        "%(centers)s return centers and %(places)s outbound places loaded from Coupang.",
        centers=params["centers"],
        places=params["places"],
    ),
    "products_loaded": lambda env, params: env._(
        "%(items)s vendor items of %(products)s products read from Coupang: %(reference)s matched by "
        "internal reference, %(barcode)s by barcode, %(to_map)s left to map in Product Mappings.",
        items=params["items"],
        products=params["products"],
        reference=params["reference"],
        barcode=params["barcode"],
        to_map=params["to_map"],
    ),
    "products_taiwan_no_items": lambda env, params: env._(
        "Coupang Taiwan lists products without their vendor items: only the items that orders named were matched again."
    ),
    "products_unreadable": lambda env, params: env._(
        "%(count)s products of Coupang's list could not be read and were skipped.", count=params["count"]
    ),
    "no_return_center": lambda env, params: env._(
        "Coupang returned no return center: register one in Wing (seller info > "
        "return center) and load the locations again."
    ),
    "no_outbound_place": lambda env, params: env._(
        "Coupang returned no outbound place: register one in Wing (seller info > "
        "outbound place) and load the locations again."
    ),
    "location_gone": lambda env, params: env._(
        "%(label)s: %(location)s is no longer listed by Coupang. Choose another one.",
        label=_account_field_label(env, params["field"]),
        location=params["location"],
    ),
    "location_unusable": lambda env, params: env._(
        "%(label)s: Coupang marks %(location)s as unusable. Choose another one.",
        label=_account_field_label(env, params["field"]),
        location=params["location"],
    ),
    "before_first_fetch": lambda env, params: env._("Before the first fetch: %s", " ".join(params["problems"])),
    "ready_location_missing": lambda env, params: env._(
        "Choose the %s on the Settings tab.", _account_field_label(env, params["field"])
    ),
    "ready_currency_missing": lambda env, params: env._(
        "The currency %s of the store's market does not exist in Odoo: its orders are held until it does.",
        params["currency"],
    ),
    "ready_currency_inactive": lambda env, params: env._(
        "The currency %s of the store's market is not active: its orders are held until it is. Click "
        "Activate Currency, or ask an administrator to activate it.",
        params["currency"],
    ),
    "ready_tax_unusable": lambda env, params: env._(
        "%(label)s: the tax %(tax)s is no longer an active sale tax included in the price of %(company)s, so "
        "no order can use it. Choose another one, or empty the field to import the lines without tax.",
        label=_account_field_label(env, "order_tax_id"),
        tax=params["tax"],
        company=params["company"],
    ),
    "currency_activated": lambda env, params: env._("The currency %s is active.", params["currency"]),
    "ip_detected": lambda env, params: env._(
        "This server calls Coupang from %s: add it to the allowed IPs of the Open API key in Wing.", params["ip"]
    ),
    "ip_not_detected": lambda env, params: env._(
        "This server could not find out its public IP address. Ask your hosting "
        "provider for it and enter it in the system parameter %s.",
        params["ip_param"],
    ),
    "fetch_requested": lambda env, params: env._(
        "The orders are fetched in the background; the result shows here and in the Fetch Logs when it ends."
    ),
    "fetch_ended": _fetch_ended_text,
    # Coupang requests (cancellations, stop-shipment requests, returns)
    "request_not_applied": lambda env, params: env._("Coupang request not applied"),
    "request_cancel_applied": lambda env, params: env._(
        "The buyer canceled before the box was prepared; the quantities are canceled."
    ),
    "return_withdrawn": lambda env, params: env._(
        "Coupang no longer shows this return (%(error)s): the buyer withdrew it. Nothing is to "
        "receive; its return in Odoo, if not validated, is canceled.",
        error=params["error"],
    ),
    "request_canceled_before_import": lambda env, params: env._(
        "Canceled on Coupang before it was imported; nothing to do."
    ),
    "request_box_in_review": lambda env, params: env._("it is kept for review (%s)", params["review"]),
    "request_ordered_before_first_fetch": lambda env, params: env._(
        "it was ordered before the first fetch, so it will never be fetched"
    ),
    "request_order_not_fetched_yet": lambda env, params: env._(
        "The Coupang order of this request is not in Odoo yet: the next fetch imports it, and the "
        "request is applied then."
    ),
    "request_not_imported_tw": lambda env, params: env._(
        "The Coupang order of this request is not in Odoo: %s. Odoo has nothing of it to stop or to "
        "receive. Answer the request in Wing: Coupang takes the answers of Taiwan stores there.",
        params["why"],
    ),
    "request_not_imported": lambda env, params: env._(
        "The Coupang order of this request is not in Odoo: %s. Odoo has nothing of it to stop or to "
        "receive. Answer the request in Wing, or import the order from Coupang Orders to Review and Retry.",
        params["why"],
    ),
    "stop_confirmed": lambda env, params: env._("The shipment was stopped and Coupang confirmed it."),
    "stop_answer_in_wing": lambda env, params: env._(
        "The shipment is stopped in Odoo. Coupang takes the answer to this store's stop-shipment "
        "requests in Wing only: answer it there (Shipment Stopped); Coupang's status then confirms it."
    ),
    "shipped_without_tracking": lambda env, params: env._(
        "The box was shipped, but its delivery has no carrier with a Coupang code or no tracking "
        "number: answer the request in Wing (Already Shipped)."
    ),
    "told_already_shipped": lambda env, params: env._(
        "Coupang was told the box was already shipped; the request becomes a return."
    ),
    "return_completed": lambda env, params: env._("The return is completed on Coupang."),
    "return_checked_by_coupang": lambda env, params: env._("Coupang checks this return; follow it in Wing."),
    "return_validate_on_arrival": lambda env, params: env._(
        "Validate the return when the goods arrive: Coupang is told then."
    ),
    "return_to_approve": lambda env, params: env._("The return was received: approve it to refund the buyer."),
    "return_approved": lambda env, params: env._("The return was received and approved; Coupang refunds the buyer."),
    "return_no_delivery": lambda env, params: env._("The order of this return has no validated delivery to return."),
    "return_items_not_delivered": lambda env, params: env._("None of the returned items is on the order's delivery."),
    "answer_given_in_wing": lambda env, params: env._("Coupang had this answer already (given in Wing)."),
    "answer_shipped_in_wing": lambda env, params: env._(
        "The box was shipped. Coupang takes this answer from Wing only: answer Already Shipped there."
    ),
    # Tracking pushes
    "sentences": lambda env, params: " ".join(params["sentences"]),
    "push_no_carrier": lambda env, params: env._("Choose the carrier that ships this delivery."),
    "push_carrier_without_code": lambda env, params: env._(
        "The carrier %s has no Coupang delivery company code: choose or create one on the "
        "carrier (Inventory > Configuration > Delivery > Delivery Methods).",
        params["carrier"],
    ),
    "push_carrier_of_other_market": lambda env, params: env._(
        "The carrier %(carrier)s has the Coupang delivery company %(company)s of another "
        "market than the store's (%(market)s).",
        carrier=params["carrier"],
        company=params["company"],
        market=params["market"],
    ),
    "push_no_tracking_number": lambda env, params: env._("Enter the tracking number."),
    "push_waits_for": lambda env, params: env._(
        "Waits until Coupang has the tracking number of %s.", ", ".join(params["deliveries"])
    ),
    # The shipping planner's refusal (coupang.shipping.UNPLANNED_ITEMS)
    "unplanned_items": lambda env, params: env._(
        "The Coupang items %s are neither in this delivery nor in a delivery still to ship. "
        "Coupang needs each item either shipped or planned: create a delivery for them, or "
        "cancel them on Coupang, then push again.",
        ", ".join(params["vendor_item_ids"]),
    ),
    "invoice_refused": lambda env, params: env._(
        "Coupang refused the invoice: %(message)s (%(code)s)",
        message=params["coupang_message"],
        code=params["result_code"],
    ),
    "push_postponed": lambda env, params: env._(
        "Not sent to Coupang yet; it is tried again later. %s", params["error"]
    ),
    # Chatter lines (tools/notifications.post_in_chatter) and the to-dos of a sale order
    "push_taken": lambda env, params: env._(
        "Coupang has the tracking number %(number)s (delivery company %(code)s).",
        number=params["number"],
        code=params["company"],
    ),
    "push_whole_box": lambda env, params: env._(
        "Coupang does not allow this order to ship in several parcels: the tracking number went for all its items."
    ),
    "push_activity_done": lambda env, params: env._("Coupang took the tracking number."),
    "push_nothing_new": lambda env, params: env._(
        "The tracking number %s is not sent to Coupang: Coupang keeps one tracking number per item "
        "and already has one for each item of this delivery.",
        params["number"],
    ),
    "keys_changed": lambda env, params: env._("The Coupang Open API keys were changed."),
    "fetch_times_changed": lambda env, params: env._(
        "Fetch times changed: %(before)s → %(after)s",
        before=", ".join(params["before"]) or env._("none"),
        after=", ".join(params["after"]) or env._("none"),
    ),
    "connection_test_failed": lambda env, params: env._("Connection test failed: %s", params["reason"]),
    "fetch_refused_connection_failed": lambda env, params: env._(
        "Coupang refused to list the orders, the connection is now Failed: %s", params["reason"]
    ),
    "return_of_request": lambda env, params: env._("Return of the Coupang request %s.", params["receipt"]),
    "answer_taken": lambda env, params: env._(
        "Coupang took the answer: %s.",
        dict(env["ec.coupang.request"]._fields["answer"]._description_selection(env))[params["answer"]],
    ),
    "buyer_canceled_order": lambda env, params: env._(
        "The buyer canceled this order on Coupang; its delivery is canceled."
    ),
    "buyer_canceled_part": lambda env, params: env._(
        "The buyer canceled part of this order on Coupang; the delivery follows."
    ),
    "shipped_despite_stop": lambda env, params: env._("Coupang order shipped despite a stop request"),
    "shipped_despite_stop_note": lambda env, params: env._(
        "The buyer asked Coupang to stop the shipment (request %s) after the box had left; Coupang "
        "is told it was shipped, and the buyer may return it.",
        params["receipt"],
    ),
    "canceled_after_shipment": lambda env, params: env._("Coupang order canceled after shipment"),
    "canceled_after_shipment_note": lambda env, params: env._(
        "Coupang canceled this order after it was shipped. Arrange the return with the buyer "
        "through Coupang, then create the return here."
    ),
    "canceled_before_shipment": lambda env, params: env._(
        "Coupang canceled this order before shipment; its delivery is canceled."
    ),
    "canceled_part": lambda env, params: env._("Coupang canceled part of this order"),
    "canceled_part_note": lambda env, params: env._(
        "Coupang canceled some items: %s. Lower the quantities of the order before shipping.",
        ", ".join(params["items"]),
    ),
    "item_left": lambda env, params: env._(
        "%(product)s (%(left)s of %(ordered)s left)",
        product=params["product"],
        left=params["left"],
        ordered=params["ordered"],
    ),
    # The seller's Cancel on Coupang
    "wing_user_id_missing": lambda env, params: env._(
        "Enter the store's Wing User ID on the EC account %s (its Connection tab) first: Coupang records who canceled.",
        params["account"],
    ),
    "seller_cancel_not_coupang": lambda env, params: env._("Only an order from Coupang is canceled on Coupang."),
    "seller_cancel_order_canceled": lambda env, params: env._("This order is canceled already."),
    "seller_cancel_not_confirmed": lambda env, params: env._("Only a confirmed order is canceled on Coupang."),
    "seller_cancel_shipped": lambda env, params: env._(
        "A delivery of this order has shipped: Coupang cancels only what has not shipped. The buyer "
        "returns what was shipped."
    ),
    "seller_cancel_pending": lambda env, params: env._(
        "Coupang's answer to the last Cancel on Coupang of this order was lost: click Check on Coupang "
        "first. A cancel is never sent twice."
    ),
    "seller_cancel_busy": lambda env, params: env._(
        "This order is being canceled on Coupang right now. Reload in a moment."
    ),
    "seller_cancel_nothing": lambda env, params: env._("Enter the units to cancel of at least one line."),
    "seller_cancel_held": lambda env, params: env._(
        "%(item)s: %(held)s unit(s) are held by a buyer's request on Coupang and cannot be canceled "
        "again: answer the request in Coupang Requests instead.",
        item=params["item"],
        held=params["held"],
    ),
    "seller_cancel_too_many": lambda env, params: env._(
        "%(item)s: Coupang can cancel %(cancelable)s unit(s), not %(asked)s (units a buyer's request "
        "holds: %(held)s; units canceled already cannot be canceled again).",
        item=params["item"],
        cancelable=params["cancelable"],
        asked=params["asked"],
        held=params["held"],
    ),
    "seller_cancel_item_unknown": lambda env, params: env._(
        "Coupang does not list the item %s on this order.", params["item"]
    ),
    "seller_cancel_status": lambda env, params: env._(
        "Coupang cancels only an order paid or being prepared; this one is: %s.",
        coupang_status_label(env, params["status"]),
    ),
    "seller_cancel_accept_whole": lambda env, params: env._(
        "Coupang cancels an order not prepared yet (Paid) only whole: cancel all of its units."
    ),
    "seller_cancel_refused": lambda env, params: env._("Coupang refused the cancel: %s", params["error"]),
    "seller_cancel_in_doubt": lambda env, params: env._(
        "Sent to Coupang, whose answer is not known (%s). It is read back from Coupang (Check on "
        "Coupang, or the next requests check), never sent again.",
        params["error"] or env._("no answer yet"),
    ),
    "seller_cancel_partial": lambda env, params: env._(
        "Coupang did not cancel %(items)s. %(reason)s", items=params["items"], reason=params["reason"]
    ),
    "seller_cancel_not_taken": lambda env, params: env._(
        "Coupang did not carry out the cancel: nothing was canceled. It may be sent again."
    ),
    "inquiry_in_doubt": lambda env, params: env._(
        "Sent to Coupang, whose answer is not known (%s). The inquiry is read back from Coupang before "
        "anything is sent again: send it again to check.",
        params["error"] or env._("no answer yet"),
    ),
    "inquiry_not_listed": lambda env, params: env._("Coupang's list does not show the inquiry"),
    "inquiry_not_taken": lambda env, params: env._("Coupang did not carry out the answer sent before."),
    "inquiry_refused": lambda env, params: env._("Coupang refused the answer: %s", params["error"]),
    "inquiry_answered_in_wing": lambda env, params: env._("Coupang shows this inquiry answered already (in Wing)."),
    "seller_canceled": lambda env, params: env._("Canceled on Coupang."),
    "seller_canceled_note": lambda env, params: env._(
        "Canceled on Coupang by the seller (%(reason)s): %(items)s. A seller's cancel counts against "
        "the store's score on Coupang.",
        reason=dict(env["ec.coupang.cancel"]._fields["cancel_reason"]._description_selection(env))[params["reason"]],
        items=params["items"],
    ),
    "stop_applied": lambda env, params: env._("Coupang stop-shipment request applied"),
    "stop_applied_note": lambda env, params: env._(
        "The buyer canceled on Coupang (request %(receipt)s): %(items)s canceled on this order and its delivery.",
        receipt=params["receipt"],
        items=params["items"],
    ),
}


def coupang_status_label(env, status):
    """Coupang's status code of an order sheet or a request (receiptStatus) in words, in ``env``'s
    language; a code Coupang added since is shown as it is."""
    labels = {
        # Order sheets (Coupang docs: order-api, "발주서 상태")
        "ACCEPT": env._("Paid, not acknowledged yet"),
        "INSTRUCT": env._("Being prepared"),
        "DEPARTURE": env._("Shipping instructed"),
        "DELIVERING": env._("In delivery"),
        "FINAL_DELIVERY": env._("Delivered"),
        "NONE_TRACKING": env._("Delivered by the seller, not tracked"),
        # Cancellations, stop-shipment requests and returns (return-api, "취소(반품)진행 상태")
        "RELEASE_STOP_UNCHECKED": env._("Stop-shipment requested"),
        "RETURNS_UNCHECKED": env._("Return requested"),
        "VENDOR_WAREHOUSE_CONFIRM": env._("Return arrived in the warehouse"),
        "REQUEST_COUPANG_CHECK": env._("Coupang checks the return"),
        "RETURNS_COMPLETED": env._("Return completed"),
    }
    return labels.get(status, status) if status else False
