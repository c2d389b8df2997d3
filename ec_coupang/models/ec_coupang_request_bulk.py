from odoo import models

from ..tools.coupang_run import CoupangRun


class EcCoupangRequest(models.Model):
    """Apply or Retry of the Coupang requests selected in their list."""

    _name = "ec.coupang.request"
    _inherit = ["ec.coupang.request", "ec.bulk.retry.mixin"]
    _bulk_retry_open_states = ("failed", "person")

    def action_retry_selected(self):
        """Applies the requests selected in the list again, each on its own (as Retry does), and
        stays on the list."""
        self.check_access("write")
        with CoupangRun.answering(self) as requests:
            return requests._retry_in_bulk(EcCoupangRequest._apply_alone, self.env._("Apply of the Selected Requests"))

    def _apply_alone(self):
        """Applies the request; when answers are committed, so is its outcome, before the next
        request's apply, which rolls its own transaction back when it fails."""
        self.sudo()._apply_locked()
        if CoupangRun.may_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
