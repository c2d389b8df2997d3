from odoo import api, fields, models


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
