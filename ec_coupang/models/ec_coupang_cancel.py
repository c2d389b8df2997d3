from odoo import api, fields, models
from odoo.exceptions import UserError

from ..coupang import SELLER_CANCEL_REASONS, CoupangError, RequestRejectedError
from ..tools.coupang_errors import (
    MessageError,
    error_message,
    message,
    message_text_fields,
    message_values,
    render,
)
from ..tools.coupang_run import CoupangRun
from ..tools.notifications import post_in_chatter

# Coupang's reasons of a seller's cancel (middleCancelCode under CANERR), in the user's words.
CANCEL_REASONS = [
    ("CCTTER", "Out of stock"),
    ("CCPNER", "A problem with the buyer's address"),
    ("CCPRER", "A wrong price"),
]
assert {code for code, _label in CANCEL_REASONS} == set(SELLER_CANCEL_REASONS)
CANCEL_STATES = [
    ("in_doubt", "Outcome Unknown"),
    ("done", "Canceled"),
    ("refused", "Refused"),
    ("not_taken", "Not Taken"),
]
# Coupang's statuses of an order sheet whose units the seller may cancel.
CANCELABLE_STATUSES = ("ACCEPT", "INSTRUCT")


class EcCoupangCancel(models.Model):
    """A seller's Cancel on Coupang of units of a sale order (Coupang's instruct-cancel), sent once.

    Coupang's answer may be lost (a timeout, a cut answer): the cancel is then kept "in doubt" and
    settled by reading the order's sheets again (their cancelCount, against the one read before the
    cancel), never by sending it again."""

    _name = "ec.coupang.cancel"
    _description = "Cancel on Coupang"
    _order = "id desc"

    sale_order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade", index=True)
    account_id = fields.Many2one("ec.account", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    coupang_order_id = fields.Char(string="Coupang Order ID", required=True, readonly=True)
    cancel_reason = fields.Selection(CANCEL_REASONS, string="Reason", required=True, readonly=True)
    counts = fields.Json(readonly=True, help="Units to cancel, by Coupang vendor item ID.")
    counts_before = fields.Json(readonly=True, help="Units Coupang had canceled of each item before the cancel.")
    state = fields.Selection(CANCEL_STATES, required=True, readonly=True, default="in_doubt")
    receipt_id = fields.Char(string="Coupang Receipt ID", readonly=True)
    request_id = fields.Many2one(
        "ec.coupang.request", readonly=True, ondelete="set null", help="Coupang's receipt of this cancel, when checked."
    )
    result, result_code, result_params, result_text = message_text_fields(
        "result", help="What Coupang answered, or why the outcome is not known yet."
    )

    # === BUSINESS METHODS === #

    @api.model
    def _send_new(self, order, counts, reason, user_id):
        """The cancel of ``counts`` of ``order`` read against Coupang's order sheets, kept, then sent
        once; returns its record."""
        with CoupangRun.for_answers(order.ec_account_id).connected() as run:
            try:
                sheets = run.client.get_order_sheets_by_order_id(order.coupang_order_id)
            except CoupangError as error:
                raise UserError(render(self.env, error_message(error))) from error
            self._check_sheets(self.env, sheets, counts)
            cancel = self.create(
                {
                    "sale_order_id": order.id,
                    "account_id": order.ec_account_id.id,
                    "coupang_order_id": order.coupang_order_id,
                    "cancel_reason": reason,
                    "counts": counts,
                    "counts_before": self._canceled_counts(sheets),
                    **message_values("result", message("seller_cancel_in_doubt", error="")),
                }
            )
            if run.commits:
                run.commit()  # kept in doubt before it is sent: never sent twice, even if this dies
            cancel._send(run, user_id)
        return cancel

    @api.model
    def _settle_in_doubt(self, run):
        """Settles the run's account's cancels in doubt (the requests check), each read from Coupang."""
        for cancel in self.search([("account_id", "=", run.account.id), ("state", "=", "in_doubt")]):
            try:
                cancel._settle(run.client)
            except CoupangError:
                continue
            run.commit()

    def _send(self, run, user_id):
        """Sends the cancel, once. Coupang's refusal is kept with its reason; an answer lost leaves
        the cancel in doubt, committed at once when the run commits."""
        self.ensure_one()
        counts = {item: count for item, count in self.counts.items()}
        try:
            answer = run.client.cancel_order_items(
                self.coupang_order_id, counts, reason=self.cancel_reason, user_id=user_id
            )
        except RequestRejectedError as error:
            self.write(
                {
                    "state": "refused",
                    **message_values("result", message("seller_cancel_refused", error=error_message(error))),
                }
            )
            return
        except CoupangError as error:
            self.write(
                {
                    "state": "in_doubt",
                    **message_values("result", message("seller_cancel_in_doubt", error=error_message(error))),
                }
            )
            if run.commits:
                run.commit()
            return
        failed = set(answer.failed_vendor_item_ids)
        self._apply({item: count for item, count in counts.items() if item not in failed}, answer.receipt_id)
        if failed:
            self.write(
                message_values(
                    "result",
                    message("seller_cancel_partial", items=self._describe(failed), reason=answer.message),
                )
            )

    def _settle(self, client):
        """A cancel in doubt, settled from the order's sheets read again: the units whose cancelCount
        rose by the cancel's count were canceled by it; when none rose, Coupang did not take it."""
        self.ensure_one()
        if self.state != "in_doubt":
            return
        canceled_now = self._canceled_counts(client.get_order_sheets_by_order_id(self.coupang_order_id))
        before = self.counts_before or {}
        taken = {
            item: count
            for item, count in self.counts.items()
            if canceled_now.get(item, 0) - before.get(item, 0) >= count
        }
        if not taken:
            self.write({"state": "not_taken", **message_values("result", message("seller_cancel_not_taken"))})
            return
        self._apply(taken, False)
        left = set(self.counts) - set(taken)
        if left:
            self.write(
                message_values("result", message("seller_cancel_partial", items=self._describe(left), reason=""))
            )

    def _apply(self, counts, receipt_id):
        """What Coupang canceled, canceled on the sale order (its delivery follows), with a chatter line."""
        order = self.sale_order_id
        self.write(
            {"state": "done", "receipt_id": receipt_id or False, **message_values("result", message("seller_canceled"))}
        )
        if order.state != "cancel":
            order._ec_cancel_quantities(counts, chatter=False)
        if order.state == "cancel":
            order.coupang_status = "canceled"
        post_in_chatter(
            order,
            message(
                "seller_canceled_note",
                reason=self.cancel_reason,
                items=self._describe(counts, counts),
            ),
        )

    def _describe(self, items, counts=None):
        """``items`` (vendor item IDs) as the order names them, with their counts when given."""
        lines = self.sale_order_id.order_line
        names = []
        for item in sorted(items):
            line = lines.filtered(lambda line, item=item: line.coupang_vendor_item_id == item)[:1]
            name = line.product_id.display_name or item
            names.append(f"{name} × {counts[item]}" if counts else name)
        return ", ".join(names)

    def _claim(self, order, receipt_id, counts):
        """The seller's cancel that Coupang's receipt ``receipt_id`` (a request the requests check
        lists) stands for: its units are canceled in Odoo already. Marks it claimed."""
        cancels = self.search([("sale_order_id", "=", order.id), ("state", "=", "done")])
        found = cancels.filtered(lambda cancel: cancel.receipt_id == receipt_id) or cancels.filtered(
            lambda cancel: not cancel.receipt_id and not cancel.request_id and cancel._counts_done() == counts
        )
        if found:
            found[:1].receipt_id = receipt_id
        return found[:1]

    def _counts_done(self):
        return {item: count for item, count in (self.counts or {}).items()}

    @staticmethod
    def _canceled_counts(sheets):
        canceled = {}
        for sheet in sheets:
            for item in sheet.items:
                canceled[item.vendor_item_id] = canceled.get(item.vendor_item_id, 0) + item.cancel_count
        return canceled

    @staticmethod
    def _check_sheets(env, sheets, counts):
        """Refuses before the call what Coupang's rules refuse: a box neither paid nor being
        prepared, a box paid (ACCEPT) not canceled whole, more units than can be canceled (units a
        buyer's request holds, or canceled already, cannot be)."""
        items = {item.vendor_item_id: (sheet, item) for sheet in sheets for item in sheet.items}
        for vendor_item_id, count in counts.items():
            if vendor_item_id not in items:
                raise MessageError(env, "seller_cancel_item_unknown", item=vendor_item_id)
            sheet, item = items[vendor_item_id]
            if sheet.status not in CANCELABLE_STATUSES:
                raise MessageError(env, "seller_cancel_status", status=sheet.status)
            if count > item.quantity_to_ship:
                raise MessageError(
                    env,
                    "seller_cancel_too_many",
                    item=item.vendor_item_name or vendor_item_id,
                    asked=count,
                    cancelable=item.quantity_to_ship,
                    held=item.hold_count_for_cancel,
                )
        for sheet in sheets:
            if sheet.status != "ACCEPT":
                continue
            whole = {item.vendor_item_id: item.quantity_to_ship for item in sheet.items if item.quantity_to_ship}
            asked = {item: counts.get(item, 0) for item in whole}
            if any(asked.values()) and asked != whole:
                raise MessageError(env, "seller_cancel_accept_whole")
