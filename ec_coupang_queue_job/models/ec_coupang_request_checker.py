from odoo import api, models

from ..const import JOB_CONTEXT
from ..tools.job_errors import job_error


class EcCoupangRequestChecker(models.AbstractModel):
    """The scheduled check queues one job per connected account; in the job, Coupang's refusal
    fails it, with Coupang's message."""

    _inherit = "ec.coupang.request.checker"

    @api.model
    def _cron_check_requests(self):
        for account in self.env["ec.account"].search([("state", "=", "connected")]):
            account._delay_requests_check()

    @api.model
    def _check_failed(self, account, error):
        if self.env.context.get(JOB_CONTEXT):
            raise job_error(self.env, error) from error
        return super()._check_failed(account, error)
