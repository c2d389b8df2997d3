import hashlib

from odoo import fields, models
from odoo.addons.ec_coupang.const import DEFER_RESERVATION
from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun

from ..const import FETCH_CHANNEL, JOB_CONTEXT, PUSH_CHANNEL, RESERVE_CHANNEL, RESERVE_PRIORITY


class EcAccount(models.Model):
    """The account's work as queue jobs: each job is delayed on the account, so the account's
    failed jobs are found from its form."""

    _inherit = "ec.account"

    ec_failed_job_count = fields.Integer(string="Failed Jobs", compute="_compute_ec_failed_job_count")

    def _compute_ec_failed_job_count(self):
        counts = dict(
            self.env["queue.job"]
            .sudo()
            ._read_group([("ec_account_id", "in", self.ids), ("state", "=", "failed")], ["ec_account_id"], ["__count"])
        )
        for account in self:
            account.ec_failed_job_count = counts.get(account._origin, 0)

    def action_view_failed_jobs(self):
        return self._account_action(
            "ec_coupang_queue_job.queue_job_action_ec_account",
            [("ec_account_id", "=", self.id)],
            {"search_default_failed": 1},
        )

    # === ENQUEUING === #

    def _fetch_scheduled(self, schedule):
        """The fetch runs as a job: one per account and schedule (or Fetch Now) waiting at a time."""
        self.ensure_one()
        schedule_id = schedule.id if schedule else None
        self._delay_job(
            FETCH_CHANNEL,
            f"ec.account.fetch-{self.id}-{schedule_id or 'manual'}",
            self.env._("Coupang: fetch the orders of %s", self.name),
        )._ec_job_fetch_orders(schedule_id)

    def _delay_page_import(self, sheets):
        """One job importing these INSTRUCT sheets of the account; a page waiting already is not
        queued twice (identity key: the account and the page's shipment box ids). The job carries
        the id of the page kept aside, not the buyers' data."""
        self.ensure_one()
        box_ids = ",".join(sorted(str(sheet.shipment_box_id) for sheet in sheets))
        digest = hashlib.sha1(box_ids.encode(), usedforsecurity=False).hexdigest()
        page = self.env["ec.order.page"].sudo()._keep(self, digest, [sheet.raw for sheet in sheets])
        self._delay_job(
            FETCH_CHANNEL,
            f"ec.account.page-{self.id}-{digest}",
            self.env._("Coupang: import %(count)s orders of %(account)s", count=len(sheets), account=self.name),
        )._ec_job_import_page(page.id)

    def _delay_reservation(self, pickings):
        """One job reserving the stock of these deliveries (those still waiting for it). It goes before
        the page jobs waiting (a smaller priority): reservations run one at a time between the pages,
        each soon after its page, instead of all after the last page."""
        self.ensure_one()
        waiting = pickings.filtered(lambda picking: picking.state in ("confirmed", "waiting"))
        if not waiting:
            return
        picking_ids = sorted(waiting.ids)
        self._delay_job(
            RESERVE_CHANNEL,
            f"ec.account.reserve-{self.id}-{','.join(map(str, picking_ids))}",
            self.env._(
                "Coupang: reserve the stock of %(count)s deliveries of %(account)s",
                count=len(picking_ids),
                account=self.name,
            ),
            priority=RESERVE_PRIORITY,
        )._ec_job_reserve(picking_ids)

    def _delay_requests_check(self):
        self.ensure_one()
        self._delay_job(
            FETCH_CHANNEL,
            f"ec.account.requests-{self.id}",
            self.env._("Coupang: check the requests of %s", self.name),
        )._ec_job_check_requests()

    def _delay_push(self, pushes):
        self.ensure_one()
        push_ids = sorted(pushes.ids)
        self._delay_job(
            PUSH_CHANNEL,
            f"ec.account.push-{self.id}-{','.join(map(str, push_ids))}",
            self.env._("Coupang: push %(count)s tracking numbers of %(account)s", count=len(pushes), account=self.name),
        )._ec_job_push_tracking(push_ids)

    def _delay_job(self, channel, identity_key, description, priority=None):
        # In the account's company: the job's company (queue_job's multi-company rule) is the account's.
        return self.with_company(self.company_id).with_delay(
            channel=channel, identity_key=identity_key, description=description, priority=priority
        )

    def _job_store_values(self, job):
        """queue_job's hook for the values it stores with a job of the account."""
        return self.env["queue.job"]._ec_store_values(job)

    # === THE JOBS === #
    # Each job is one transaction, which queue_job commits: no commit inside (the fetch job's pages are
    # queued in transactions of their own, see ec.coupang.importer's _import_page).

    def _ec_job_fetch_orders(self, schedule_id=None):
        """Lists and acknowledges the account's new orders; each INSTRUCT page becomes a job of its own.
        Returns the run's summary, a text (its fetch log shows it in each reader's language)."""
        self.ensure_one()
        schedule = self.env["ec.fetch.schedule"].browse(schedule_id).exists() or None
        return self._fetch_orders(schedule, self._job_run()).summary or ""

    def _ec_job_import_page(self, page_id):
        """Imports one page of order sheets as Coupang sent them, then forgets the page; a box
        imported already (by another fetch) is left as it is."""
        self.ensure_one()
        page = self.env["ec.order.page"].sudo().browse(page_id).exists()
        if not page:
            # The job ran to its end before (its worker died after the commit): the page went with it.
            return self.env._("The page was imported already.")
        run = CoupangRun.for_job(self.with_context(**{DEFER_RESERVATION: True}))
        result = self.env["ec.coupang.importer"]._import_rows(run, page.rows)
        page.unlink()
        return result

    def _ec_job_reserve(self, picking_ids):
        """Reserves the stock of the deliveries a page job confirmed; one such job runs at a time."""
        self.ensure_one()
        pickings = self.env["stock.picking"].with_context(**{DEFER_RESERVATION: False}).browse(picking_ids).exists()
        pickings.filtered(lambda picking: picking.state in ("confirmed", "waiting")).action_assign()
        return self.env._("%s deliveries reserved.", len(pickings))

    def _ec_job_check_requests(self):
        self.ensure_one()
        checked = self.env["ec.coupang.request.checker"]._check_requests(self._job_run())
        return self.env._("Requests checked.") if checked else self.env._("Another check of this account ran.")

    def _job_run(self):
        """The job's run of the account; the run works in the account's environment, which carries
        the job's context."""
        return CoupangRun.for_job(self.with_context(**{JOB_CONTEXT: True}))

    def _ec_job_push_tracking(self, push_ids):
        self.ensure_one()
        Push = self.env["ec.tracking.push"].with_context(**{JOB_CONTEXT: True})
        return Push._push_batch(self._job_run(), Push.browse(push_ids))
