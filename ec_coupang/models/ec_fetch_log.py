from odoo import api, fields, models
from odoo.tools import SQL

from ..const import FETCH_LOG_STATES
from ..tools.coupang_errors import message, message_text_fields, message_values, render

COUNT_FIELDS = ("count_read", "count_created", "count_existing", "count_held", "count_failed", "count_canceled")


class EcFetchLog(models.Model):
    _name = "ec.fetch.log"
    _description = "EC Order Fetch Log"
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    schedule_id = fields.Many2one(
        "ec.fetch.schedule",
        ondelete="set null",
        readonly=True,
        help="The scheduled fetch time that ran; empty for Fetch Now.",
    )
    trigger = fields.Selection(
        selection=[("schedule", "Scheduled"), ("manual", "Fetch Now")], required=True, readonly=True
    )
    user_id = fields.Many2one("res.users", string="Run By", readonly=True, default=lambda self: self.env.user)
    date_start = fields.Datetime(string="Started", required=True, readonly=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="Ended", readonly=True)
    state = fields.Selection(
        selection=FETCH_LOG_STATES,
        required=True,
        default="running",
        readonly=True,
    )
    window_from = fields.Datetime(string="Orders Created From", readonly=True)
    window_to = fields.Datetime(string="Orders Created Until", readonly=True)
    count_read = fields.Integer(string="Read", readonly=True, help="Shipment boxes read from Coupang.")
    count_created = fields.Integer(string="Created", readonly=True, help="Sale orders created.")
    count_existing = fields.Integer(
        string="Already Imported", readonly=True, help="Shipment boxes that already had their sale order."
    )
    count_held = fields.Integer(string="Held", readonly=True, help="Orders kept for review: a setting is missing.")
    count_failed = fields.Integer(string="Failed", readonly=True, help="Orders kept for review after an error.")
    count_canceled = fields.Integer(
        string="Canceled",
        readonly=True,
        help="Sale orders canceled, or flagged, because Coupang canceled them, and boxes canceled whole "
        "before their import (nothing to import).",
    )
    error, error_code, error_params, error_text = message_text_fields(
        "error", help="Why the run stopped before reading every order."
    )
    summary = fields.Char(compute="_compute_summary")
    order_import_ids = fields.One2many("ec.order.import", "fetch_log_id", string="Orders to Review", readonly=True)

    @api.depends("state", "error", *COUNT_FIELDS)
    @api.depends_context("lang")
    def _compute_summary(self):
        for log in self:
            if log.state == "skipped":
                log.summary = log.error
                continue
            if log.state == "queued":
                log.summary = self.env._(
                    "Requested by %s: the fetch starts in a moment, in the background.", log.user_id.name
                )
                continue
            summary = render(self.env, log._counts_message())
            log.summary = f"{summary} {log.error}" if log.error else summary

    def _counts_message(self, code="fetch_counts", **params):
        """The run's counts as a message ``code`` (with ``params``), rendered in the reader's language."""
        self.ensure_one()
        return message(
            code,
            read=self.count_read,
            created=self.count_created,
            existing=self.count_existing,
            held=self.count_held,
            failed=self.count_failed,
            canceled=self.count_canceled,
            **params,
        )

    @api.model
    def _last_runs(self, accounts):
        """{account id: its latest log that is not a skipped run}, in one query."""
        if not accounts.ids:
            return {}
        self.flush_model(["account_id", "state", "date_start"])
        query = self._search([("account_id", "in", accounts.ids), ("state", "!=", "skipped")])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT ON (ec_fetch_log.account_id) ec_fetch_log.account_id, ec_fetch_log.id "
                "FROM %s WHERE %s ORDER BY ec_fetch_log.account_id, ec_fetch_log.date_start DESC, ec_fetch_log.id DESC",
                query.from_clause,
                query.where_clause,
            )
        )
        return {account_id: self.browse(log_id) for account_id, log_id in self.env.cr.fetchall()}

    @api.model
    def _pending_run(self, account):
        """The account's run requested and not started yet, or running; empty when none."""
        return self.search([("account_id", "=", account.id), ("state", "in", ("queued", "running"))], limit=1)

    @api.model
    def _start_run(self, values):
        """The log of a run starting now: for Fetch Now, the account's oldest request (it keeps its
        requesting user); otherwise a new one."""
        requested = values["trigger"] == "manual" and self.search(
            [("account_id", "=", values["account_id"]), ("state", "=", "queued")], order="id", limit=1
        )
        if not requested:
            return self.create(values)
        requested.write(
            {
                **{name: value for name, value in values.items() if name not in ("user_id", "trigger")},
                "state": "running",
                "date_start": fields.Datetime.now(),
            }
        )
        return requested

    @api.model
    def _close_interrupted(self, account):
        """Marks the account's runs still "running" as failed. Only a run holding the account's
        fetch lock calls it: no other run of the account is alive, so their workers stopped."""
        interrupted = self.search([("account_id", "=", account.id), ("state", "=", "running")])
        for log in interrupted:
            log._finish(message("fetch_interrupted"))

    def _count(self, counter, number=1):
        """Adds ``number`` to ``counter``; an empty log (a retry outside any fetch) counts nothing."""
        for log in self:
            log[counter] += number

    def _finish(self, error=False):
        """Ends the run and announces its end; ``error``: why it stopped (a message), False when it
        read every order."""
        self._end(error)
        self._announce_end()

    def _end(self, error=False):
        """Ends the run without announcing it (see ``_finish``)."""
        self.ensure_one()
        if error:
            state = "failed"
        elif self.count_held or self.count_failed:
            state = "partial"
        else:
            state = "done"
        self.write({"state": state, "date_end": fields.Datetime.now(), **message_values("error", error)})

    def _announce_end(self):
        """The end of a Fetch Now's run: its Last Result on the account, and the user's notification."""
        self.ensure_one()
        if self.trigger == "manual":
            self.account_id._fetch_now_ended(self)
