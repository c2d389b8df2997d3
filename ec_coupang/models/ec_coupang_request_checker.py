import logging
from datetime import timedelta, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.modules import module
from odoo.tools import SQL

from ..const import COMMIT_ANSWERS, REQUEST_LISTS, REQUEST_LOCK_KEY
from ..coupang import CoupangError

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
            self._check_requests(account, auto_commit=not module.current_test)

    @api.model
    def _check_requests(self, account, auto_commit=False):
        """Checks the account's requests; returns False when Coupang could not be read (the next
        check reads the same window again)."""
        importer, account = self.env["ec.coupang.importer"]._sudo_for(account)
        checker = self.with_env(importer.env)
        try:
            with account._coupang_client() as client:
                checked = checker._check_with_client(account, client, auto_commit)
        except (CoupangError, UserError) as error:
            checked = checker._check_failed(account, error)
        if auto_commit:
            # Ends the transaction for this account: releases its check lock.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return checked

    @api.model
    def _check_failed(self, account, error):
        """Coupang could not be read: the next check reads the same window again. Returns False."""
        _logger.warning("The Coupang requests of EC account %s could not be checked: %s", account.id, error)
        return False

    @api.model
    def _check_with_client(self, account, client, auto_commit):
        """The check, through the account's open client; False when another check runs."""
        if not self._lock_requests(account):
            return False
        importer = self.env["ec.coupang.importer"]
        now = fields.Datetime.now()
        since = importer._fetch_window_start(account, now, "last_request_watermark")
        with importer._fetch_worker(account, auto_commit) as (worker, worker_account):
            checker = self.with_env(worker.env)
            listed = checker._read_lists(worker_account, client, since, now)
            worker._commit(auto_commit)
            checker._apply_open(worker_account, client, listed, auto_commit)
            worker._save_watermark(worker_account, now, auto_commit, "last_request_watermark")
        return True

    @api.model
    def _lock_requests(self, account):
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", REQUEST_LOCK_KEY, account.id))
        return self.env.cr.fetchone()[0]

    @api.model
    def _read_lists(self, account, client, since, until):
        """Keeps every request listed from ``since`` to ``until``; returns their records."""
        Request = self.env["ec.coupang.request"]
        listed = Request
        # Up to the next whole minute: the minute lists end before their last minute, and a request
        # made in the second the check starts would otherwise wait for the next check.
        start, end = (moment.replace(tzinfo=timezone.utc) for moment in (since, until + timedelta(minutes=1)))
        for cancel_type, status in REQUEST_LISTS:
            for coupang_request in client.iter_return_requests_since(
                start, end, cancel_type=cancel_type, status=status
            ):
                listed |= Request._upsert(account, coupang_request)
        return listed

    @api.model
    def _apply_open(self, account, client, listed, auto_commit):
        """Applies each open request of the account, one at a time, skipping those another
        transaction (a user's Retry) holds."""
        Request = self.env["ec.coupang.request"].with_context(**{COMMIT_ANSWERS: auto_commit})
        for request_id in Request.search(
            [("account_id", "=", account.id), ("state", "in", OPEN_STATES)], order="id"
        ).ids:
            request = Request.browse(request_id)
            if request._try_lock() and request.state in OPEN_STATES:
                request._apply_safely(client, fresh=request in listed)
            self.env["ec.coupang.importer"]._commit(auto_commit)
