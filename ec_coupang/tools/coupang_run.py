import logging
import random
import time
from contextlib import contextmanager

import psycopg2

from odoo.modules import module
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Tries of a watermark's write when a user's save of the account crosses it.
WATERMARK_TRIES = 3
# Tries of a step that another transaction's committed update of the same rows refuses (a user
# saving the order, another store reserving the same stock), with growing random pauses between
# them: two processes must not keep meeting in step.
SERIALIZATION_TRIES = 8
SERIALIZATION_PAUSE = 0.2


class CoupangRun:
    """One run of work with Coupang for one EC account, made once where the work starts (the
    scheduler, a user's button, a queue job) and handed on as one argument: the account with every
    right, in its company; its open Coupang client; the fetch log counting the outcomes; and the
    commit policy.

    A run that commits (the scheduler's) commits each order on its own, on a cursor of its own
    (``worker``) while the first one keeps the run's lock: Coupang already knows an acknowledged box,
    and a later crash or timeout of the run must not undo its order. Any other run commits nothing:
    Odoo commits a user's request, queue_job commits a job (one job, one transaction), and nothing
    commits inside a test's transaction.
    """

    def __init__(self, account, commits, client=None, log=None, person_waits=False):
        account.ensure_one()
        self.account = account.sudo().with_company(account.company_id)
        self.commits = commits
        self.person_waits = person_waits
        self.client = client
        self.log = log if log is not None else self.env["ec.fetch.log"]

    @classmethod
    def for_cron(cls, account):
        """The scheduler's run: commits order by order, except inside a test."""
        return cls(account, commits=cls.may_commit())

    @classmethod
    def for_button(cls, account):
        """A user's run, in the request's transaction, which Odoo commits at its end; a person waits
        for it (``_coupang_client``'s ``person_waits``)."""
        return cls(account, commits=False, person_waits=True)

    @classmethod
    def for_job(cls, account):
        """A queue job's run: the job is one transaction, which queue_job commits."""
        return cls(account, commits=False)

    @classmethod
    def for_answers(cls, account):
        """A user's run that answers Coupang (Retry, Approve Return), in the transaction of
        ``answering``: it commits each answer as soon as Coupang took it, except inside a test."""
        return cls(account, commits=cls.may_commit(), person_waits=True)

    @classmethod
    @contextmanager
    def answering(cls, records):
        """``records`` in the transaction of the user's runs that answer Coupang (``for_answers``):
        when they commit, one of its own, so that a concurrent save of the sale order or delivery can
        never roll an answer back; inside a test, the test's transaction."""
        if not cls.may_commit():
            yield records
            return
        with records.env.registry.cursor() as cr:
            yield records.with_env(records.env(cr=cr))
        records.invalidate_recordset()

    @staticmethod
    def may_commit():
        """Whether work may commit transactions of its own: never inside a test's transaction."""
        return not module.current_test

    @property
    def env(self):
        return self.account.env

    def _replace(self, **changes):
        values = {
            "account": self.account,
            "commits": self.commits,
            "client": self.client,
            "log": self.log,
            "person_waits": self.person_waits,
        }
        return type(self)(**dict(values, **changes))

    def with_client(self, client):
        return self._replace(client=client)

    def with_log(self, log):
        return self._replace(log=log.with_env(self.env))

    @contextmanager
    def connected(self):
        """This run with the account's Coupang client open."""
        with self.account._coupang_client(person_waits=self.person_waits) as client:
            yield self.with_client(client)

    def take_lock(self, key):
        """Takes the advisory lock (``key``, account) for the run; False when another run holds it.
        A run that commits holds it in its connection's session until ``release_lock``, so that
        ``worker`` can end this cursor's transaction: open, it would keep its snapshot for the whole
        run, and PostgreSQL could clean up none of the row versions the run's updates leave meanwhile
        (each later update and foreign-key check of those rows walks them). A run that does not commit
        holds it for its transaction."""
        scope = "" if self.commits else "xact_"
        self.env.cr.execute(SQL(f"SELECT pg_try_advisory_{scope}lock(%s, %s)", key, self.account.id))
        return self.env.cr.fetchone()[0]

    def release_lock(self, key):
        """Releases the lock ``take_lock`` took for a run that commits (a transaction's lock ends with it)."""
        if self.commits:
            release_session_lock(self.env.cr, SQL("%s, %s", key, self.account.id))

    @contextmanager
    def worker(self):
        """This run in the environment that does the work: when it commits, a cursor of its own, and
        this one's transaction is committed first: it holds nothing the work needs (the run's lock is
        its session's), and its snapshot would stay until the run ends."""
        if not self.commits:
            yield self
            return
        self.env.cr.commit()  # pylint: disable=invalid-commit
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr)
            yield self._replace(account=self.account.with_env(env), log=self.log.with_env(env))

    def commit(self):
        if self.commits:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @contextmanager
    def savepoint(self):
        """One order's step: a savepoint, committed on its own when the run commits."""
        with self.env.cr.savepoint():
            yield
        self.commit()

    def retried(self, step):
        """``step()``; when the run commits and another transaction's committed update of the same
        rows refuses it (repeatable read), rolled back and tried again in a new transaction: what
        came before it was committed."""
        for attempt in range(1, SERIALIZATION_TRIES + 1):
            try:
                return step()
            except psycopg2.errors.SerializationFailure:
                if not self.commits or attempt == SERIALIZATION_TRIES:
                    raise
                self.env.cr.rollback()
                time.sleep(SERIALIZATION_PAUSE * attempt * random.uniform(0.5, 1.5))
        return None

    def save_watermark(self, moment, field):
        """Moves the account's watermark ``field``; when the run commits, in a transaction of its own,
        tried again when a user's save of the account was committed in between (the repeatable read
        refuses the write then)."""
        if not self.commits:
            self.account[field] = moment
            return
        for attempt in range(1, WATERMARK_TRIES + 1):
            try:
                self.account[field] = moment
                self.env.cr.commit()  # pylint: disable=invalid-commit
                return
            except psycopg2.errors.SerializationFailure:
                self.env.cr.rollback()
                if attempt == WATERMARK_TRIES:
                    # Nothing is lost: the next run reads the window again and skips what it imported.
                    _logger.warning("The watermark %s of EC account %s could not be saved", field, self.account.id)


def release_session_lock(cr, key):
    """Releases the session advisory lock of the arguments ``key`` (an ``SQL``), even after a failed
    transaction: a session lock left on a pooled connection would stop every later run that needs it."""
    try:
        cr.execute(SQL("SELECT pg_advisory_unlock(%s)", key))
    except psycopg2.Error:
        cr.rollback()
        cr.execute(SQL("SELECT pg_advisory_unlock(%s)", key))
