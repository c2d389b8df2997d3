from odoo import models
from odoo.addons.ec_coupang.coupang import CoupangError

from ..const import JOB_CONTEXT
from ..tools.job_errors import job_error


class EcCoupangRequest(models.Model):
    """In a job, Coupang unreachable while a request is applied tries the job again, instead of
    keeping the request as failed for the next check to try."""

    _inherit = "ec.coupang.request"

    def _apply(self, run, fresh, read):
        if not self.env.context.get(JOB_CONTEXT):
            return super()._apply(run, fresh, read)
        try:
            return super()._apply(run, fresh, read)
        except CoupangError as error:
            if error.transient:
                raise job_error(self.env, error) from error
            raise
