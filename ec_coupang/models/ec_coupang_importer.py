import functools
import logging
from datetime import timedelta, timezone
from time import monotonic

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import (
    DEFAULT_FETCH_FIRST_DAYS,
    DEFAULT_FETCH_TIME_BUDGET,
    FETCH_LOCK_KEY,
    FETCH_OVERLAP,
    FETCH_TIME_BUDGET_PARAM,
    MINUTE_FETCH_MAX_SPAN,
)
from ..coupang import (
    MAX_PAGE_SIZE,
    ROW_KEY_PREFIX,
    CoupangError,
    IpNotAllowedError,
    OversizedPageError,
    UnreadableOrderSheet,
)
from ..tools.coupang_errors import MessageError, message, message_values, row_message

_logger = logging.getLogger(__name__)

# Context key: the time.monotonic() at which the run's time budget is spent.
STOP_AT = "ec_fetch_stop_at"


class TimeBudgetSpent(Exception):
    """The run's time budget is spent: it stops between pages or orders; the next run goes on."""


class EcCoupangImporter(models.AbstractModel):
    """The fetch run of an EC account: reads Coupang's order lists, acknowledges the new boxes and
    imports each box exactly once per Coupang store, in a savepoint of its own.

    Each page of order sheets is imported by ``ec.coupang.sheet.import``, which this model inherits;
    the Coupang order sheet becomes a sale order in ``ec.coupang.order.mapper``; a box that could
    not be imported is kept as an ``ec.order.import`` for review.
    """

    _name = "ec.coupang.importer"
    _inherit = ["ec.coupang.sheet.import"]
    _description = "Coupang Order Importer"

    # === THE FETCH RUN === #

    @api.model
    def _fetch_orders(self, run, schedule=None):
        """Reads the account's new Coupang orders into sale orders; returns the run's fetch log.

        One run at a time per account: the run holds an advisory lock on the account and a second
        run is skipped; the account's row itself is never locked, so a
        user can save the account meanwhile. The watermark moves to the run's start only once
        every order of the window was read and kept, as a sale order or for review.

        :param run: the account's ``CoupangRun``, which says whether the run commits order by order
        :param schedule: the ``ec.fetch.schedule`` running, or None for Fetch Now
        """
        importer, account = run.env["ec.coupang.importer"], run.account
        log_values = {
            "account_id": account.id,
            "schedule_id": schedule and schedule.id,
            "trigger": "schedule" if schedule else "manual",
            "user_id": self.env.uid,
        }
        Log = account.env["ec.fetch.log"]
        if not importer._lock_fetch(run):
            return Log.create(
                dict(
                    log_values,
                    state="skipped",
                    date_end=fields.Datetime.now(),
                    **message_values("error", message("fetch_skipped")),
                )
            )
        try:
            window_to = fields.Datetime.now()
            window_from = importer._fetch_window_start(account, window_to)
            with run.worker() as worker:
                worker.env["ec.fetch.log"]._close_interrupted(worker.account)
                values = dict(log_values, window_from=window_from, window_to=window_to)
                log = worker.env["ec.fetch.log"]._start_run(values)
                worker = worker.with_log(log)
                if worker.env["ec.coupang.importer"]._fetch_window(worker, window_from, window_to):
                    worker.save_watermark(window_to, "last_fetch_watermark")
                log_id = log.id
        finally:
            run.release_lock(FETCH_LOCK_KEY)
        # Ends the cron's transaction for this account, whatever happens to the next account of the schedule.
        run.commit()
        return Log.browse(log_id)

    @api.model
    def _lock_fetch(self, run):
        """Takes the account's fetch lock for the run (see ``CoupangRun.take_lock``); False when
        another fetch holds it."""
        return run.take_lock(FETCH_LOCK_KEY)

    @api.model
    def _fetch_window_start(self, account, now, field="last_fetch_watermark"):
        if not account[field]:
            return now - timedelta(days=account.fetch_first_days or DEFAULT_FETCH_FIRST_DAYS)
        # Coupang lists an order (or a request) some minutes after it is made: read a little before the mark.
        return account[field] - FETCH_OVERLAP

    @api.model
    def _fetch_window(self, run, window_from, window_to):
        """Imports the orders of the window, then checks Coupang's cancellations and returns;
        returns True when every order of the window was read and kept."""
        complete = False
        error = False
        importer = self.with_context(**{STOP_AT: monotonic() + self._fetch_time_budget()})
        try:
            with run.connected() as run:
                seen = importer._import_window(run, window_from, window_to)
                complete = True
                importer._retry_failed_orders(run, seen)
                self.env["ec.coupang.request.checker"]._check_with_client(run)
        except TimeBudgetSpent:
            error = message("fetch_time_budget_spent")
        except Exception as exc:  # noqa: BLE001 - the run ends with a log saying why
            if not isinstance(exc, CoupangError | UserError):
                _logger.exception("Fetching the Coupang orders of EC account %s failed", run.account.id)
            if isinstance(exc, OversizedPageError):
                self._keep_refused_rows(run, exc)
            reason = self._fetch_error_reason(run.account, exc)
            error = message("fetch_requests_stopped" if complete else "fetch_stopped", reason=reason)
        run.log._end(error)
        # The Last Result is written in a transaction that begins after the requests check committed
        # its watermark on the account (on a cursor of its own), or the two updates would conflict.
        run.commit()
        run.log._announce_end()
        run.commit()
        return complete

    @api.model
    def _fetch_time_budget(self):
        """Seconds a run may go on (system parameter ec_coupang.fetch_time_budget)."""
        value = self.env["ir.config_parameter"].sudo().get_param(FETCH_TIME_BUDGET_PARAM)
        try:
            return float(value) if value else DEFAULT_FETCH_TIME_BUDGET
        except ValueError:
            _logger.warning("The system parameter %s is no number of seconds: %r", FETCH_TIME_BUDGET_PARAM, value)
            return DEFAULT_FETCH_TIME_BUDGET

    @api.model
    def _within_time_budget(self, rows):
        """``rows`` as they are read, while the run's time budget lasts: a list asks for its next
        page only when its next row is wanted, so the run stops between pages or orders."""
        self._check_time_budget()
        for row in rows:
            yield row
            self._check_time_budget()

    @api.model
    def _check_time_budget(self):
        stop_at = self.env.context.get(STOP_AT)
        if stop_at is not None and monotonic() >= stop_at:
            raise TimeBudgetSpent()

    @api.model
    def _keep_refused_rows(self, run, error):
        """The order sheets of a page Coupang sent larger than asked for, refused whole: each row is
        kept for review as Coupang sent it; its retry reads the box again."""
        Review = self.env["ec.order.import"]
        for sheet in error.rows:
            if isinstance(sheet, UnreadableOrderSheet):
                with run.savepoint():
                    Review._keep(run.account, sheet, "failed", row_message(sheet), run.log)

    @api.model
    def _fetch_error_reason(self, account, error):
        """Why the run stopped (a message). Coupang refusing the server's IP address is the
        connection's fault, not the run's: the account turns Failed with Test Connection's diagnosis."""
        reason = account._connection_error_message(error)
        if isinstance(error, IpNotAllowedError):
            account._set_connection_failed(reason, message("fetch_refused_connection_failed", reason=reason))
        return reason

    @api.model
    def _import_window(self, run, window_from, window_to):
        """Imports the "to ship" orders created in the window; returns the shipment boxes read.

        Every ACCEPT page is read first, keeping only the ids of the boxes to import (and when each
        was ordered); they are acknowledged together (ACCEPT -> INSTRUCT), then the INSTRUCT list is
        read: its sheets are the fresh ones Coupang asks to read after acknowledging (the buyer may
        have changed the address until then), and the orders are imported from them. Acknowledging
        between the ACCEPT pages could make Coupang's nextToken skip rows. A job queue may
        acknowledge and list again the window in parts (see ``_acknowledgement_parts``).
        """
        date_from, date_to = (moment.replace(tzinfo=timezone.utc) for moment in (window_from, window_to))
        by_minute = self._reads_by_minute(run.account, date_from, date_to)
        seen = set()
        new = self._triage_new_boxes(run, date_from, date_to, seen, by_minute)
        for part_from, part_to, box_ids in self._acknowledgement_parts(run, date_from, date_to, by_minute, new):
            self._import_acknowledged(run, part_from, part_to, by_minute, box_ids, seen)
        return seen | set(new)

    @api.model
    def _acknowledgement_parts(self, run, date_from, date_to, by_minute, new):
        """[(from, to, box ids)]: the new boxes acknowledged together, then the window from - to
        listed again in preparation, part after part. Here the whole window at once; a job queue
        cuts it so that the workers import the first part while the next is acknowledged
        (``ec_coupang_queue_job``).

        :param new: {box id: when it was ordered} of the boxes to acknowledge, as the ACCEPT pages listed them
        """
        return [(date_from, date_to, list(new))]

    @api.model
    def _import_acknowledged(self, run, date_from, date_to, by_minute, box_ids, seen):
        """Acknowledges the boxes ``box_ids``, then imports the boxes in preparation of the window."""
        refusals = self._acknowledge(run.client, box_ids) if box_ids else {}
        for page in self._unseen_pages(run, date_from, date_to, "INSTRUCT", seen, by_minute, skip=set(box_ids)):
            self._import_page(run, page)
        unlisted = [box_id for box_id in box_ids if box_id not in seen]
        if unlisted:
            self._import_unlisted(run, unlisted, refusals)

    @api.model
    def _import_page(self, run, page):
        """Imports one page of the INSTRUCT list. Here at once; a job queue may run it in a job of
        its own instead (``ec_coupang_queue_job``)."""
        self._import_sheets(run, page)

    @api.model
    def _unseen_pages(self, run, date_from, date_to, status, seen, by_minute, skip=frozenset()):
        """Pages of the boxes in ``status`` not read yet by this run (``seen`` grows as they are read;
        a box of ``skip`` was read and counted already); ``by_minute``: see ``_reads_by_minute``."""
        page_size = self._fetch_page_size()
        page = []
        sheets = run.client.iter_order_sheets(date_from, date_to, status, max_per_page=page_size, by_minute=by_minute)
        for sheet in self._within_time_budget(sheets):
            if sheet.shipment_box_id in seen:
                continue
            seen.add(sheet.shipment_box_id)
            if sheet.shipment_box_id not in skip:
                run.log._count("count_read")
            page.append(sheet)
            if len(page) == page_size:
                yield page
                page = []
        if page:
            yield page

    @api.model
    def _reads_by_minute(self, account, date_from, date_to):
        """Whether the window is read to the minute: an incremental fetch, whose window starts at
        the account's watermark; a whole day would list every open order of the day again. A first
        fetch, or one after a long pause, is a backfill read by day, 50 rows a page."""
        return bool(account.last_fetch_watermark) and date_to - date_from <= MINUTE_FETCH_MAX_SPAN

    @api.model
    def _triage_new_boxes(self, run, date_from, date_to, seen, by_minute):
        """Reads every ACCEPT page and settles the boxes that need no import; returns {box id: when
        it was ordered} of those to acknowledge and import (held ones stay ACCEPT until the user's
        change)."""
        new = {}
        for page in self._unseen_pages(run, date_from, date_to, "ACCEPT", seen, by_minute):
            new.update((sheet.shipment_box_id, sheet.ordered_at) for sheet, _products in self._ready_sheets(run, page))
        seen.difference_update(new)  # listed again as INSTRUCT, and imported from there
        return new

    @api.model
    def _import_unlisted(self, run, box_ids, refusals):
        """The acknowledged boxes the INSTRUCT list did not hold, most often those Coupang refused
        to take into preparation: read once each (the ACCEPT pass kept their ids only), imported
        when in preparation after all, else kept for review with the reason. A read that fails
        stops the run before the watermark moves: the next fetch lists the box again."""
        for box_id in self._within_time_budget(box_ids):
            sheet = run.client.get_order_sheet(box_id)
            if sheet.status == "INSTRUCT":
                self._import_sheets(run, [sheet])
                continue

            self._run_step(run, sheet, functools.partial(self._refuse, refusals.get(box_id)))

    @api.model
    def _refuse(self, refusal):
        if refusal:
            raise MessageError(self.env, "not_taken_into_preparation", refusal=refusal)
        raise MessageError(self.env, "not_yet_in_preparation")

    @api.model
    def _fetch_page_size(self):
        return MAX_PAGE_SIZE

    @api.model
    def _retry_failed_orders(self, run, seen):
        """Tries again the store's orders kept as failed (a Coupang error, most often passing) that
        the window did not list. Held orders wait for the user's change and Retry."""
        failed = self.env["ec.order.import"].search(
            [
                ("ec_store_key", "=", run.account._coupang_store_key()),
                ("state", "=", "failed"),
                ("shipment_box_id", "not in", list(seen)),
                # A row kept under a made-up id has no box to read again: only the run that met it counts it.
                ("shipment_box_id", "not like", f"{ROW_KEY_PREFIX}%"),
            ]
        )
        if failed:
            kept = self._within_time_budget(failed._order_sheets())
            sheets = [self._read_whole_again(run.client, sheet) for sheet in kept]
            self._import_sheets(run, sheets)

    @api.model
    def _read_whole_again(self, client, sheet):
        """An unreadable kept box read again from Coupang, which may send it whole now; a readable
        one as kept (it is read again before its acknowledgement)."""
        if not isinstance(sheet, UnreadableOrderSheet):
            return sheet
        try:
            return client.get_order_sheet(sheet.shipment_box_id)
        except CoupangError:
            return sheet
