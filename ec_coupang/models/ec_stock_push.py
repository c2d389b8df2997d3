import time
from contextlib import ExitStack
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import DEFAULT_STOCK_COALESCING, STOCK_BATCH_SIZE, STOCK_COALESCING_PARAM, STOCK_TIME_BUDGET
from ..coupang import CoupangError, NotAvailableInMarketError, RequestRejectedError
from ..tools.coupang_errors import error_message, message, message_text_fields, message_values
from ..tools.coupang_run import CoupangRun
from ..tools.dates import doubling_delay

STOCK_STATES = [("pending", "To Send"), ("sent", "Sent"), ("error", "Failed")]
# The retry policy of an item Coupang could not take: the growing delay between two tries, and the
# tries before the row waits for a person (or the item's next change).
MAX_STOCK_ATTEMPTS = 8
FIRST_STOCK_RETRY = timedelta(minutes=1)
MAX_STOCK_RETRY = timedelta(hours=1)
# Calls in a row Coupang did not answer before a run leaves the account's other items to the next run.
FAILURES_BEFORE_PAUSE = 3


class EcStockPush(models.Model):
    """The queue of stock values to send to Coupang, one row per account and vendor item: the value
    is computed when it is sent, so that the changes of an item in between go as one call with the
    last value, and a value Coupang was told last is not sent again."""

    _name = "ec.stock.push"
    _description = "Coupang Stock Update"
    _order = "due_at, id"
    _rec_name = "vendor_item_id"

    account_id = fields.Many2one("ec.account", string="EC Account", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    mapping_id = fields.Many2one(
        "ec.product.mapping", string="Product Mapping", required=True, readonly=True, ondelete="cascade", index=True
    )
    # The mapping's, at send time: a mapping moved to another vendor item sends its stock there.
    vendor_item_id = fields.Char(related="mapping_id.vendor_item_id", string="Coupang Vendor Item ID")
    product_id = fields.Many2one(related="mapping_id.product_id", string="Product")
    state = fields.Selection(STOCK_STATES, string="Status", required=True, default="pending", readonly=True, index=True)
    due_at = fields.Datetime(string="Next Try", readonly=True, help="When the item's stock goes to Coupang.")
    force = fields.Boolean(string="Send Even If Unchanged", readonly=True)
    sent_quantity = fields.Integer(string="Stock on Coupang", readonly=True, help="The value Coupang took last.")
    sent_at = fields.Datetime(string="Sent On", readonly=True)
    attempts = fields.Integer(string="Failed Attempts", readonly=True)
    message, message_code, message_params, message_text = message_text_fields(
        "message", string="Message", help="Why the stock was not sent, or waits."
    )

    _sql_constraints = [
        (
            "mapping_unique",
            "UNIQUE(mapping_id)",
            "A product mapping has one stock update.",
        ),
    ]

    # === SCHEDULED ACTIONS === #

    @api.model
    def _cron_send_stock(self, batch_size=STOCK_BATCH_SIZE, time_budget=STOCK_TIME_BUDGET):
        """Scheduled action (every minute): queues the items whose stock changed, then sends the due
        ones, at most ``batch_size`` items or ``time_budget`` seconds; the next run goes on."""
        deadline = time.monotonic() + time_budget
        self._queue_changes()
        self._commit()
        return self._send_due(batch_size, deadline)

    @api.model
    def _cron_resync_stock(self):
        """Scheduled action (daily): every mapped item of every account sending stock goes again."""
        accounts = self.env["ec.account"].search([("stock_push", "=", True)]).filtered("stock_offered")
        accounts._queue_stock_all(force=True)

    # === QUEUE === #

    @api.model
    def _queue_changes(self):
        """One row per changed item, due once the coalescing delay after its first change has passed."""
        changes = self.env["ec.stock.change"]._take()
        if not changes:
            return
        accounts = {account_id for account_id, _product in changes if account_id}
        products = {product_id for _account, product_id in changes if product_id}
        mappings = self.env["ec.product.mapping"].search(
            [
                ("product_id", "!=", False),
                ("account_id.stock_push", "=", True),
                "|",
                ("account_id", "in", list(accounts)),
                ("product_id", "in", list(products)),
            ]
        )
        delay = timedelta(seconds=self._coalescing_seconds())
        rows = {row.mapping_id: row for row in self.search([("mapping_id", "in", mappings.ids)])}
        new = []
        for mapping in mappings.filtered(lambda mapping: mapping.account_id.stock_offered):
            found = [
                changes[key] for key in ((mapping.account_id.id, None), (None, mapping.product_id.id)) if key in changes
            ]
            force = any(forced for _when, forced in found)
            due = min(when if forced else when + delay for when, forced in found)
            row = rows.get(mapping)
            if not row:
                new.append(
                    {"account_id": mapping.account_id.id, "mapping_id": mapping.id, "due_at": due, "force": force}
                )
            elif row.state != "pending":
                # A row that failed after a lost answer keeps its force: Coupang's value is not known.
                row.write({"state": "pending", "due_at": due, "force": row.force or force, "attempts": 0})
            else:
                # Already waiting: the first change sets the time (a retry's pause stays).
                row.write({"due_at": row.due_at if row.attempts else min(row.due_at, due), "force": row.force or force})
        self.create(new)

    @api.model
    def _coalescing_seconds(self):
        value = self.env["ir.config_parameter"].sudo().get_param(STOCK_COALESCING_PARAM)
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            return DEFAULT_STOCK_COALESCING

    # === SENDING === #

    @api.model
    def _send_due(self, batch_size, deadline):
        """Sends the due rows one at a time, each locked, read again and committed on its own.

        :return: the rows handled"""
        handled = 0
        skipped = self.env["ec.account"]  # accounts Coupang did not answer in this run
        failures = {}  # account id: the calls in a row Coupang did not answer
        with ExitStack() as stack:
            clients = {}
            while handled < batch_size and time.monotonic() < deadline:
                try:
                    row = self._lock_next_due(skipped)
                except SerializationFailure:
                    # A row changed since this transaction's snapshot: a fresh one sees it.
                    if not CoupangRun.may_commit():
                        raise
                    self.env.cr.rollback()
                    continue
                if not row:
                    break
                handled += 1
                account = row.account_id
                failures[account.id] = 0 if row._send(clients, stack) else failures.get(account.id, 0) + 1
                if failures[account.id] >= FAILURES_BEFORE_PAUSE:
                    skipped |= account
                self._commit()
        return handled

    @api.model
    def _lock_next_due(self, skipped):
        """The due row that waited longest and no other transaction holds, locked and read again."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM ec_stock_push
                    WHERE state = 'pending' AND due_at <= %s AND account_id != ALL(%s)
                    ORDER BY due_at, id
                    LIMIT 1
                      FOR NO KEY UPDATE SKIP LOCKED""",
                fields.Datetime.now(),
                skipped.ids,
            ),
            log_exceptions=False,
        )
        found = self.env.cr.fetchone()
        # What is cached may predate the lock.
        self.env.invalidate_all()
        return self.browse(found[0]) if found else self.browse()

    def _send(self, clients, stack):
        """Sends this row's value, or records why not.

        :return: False when Coupang could not be reached for the account"""
        self.ensure_one()
        account = self.account_id.sudo().with_company(self.account_id.company_id)
        product = self.mapping_id.product_id
        if not (account.active and account.stock_push and account.stock_offered and product):
            self.unlink()  # the account no longer sends this item's stock
            return True
        value = account._stock_to_send(product)[product.id]
        if self.sent_at and value == self.sent_quantity and not self.force:
            self._set_sent(value, called=False)
            return True
        try:
            if account.id not in clients:
                clients[account.id] = stack.enter_context(account._coupang_client())
            clients[account.id].set_item_quantity(self.vendor_item_id, value)
        except (RequestRejectedError, NotAvailableInMarketError) as error:
            self._set_failed(error)
            return True
        except (UserError, CoupangError) as error:
            self._postpone(error)
            return False
        self._set_sent(value)
        return True

    def _set_sent(self, value, called=True):
        values = {"state": "sent", "attempts": 0, "force": False, "due_at": False, **message_values("message", False)}
        if called:
            values.update(sent_quantity=value, sent_at=fields.Datetime.now())
        self.write(values)

    def _set_failed(self, error):
        """Coupang refused the value: a person looks (the item's next change tries again)."""
        said = message_values("message", error_message(error))
        self.write({"state": "error", "attempts": self.attempts + 1, "due_at": False, **said})

    def _postpone(self, error):
        """Coupang was not reached or did not answer: tried again after a growing pause. Coupang may
        have carried the call out (its answer cut off or late): what it has is not known any more,
        so the next try sends even the value it took last."""
        attempts = self.attempts + 1
        if attempts >= MAX_STOCK_ATTEMPTS:
            self._set_failed(error)
            self.force = True
            return
        delay = doubling_delay(attempts, FIRST_STOCK_RETRY, MAX_STOCK_RETRY)
        said = message_values("message", message("push_postponed", error=error_message(error)))
        self.write({"attempts": attempts, "due_at": fields.Datetime.now() + delay, "force": True, **said})

    def _commit(self):
        if CoupangRun.may_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
