import json
import logging
import time
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..coupang import CoupangError, RequestRejectedError, UnreadableInquiry, get_market
from ..coupang.client import MAX_INQUIRY_DAYS
from ..coupang.inquiries import parse_call_center_inquiry, parse_product_inquiry, read_inquiry
from ..tools.coupang_errors import error_message, message, message_text_fields, message_values, row_message
from ..tools.coupang_run import CoupangRun
from ..tools.dates import to_naive_utc
from ..tools.notifications import display_notification

_logger = logging.getLogger(__name__)

INQUIRY_KINDS = [("product", "Product Question"), ("call_center", "Call-Center Inquiry")]
INQUIRY_STATES = [
    ("to_answer", "To Answer"),
    ("answered", "Answered"),
    ("to_confirm", "To Confirm"),
    ("confirmed", "Confirmed"),
    ("unreadable", "Unreadable"),
]
CLOSED_STATES = ("answered", "confirmed")
# Coupang's pages give no length limit of an answer (customer-service-api/answer-to-customer-inquiry,
# answer-to-coupang-call-center-inquiry): a strict guess (README, guesses).
MAX_ANSWER_LENGTH = 1000
# Each listing reads again the days before the last one read: an inquiry answered in Wing, or handed
# over by Coupang's call center, changes after the day it was asked on.
LOOKBACK_DAYS = MAX_INQUIRY_DAYS
# Bounds of one account's listing: its 7-day windows, and its time (checked between windows).
MAX_WINDOWS_PER_RUN = 5
RUN_DEADLINE_SECONDS = 300
PARSERS = {"product": parse_product_inquiry, "call_center": parse_call_center_inquiry}


class EcCoupangInquiry(models.Model):
    """A buyer's product question or Coupang call-center inquiry on the store's items, listed from
    Coupang (kept once per account and kind), answered from Odoo once: the inquiry is marked as being
    answered and committed before the answer is sent; when Coupang's answer is lost it stays "answer in
    doubt" and is read back from Coupang before anything is sent again. A call-center inquiry Coupang
    completed and handed over (TRANSFER) is confirmed the same way."""

    _name = "ec.coupang.inquiry"
    _description = "Coupang Inquiry"
    _inherit = ["mail.thread"]
    _order = "asked_at desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one("ec.account", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    kind = fields.Selection(INQUIRY_KINDS, required=True, readonly=True)
    inquiry_id = fields.Char(string="Coupang Inquiry ID", required=True, readonly=True)
    asked_at = fields.Datetime(string="Asked On", readonly=True)
    vendor_item_id = fields.Char(string="Coupang Vendor Item ID", readonly=True)
    item_name = fields.Char(string="Item", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, ondelete="set null")
    content = fields.Text(string="Question", readonly=True)
    replies = fields.Text(readonly=True, help="The replies on Coupang, as last read.")
    coupang_order_ids = fields.Char(string="Coupang Order IDs", readonly=True)
    sale_order_ids = fields.Many2many("sale.order", string="Sale Orders", readonly=True)
    state = fields.Selection(
        INQUIRY_STATES, required=True, default="to_answer", readonly=True, index=True, tracking=True
    )
    answer = fields.Text(help="The answer sent to Coupang, at most 1000 characters.")
    answered_at = fields.Datetime(string="Answered On", readonly=True)
    answer_in_doubt = fields.Boolean(
        readonly=True,
        help="Sent to Coupang, whose answer is not known (a timeout, a cut answer): the inquiry is read back "
        "from Coupang before anything is sent again.",
    )
    reason, reason_code, reason_params, reason_text = message_text_fields(
        "reason", help="Why the inquiry could not be read or answered."
    )
    payload = fields.Text(
        string="Coupang Data",
        readonly=True,
        groups="ec_coupang.group_ec_manager",
        help="The inquiry as Coupang sent it (JSON).",
    )

    _sql_constraints = [
        (
            "inquiry_unique",
            "UNIQUE(account_id, kind, inquiry_id)",
            "A Coupang inquiry is kept once per account and kind.",
        ),
    ]

    @api.depends("kind", "inquiry_id")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for inquiry in self:
            inquiry.name = f"{kinds.get(inquiry.kind, '')} {inquiry.inquiry_id}"

    # === ACTION METHODS === #

    def action_send_answer(self):
        """Sends the answer to Coupang, once; an answer in doubt is read back from Coupang first."""
        self.ensure_one()
        self.check_access("write")
        return self._act("answer")

    def action_confirm_transfer(self):
        """Confirms a call-center inquiry Coupang completed and handed over, once."""
        self.ensure_one()
        self.check_access("write")
        return self._act("confirm")

    def action_view_sale_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action.update(domain=[("id", "in", self.sale_order_ids.ids)], context={"create": False})
        return action

    def _act(self, what):
        due_state = "to_answer" if what == "answer" else "to_confirm"
        if what == "answer":
            self._check_answer_text()
        with CoupangRun.answering(self) as inquiries:
            inquiry = inquiries.sudo()
            inquiry._lock()
            if inquiry.state != due_state:
                raise UserError(self.env._("This inquiry is %s already.", inquiry._state_label()))
            with CoupangRun.for_answers(inquiry.account_id).connected() as run:
                done = inquiry._send_once(run, what)
            kind = {True: "success", False: "danger", None: "warning"}[done]
            text = inquiry.reason or (
                self.env._("Answer sent to Coupang.") if what == "answer" else self.env._("Confirmed on Coupang.")
            )
            return display_notification(inquiry.name, text, kind)

    def _check_answer_text(self):
        text = (self.answer or "").strip()
        if not text:
            raise UserError(self.env._("Write the answer first."))
        if len(text) > MAX_ANSWER_LENGTH:
            raise UserError(
                self.env._(
                    "An answer holds at most %(limit)s characters; this one has %(length)s.",
                    limit=MAX_ANSWER_LENGTH,
                    length=len(text),
                )
            )

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # === BUSINESS METHODS: ANSWER ONCE === #

    def _lock(self):
        """Locks the inquiry's row for this transaction, or refuses when another holds it (an answer
        being sent, a listing); its values are read again after the lock."""
        if not self._try_lock():
            raise UserError(self.env._("This inquiry is being answered right now. Reload in a moment."))
        self.invalidate_recordset()

    def _try_lock(self):
        """Locks the inquiry's row for this transaction; False when another transaction holds it."""
        self.env.cr.execute(
            SQL("SELECT id FROM ec_coupang_inquiry WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id)
        )
        return bool(self.env.cr.fetchone())

    def _send_once(self, run, what):
        """Sends the answer (``what`` answer) or the confirmation (confirm) once. Returns True when
        Coupang took it, False when it refused it, None when its outcome is not known.

        An answer in doubt is read back first: carried out, it is recorded and nothing is sent. The
        inquiry is marked in doubt and committed before the call: a crash or a lost answer leaves it
        to be read back, never sent blindly again."""
        if self.answer_in_doubt:
            try:
                settled = self._read_back(run.client)
            except CoupangError as read_error:  # the name of an except clause is unbound after it
                settled, why = False, error_message(read_error)
            else:
                why = message("inquiry_not_listed")
            if not settled:
                self.write(message_values("reason", message("inquiry_in_doubt", error=why)))
                return None
            if self.state in CLOSED_STATES:
                return True
            if self.state != ("to_confirm" if what == "confirm" else "to_answer"):
                raise UserError(self.env._("Coupang shows this inquiry %s now: reload it.", self._state_label()))
        reply_by = self.account_id._coupang_wing_user()
        parent = None
        if what == "answer" and self.kind == "call_center":
            parent = self._coupang_row().reply_to_answer
            if parent is None:
                raise UserError(self.env._("Coupang no longer waits for an answer to this inquiry."))
        self.write({"answer_in_doubt": True, **message_values("reason", message("inquiry_in_doubt", error=""))})
        if run.commits:
            run.commit()  # marked before it is sent: never sent twice, even if this dies
            self._lock()
        try:
            if what == "confirm":
                run.client.confirm_call_center_inquiry(self.inquiry_id, reply_by)
            elif parent is not None:
                run.client.answer_call_center_inquiry(self.inquiry_id, self.answer, reply_by, parent.reply_id)
            else:
                run.client.answer_product_inquiry(self.inquiry_id, self.answer, reply_by)
        except RequestRejectedError as error:
            return self._refused(run.client, error)
        except CoupangError as error:
            self.write(message_values("reason", message("inquiry_in_doubt", error=error_message(error))))
            return None
        self._taken("confirmed" if what == "confirm" else "answered")
        return True

    def _taken(self, state):
        self.write(
            {
                "state": state,
                "answer_in_doubt": False,
                "answered_at": fields.Datetime.now(),
                **message_values("reason", False),
            }
        )

    def _refused(self, client, error):
        """Coupang refused: read back, an inquiry answered or confirmed meanwhile (in Wing) is recorded
        so; otherwise it is due again, with Coupang's refusal."""
        self.answer_in_doubt = False
        try:
            self._read_back(client)
        except CoupangError as read_error:
            _logger.info("Coupang inquiry %s not read back after a refusal: %s", self.inquiry_id, read_error)
        if self.state in CLOSED_STATES:
            self.write(message_values("reason", message("inquiry_answered_in_wing")))
            return True
        self.write(message_values("reason", message("inquiry_refused", error=error_message(error))))
        return False

    def _read_back(self, client):
        """Reads the inquiry again from Coupang's list of the day it was asked on and records it; an
        answer in doubt is settled: Coupang carries it (answered, confirmed) or did not take it.
        Returns False when the list does not show the inquiry (nothing is settled)."""
        day = self._market_day()
        if self.kind == "product":
            rows = client.iter_product_inquiries(day, day)
            transfers = set()
        else:
            rows = client.iter_call_center_inquiries(day, day)
            transfers = self._transfer_ids(client, day, day)
        row = next((row for row in rows if row.inquiry_id == self.inquiry_id), None)
        if row is None or isinstance(row, UnreadableInquiry):
            return False
        in_doubt = self.answer_in_doubt
        self._update(row, row.inquiry_id in transfers, read_back=True)
        if in_doubt and self.state in CLOSED_STATES:
            self._taken(self.state)
        elif in_doubt:
            self.write({"answer_in_doubt": False, **message_values("reason", message("inquiry_not_taken"))})
        return True

    def _market_day(self):
        zone = get_market(self.account_id.coupang_market).timezone
        return (self.asked_at or fields.Datetime.now()).replace(tzinfo=UTC).astimezone(zone).date()

    def _coupang_row(self):
        return read_inquiry(PARSERS[self.kind], json.loads(self.payload), self.account_id.coupang_market)

    # === BUSINESS METHODS: LISTING === #

    @api.model
    def _cron_list_inquiries(self):
        """Scheduled action: lists the inquiries of every connected active account, each on its own."""
        for account in self.env["ec.account"].search([("state", "=", "connected")]):
            run = CoupangRun.for_cron(account)
            try:
                with run.connected() as connected:
                    connected.env["ec.coupang.inquiry"]._list_account(connected)
            except (CoupangError, UserError) as error:
                _logger.warning("The inquiries of EC account %s were not listed: %s", account.id, error)
                if run.commits:
                    run.env.cr.rollback()
            run.commit()

    @api.model
    def _list_account(self, run, deadline=None):
        """Lists the run's account's inquiries from its watermark to today (the last week at least), 7
        days a window, at most MAX_WINDOWS_PER_RUN windows and until the deadline; the watermark moves
        after each window. Returns the counts {"kept", "unreadable", "failed"}."""
        account = run.account
        deadline = deadline or time.monotonic() + RUN_DEADLINE_SECONDS
        zone = get_market(account.coupang_market).timezone
        today = datetime.now(UTC).astimezone(zone).date()
        # Behind (a first listing, days not listed): from the day after the watermark; caught up, the
        # last week again.
        last_week = today - timedelta(days=LOOKBACK_DAYS - 1)
        watermark = account.inquiries_listed_to
        start = min(watermark + timedelta(days=1), last_week) if watermark else last_week
        counts = {"kept": 0, "unreadable": 0, "failed": 0}
        for _window in range(MAX_WINDOWS_PER_RUN):
            end = min(start + timedelta(days=MAX_INQUIRY_DAYS - 1), today)
            self._list_window(run, start, end, counts)
            run.save_watermark(end, "inquiries_listed_to")
            if end >= today or time.monotonic() > deadline:
                break
            start = end + timedelta(days=1)
        return counts

    @api.model
    def _list_window(self, run, start, end, counts):
        client = run.client
        transfers = self._transfer_ids(client, start, end)
        for kind, rows in (
            ("product", client.iter_product_inquiries(start, end)),
            ("call_center", client.iter_call_center_inquiries(start, end)),
        ):
            for row in rows:
                try:
                    with self.env.cr.savepoint():
                        inquiry = self._upsert(run.account, kind, row, row.inquiry_id in transfers)
                except Exception:  # one row never stops the others
                    _logger.exception("Coupang inquiry %s of EC account %s not kept", row.inquiry_id, run.account.id)
                    counts["failed"] += 1
                    continue
                counts["unreadable" if inquiry.state == "unreadable" else "kept"] += 1
                run.commit()

    @api.model
    def _transfer_ids(self, client, start, end):
        """The call-center inquiries Coupang completed and handed over, not confirmed yet (TRANSFER)."""
        return {
            row.inquiry_id
            for row in client.iter_call_center_inquiries(start, end, status="TRANSFER")
            if not isinstance(row, UnreadableInquiry)
        }

    @api.model
    def _upsert(self, account, kind, row, transfer=False):
        """The record of a listed row, created or updated with Coupang's latest data. A row another
        transaction holds (an answer being sent) is left as it is."""
        inquiry = self.search(
            [("account_id", "=", account.id), ("kind", "=", kind), ("inquiry_id", "=", row.inquiry_id)]
        )
        if not inquiry:
            inquiry = self.create({"account_id": account.id, "kind": kind, "inquiry_id": row.inquiry_id})
        elif not inquiry._try_lock():
            return inquiry
        inquiry._update(row, transfer)
        return inquiry

    def _update(self, row, transfer, read_back=False):
        """Records Coupang's data of the inquiry. Its state follows Coupang's, but for an answer in
        doubt, which only a read back (``read_back``) or Coupang's answer shown settles."""
        payload = json.dumps(row.raw, ensure_ascii=False, indent=1, default=str, sort_keys=True)
        if isinstance(row, UnreadableInquiry):
            if self.state == "unreadable" or not self.payload:
                self.write({"payload": payload, "state": "unreadable", **message_values("reason", row_message(row))})
            return
        order_ids = row.order_ids if self.kind == "product" else tuple(filter(None, [row.order_id]))
        vendor_item = row.vendor_item_id if self.kind == "product" else next(iter(row.vendor_item_ids), "")
        values = {
            "payload": payload,
            "asked_at": row.asked_at and to_naive_utc(row.asked_at),
            "vendor_item_id": vendor_item or False,
            "item_name": getattr(row, "item_name", "") or False,
            "content": row.content or False,
            "replies": self._replies_text(row.replies) or False,
            "coupang_order_ids": ", ".join(order_ids) or False,
            "sale_order_ids": [fields.Command.set(self._sale_orders(order_ids).ids)],
            "product_id": self._product(vendor_item).id,
        }
        state = self._state_of(row, transfer)
        if self.answer_in_doubt and not read_back and state in CLOSED_STATES:
            values.update(answer_in_doubt=False, answered_at=fields.Datetime.now(), **message_values("reason", False))
        elif self.answer_in_doubt and not read_back:
            state = self.state
        if state != self.state:
            values["state"] = state
            if self.state == "unreadable":
                values.update(message_values("reason", False))
        self.write(values)

    def _state_of(self, row, transfer):
        if self.kind == "product":
            return "answered" if row.answered else "to_answer"
        if row.awaits_answer:
            return "to_answer"
        if transfer:
            return "to_confirm"
        if self.state in ("to_confirm", "confirmed"):
            return "confirmed"
        return "answered"

    @staticmethod
    def _replies_text(replies):
        return "\n\n".join(
            f"{reply.author or reply.author_type} ({reply.replied_at:%Y-%m-%d %H:%M}): {reply.content}"
            if reply.replied_at
            else f"{reply.author or reply.author_type}: {reply.content}"
            for reply in replies
        )

    def _sale_orders(self, order_ids):
        if not order_ids:
            return self.env["sale.order"]
        return self.env["sale.order"].search(
            [("ec_store_key", "=", self.account_id._coupang_store_key()), ("coupang_order_id", "in", list(order_ids))]
        )

    def _product(self, vendor_item_id):
        if not vendor_item_id:
            return self.env["product.product"]
        mapping = self.env["ec.product.mapping"].search(
            [("account_id", "=", self.account_id.id), ("vendor_item_id", "=", vendor_item_id)], limit=1
        )
        return mapping.product_id

    # === BUSINESS METHODS: BUYERS' DATA === #

    @api.model
    def _forget_buyers_data(self, account, closed_before):
        """Blanks the buyer's words and Coupang's data of the account's inquiries closed before
        ``closed_before``."""
        self.search(
            [
                ("account_id", "=", account.id),
                ("state", "in", CLOSED_STATES),
                ("write_date", "<", closed_before),
                ("payload", "!=", False),
            ]
        ).write({"payload": False, "content": False, "replies": False, "answer": False})
