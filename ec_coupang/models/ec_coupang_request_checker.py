import logging
from datetime import timedelta, timezone

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import REQUEST_LISTS, REQUEST_LOCK_KEY
from ..coupang import CoupangError
from ..tools.coupang_run import CoupangRun

_logger = logging.getLogger(__name__)
OPEN_STATES = ("to_apply", "waiting", "answered", "failed")


class EcCoupangRequestChecker(models.AbstractModel):
    """The check of an account's Coupang requests: reads Coupang's lists of cancellations,
    stop-shipment requests and returns since the last check, keeps each request once
    (``ec.coupang.request``) and applies the open ones, each in a savepoint of its own.

    Run by its own scheduled action and at the end of every fetch; it replaces reading every open
    box again: the requests Coupang lists are what changed.
    """

    _name = "ec.coupang.request.checker"
    _description = "Coupang Requests Check"

    @api.model
    def _cron_check_requests(self):
        """Scheduled action: checks the requests of every connected account."""
        for account in self.env["ec.account"].search([("state", "=", "connected")]):
            self._check_requests(CoupangRun.for_cron(account))

    @api.model
    def _check_requests(self, run):
        """Checks the requests of the run's account; returns False when Coupang could not be read
        (the next check reads the same window again)."""
        checker = run.env["ec.coupang.request.checker"]
        try:
            with run.connected() as connected:
                checked = checker._check_with_client(connected)
        except (CoupangError, UserError) as error:
            checked = checker._check_failed(run.account, error)
        # Ends the transaction for this account: releases its check lock.
        run.commit()
        return checked

    @api.model
    def _check_failed(self, account, error):
        """Coupang could not be read: the next check reads the same window again. Returns False."""
        _logger.warning("The Coupang requests of EC account %s could not be checked: %s", account.id, error)
        return False

    @api.model
    def _check_with_client(self, run):
        """The check, through the run's open client; False when another check runs."""
        if not run.take_lock(REQUEST_LOCK_KEY):
            return False
        try:
            now = fields.Datetime.now()
            since = self.env["ec.coupang.importer"]._fetch_window_start(run.account, now, "last_request_watermark")
            with run.worker() as worker:
                checker = worker.env["ec.coupang.request.checker"]
                listed = worker.retried(lambda: checker._keep_lists(worker, since, now))
                worker.env["ec.coupang.cancel"]._settle_in_doubt(worker)
                checker._apply_open(worker, listed)
                worker.save_watermark(now, "last_request_watermark")
        finally:
            run.release_lock(REQUEST_LOCK_KEY)
        return True

    @api.model
    def _keep_lists(self, run, since, until):
        """The listed requests, kept and committed: a user's save of a request committed meanwhile
        refuses the commit, and the lists are read again (``run.retried``)."""
        listed = self._read_lists(run, since, until)
        run.commit()
        return listed

    @api.model
    def _read_lists(self, run, since, until):
        """Keeps every request listed from ``since`` to ``until``; returns their records."""
        Request = self.env["ec.coupang.request"]
        listed = Request
        # Up to the next whole minute: the minute lists end before their last minute, and a request
        # made in the second the check starts would otherwise wait for the next check.
        start, end = (moment.replace(tzinfo=timezone.utc) for moment in (since, until + timedelta(minutes=1)))
        for cancel_type, status in REQUEST_LISTS:
            for coupang_request in run.client.iter_return_requests_since(
                start, end, cancel_type=cancel_type, status=status
            ):
                listed |= Request._upsert(run.account, coupang_request)
        return listed

    @api.model
    def _apply_open(self, run, listed):
        """Applies each open request of the run's account, one at a time, skipping those another
        transaction (a user's Retry) holds."""
        Request = self.env["ec.coupang.request"]
        for request_id in Request.search(
            [("account_id", "=", run.account.id), ("state", "in", OPEN_STATES)], order="id"
        ).ids:
            request = Request.browse(request_id)
            if request._try_lock() and request.state in OPEN_STATES:
                try:
                    request._apply_safely(run, fresh=request in listed)
                except SerializationFailure:
                    if not run.commits:
                        raise  # nothing is committed: the transaction's owner tries it all again
                    # Users' saves of its sale order or delivery crossed every try: what Coupang
                    # took is committed already; the next check applies the request again.
                    self.env.cr.rollback()
                    _logger.info("Coupang request %s is left to the next check: its order was being saved", request_id)
            run.commit()
