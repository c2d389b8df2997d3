import sys

from odoo import api, fields, models
from odoo.addons.ec_coupang.tools.coupang_errors import message, render_stored, text_message
from odoo.addons.queue_job.job import FAILED, PENDING

from ..tools.job_errors import failure_reason

PUSH_JOB = "_ec_job_push_tracking"


class QueueJob(models.Model):
    _inherit = "queue.job"

    ec_account_id = fields.Many2one(
        "ec.account",
        string="EC Account",
        compute="_compute_ec_account_id",
        store=True,
        index="btree_not_null",
        ondelete="set null",
        help="The EC account whose work this job does.",
    )
    ec_error_code = fields.Char(
        string="Reason Code", readonly=True, help="The code of why the job failed, or waits to be tried again."
    )
    ec_error_params = fields.Json(string="Reason Details", readonly=True)
    ec_error = fields.Text(
        string="Why it failed",
        compute="_compute_ec_error",
        help="Why the job failed, or waits to be tried again, in your language.",
    )

    @api.depends("model_name", "records")
    def _compute_ec_account_id(self):
        for job in self:
            job.ec_account_id = job.records[:1].id if job.model_name == "ec.account" else False

    @api.depends("ec_error_code", "ec_error_params", "exc_message", "state")
    @api.depends_context("lang")
    def _compute_ec_error(self):
        for job in self:
            legacy = job.exc_message if job.state == FAILED else False
            job.ec_error = render_stored(self.env, job.ec_error_code, job.ec_error_params, legacy)

    @api.model
    def _ec_store_values(self, job):
        """The values queue_job stores with an EC job (``Job.store``): why it failed or waits, as a
        code and its parameters. queue_job's runner stores a failure (or a retry) in the ``except``
        clause that handles the job's exception (``RunJobController._runjob``), so that exception is
        the one being handled here; any other store (enqueued, started, done, requeued) clears the
        reason."""
        reason = None
        if job.retry and job.state in (FAILED, PENDING):
            reason = failure_reason(sys.exc_info()[1])
        return {"ec_error_code": reason and reason["code"], "ec_error_params": reason and reason["params"]}

    def _ec_error_message(self):
        """Why the job failed, as a message (its text as queue_job stored it when the addon did not
        raise the error)."""
        self.ensure_one()
        if self.ec_error_code:
            return message(self.ec_error_code, **(self.ec_error_params or {}))
        return text_message(self.exc_message or "")

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == FAILED:
            # queue_job rolled the job back and records its failure in a transaction of its own.
            for job in self._ec_push_jobs():
                self.env["ec.tracking.push"].sudo()._fail_job_rows(job.args[0], job._ec_error_message())
        return result

    def requeue(self):
        for job in self._ec_push_jobs().filtered(lambda job: job.state == FAILED):
            self.env["ec.tracking.push"].sudo()._requeue_job_rows(job.args[0])
        return super().requeue()

    def _ec_push_jobs(self):
        return self.filtered(lambda job: job.model_name == "ec.account" and job.method_name == PUSH_JOB)
