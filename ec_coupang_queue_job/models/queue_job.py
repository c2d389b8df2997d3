from odoo import api, fields, models
from odoo.addons.queue_job.job import FAILED

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

    @api.depends("model_name", "records")
    def _compute_ec_account_id(self):
        for job in self:
            job.ec_account_id = job.records[:1].id if job.model_name == "ec.account" else False

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == FAILED:
            # queue_job rolled the job back and records its failure in a transaction of its own.
            for job in self._ec_push_jobs():
                self.env["ec.tracking.push"].sudo()._fail_job_rows(job.args[0], job.exc_message)
        return result

    def requeue(self):
        for job in self._ec_push_jobs().filtered(lambda job: job.state == FAILED):
            self.env["ec.tracking.push"].sudo()._requeue_job_rows(job.args[0])
        return super().requeue()

    def _ec_push_jobs(self):
        return self.filtered(lambda job: job.model_name == "ec.account" and job.method_name == PUSH_JOB)
