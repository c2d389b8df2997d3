import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import REQUEST_DISPLAY_STATES
from ..coupang import UnreadableReturnRequest, read_return_request
from ..tools.coupang_errors import (
    coupang_status_label,
    message,
    message_text_fields,
    message_values,
    row_message,
)
from ..tools.coupang_run import CoupangRun
from ..tools.dates import to_naive_utc
from ..tools.notifications import ask_responsible, close_activities, display_notification
from .ec_coupang_request_apply import describe_items

REQUEST_KINDS = [("stop", "Stop Shipment"), ("return", "Return"), ("cancel", "Cancellation")]
REQUEST_STATES = [
    ("to_apply", "To Apply"),
    ("waiting", "Waiting"),
    ("answered", "Answered"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("person", "Needs a Person"),
]
ANSWERS = [
    ("stop_shipment", "Shipment Stopped"),
    ("complete_shipment", "Already Shipped"),
    ("receive_confirmation", "Return Received"),
    ("approval", "Return Approved"),
]


class EcCoupangRequest(models.Model):
    """A Coupang stop-shipment request, cancellation or return (one Coupang receipt), and what the
    addon did about it: what changed in Odoo, the answer sent to Coupang (once), or why it could not
    be applied (kept with Coupang's data, with Retry). How it is applied is
    ``ec.coupang.request.apply``, which this model inherits."""

    _name = "ec.coupang.request"
    _description = "Coupang Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "ec.coupang.request.apply"]
    _order = "requested_at desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    ec_store_key = fields.Char(string="Coupang Store", required=True, readonly=True, index=True)
    receipt_id = fields.Char(string="Coupang Receipt ID", required=True, readonly=True)
    coupang_order_id = fields.Char(string="Coupang Order ID", readonly=True)
    shipment_box_id = fields.Char(string="Coupang Shipment Box ID", readonly=True)
    kind = fields.Selection(REQUEST_KINDS, required=True, readonly=True)
    coupang_status = fields.Char(readonly=True, help="The request's receiptStatus on Coupang when last read.")
    coupang_status_label = fields.Char(
        string="Status on Coupang", compute="_compute_coupang_status_label", help="Coupang's status, in words."
    )
    requested_at = fields.Datetime(string="Requested On", readonly=True)
    state = fields.Selection(
        REQUEST_STATES, required=True, default="to_apply", readonly=True, index=True, tracking=True
    )
    reason, reason_code, reason_params, reason_text = message_text_fields(
        "reason", help="What the addon did, or why it could not, and what to do."
    )
    payload = fields.Text(
        string="Coupang Data",
        readonly=True,
        groups="ec_coupang.group_ec_manager",
        help="The request as Coupang sent it (JSON).",
    )
    attempts = fields.Integer(readonly=True, help="Failed tries to apply the request.")
    sale_order_id = fields.Many2one("sale.order", readonly=True, ondelete="set null", index="btree_not_null")
    picking_ids = fields.Many2many("stock.picking", string="Deliveries", readonly=True)
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return", readonly=True, ondelete="set null", index="btree_not_null"
    )
    delivery_stopped = fields.Boolean(readonly=True, help="The quantities of the request were canceled in Odoo.")
    answer = fields.Selection(ANSWERS, string="Last Answer", readonly=True, help="The last answer Coupang took.")
    answered_at = fields.Datetime(string="Answered On", readonly=True)
    coupang_read_at = fields.Datetime(
        string="Read from Coupang On", readonly=True, help="When Coupang's data of the request was last read."
    )
    answer_in_doubt = fields.Selection(
        ANSWERS,
        readonly=True,
        help="An answer whose outcome is unknown (timeout, cut-off reply): the request is read again "
        "before it is sent again.",
    )
    blocks_delivery = fields.Boolean(compute="_compute_blocks_delivery")
    items = fields.Char(compute="_compute_items", help="The request's items and quantities, as Coupang names them.")

    _sql_constraints = [
        ("receipt_unique", "UNIQUE(ec_store_key, receipt_id)", "A Coupang request is kept once per Coupang store."),
    ]

    @api.depends("kind", "receipt_id")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for request in self:
            request.name = f"{kinds.get(request.kind, '')} {request.receipt_id}"

    @api.depends("kind", "state", "delivery_stopped")
    def _compute_blocks_delivery(self):
        for request in self:
            request.blocks_delivery = (
                request.kind == "stop"
                and not request.delivery_stopped
                and request.state in ("to_apply", "waiting", "failed")
            )

    @api.depends("coupang_status")
    @api.depends_context("lang")
    def _compute_coupang_status_label(self):
        for request in self:
            request.coupang_status_label = coupang_status_label(self.env, request.coupang_status)

    def _compute_items(self):
        # Read from Coupang's data as a manager would: only the items are shown, not the buyer.
        for request in self:
            coupang_request = request.sudo().payload and request.sudo()._coupang_request()
            readable = coupang_request and not isinstance(coupang_request, UnreadableReturnRequest)
            request.items = describe_items(coupang_request) if readable else False

    # === ACTION METHODS === #

    def action_retry(self):
        """Applies the requests again from their stored Coupang data."""
        self.check_access("write")
        with CoupangRun.answering(self) as requests:
            for request in requests.filtered(lambda request: request.state != "done"):
                request.sudo()._apply_locked()
            if len(requests) != 1:
                return True
            kind = {"failed": "danger", "person": "warning"}.get(requests.state, "success")
            return display_notification(requests.name, requests.reason or self.env._("Applied."), kind)

    def action_approve_return(self):
        """Approves a received return on Coupang, which refunds the buyer."""
        self.check_access("write")
        with CoupangRun.answering(self) as requests:
            for request in requests.sudo():
                if not request._awaits_approval():
                    raise UserError(self.env._("Coupang approves a return once its receipt was confirmed."))
                request._lock()
                with CoupangRun.for_answers(request.account_id).connected() as run:
                    request._approve(run, request._coupang_request())
        return True

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    def _display_state(self):
        """What the requests mean for their order or delivery: the most pressing of them."""
        states = {request._own_display_state() for request in self}
        return next((state for state, _label in REQUEST_DISPLAY_STATES if state in states), False)

    def _own_display_state(self):
        if self.state == "failed":
            return "failed"
        if self.kind == "return":
            if self.state == "done":
                return "returned"
            return "return_to_approve" if self.answer == "receive_confirmation" else "return_to_receive"
        if self.blocks_delivery:
            return "stop_requested"
        return "stopped" if self.delivery_stopped else "shipped_after_stop"

    # === BUSINESS METHODS: STORE === #

    @api.model
    def _upsert(self, account, coupang_request):
        """The record of a listed request, created or updated with Coupang's latest data."""
        values = self._values_of(coupang_request)
        record = self.search(
            [("ec_store_key", "=", account._coupang_store_key()), ("receipt_id", "=", coupang_request.receipt_id)],
            limit=1,
        )
        if record:
            if record.payload != values["payload"]:
                record.write(dict(values, kind=record._kind_of(coupang_request)))
            return record
        record = self.create(
            dict(
                values,
                account_id=account.id,
                ec_store_key=account._coupang_store_key(),
                receipt_id=coupang_request.receipt_id,
                kind=self._kind_of(coupang_request),
            )
        )
        if isinstance(coupang_request, UnreadableReturnRequest):
            record._fail(row_message(coupang_request))
        return record

    @staticmethod
    def _values_of(coupang_request):
        values = {
            "payload": json.dumps(coupang_request.raw, ensure_ascii=False, indent=1, default=str, sort_keys=True),
            "coupang_order_id": coupang_request.order_id,
            "coupang_status": coupang_request.receipt_status,
            "coupang_read_at": fields.Datetime.now(),
        }
        if not isinstance(coupang_request, UnreadableReturnRequest):
            values["shipment_box_id"] = coupang_request.shipment_box_ids[0]
            values["requested_at"] = coupang_request.created_at and to_naive_utc(coupang_request.created_at)
        return values

    def _kind_of(self, coupang_request):
        """A cancellation; a stop-shipment request, until Coupang turns it into a return (the box had
        left); or a return."""
        if coupang_request.cancel_type == "CANCEL":
            return "cancel"
        if isinstance(coupang_request, UnreadableReturnRequest):
            return self.kind or "return"
        if (
            coupang_request.awaits_shipment_answer
            or coupang_request.shipment_stopped
            or self.delivery_stopped
            or self.answer == "stop_shipment"
        ):
            return "stop"
        return "return"

    def _coupang_request(self):
        """The request as last read from Coupang (an unreadable one stays unreadable)."""
        self.ensure_one()
        return read_return_request(json.loads(self.payload), self.account_id.coupang_market)

    def _lock(self):
        """Locks the request's row for this transaction, or refuses when a check applies it now."""
        if not self._try_lock():
            raise UserError(self.env._("This Coupang request is being applied right now. Reload in a moment."))

    def _try_lock(self):
        """Locks the request's row, or returns False when another transaction holds it. The values
        are read again after the lock: a run that held it may have answered Coupang meanwhile."""
        self.env.cr.execute(
            SQL("SELECT id FROM ec_coupang_request WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id)
        )
        locked = bool(self.env.cr.fetchone())
        if locked:
            self.invalidate_recordset()
        return locked

    # === BUSINESS METHODS: STATES === #

    def _set_state(self, state, reason):
        """``reason``: what was done, or why not (a message)."""
        self.write({"state": state, **message_values("reason", reason)})

    def _finish(self, reason):
        self._set_state("done", reason)
        close_activities(self.activity_ids, self, reason)

    def _fail(self, reason):
        self.write({"state": "failed", "attempts": self.attempts + 1, **message_values("reason", reason)})
        ask_responsible(self, message("request_not_applied"), reason)
