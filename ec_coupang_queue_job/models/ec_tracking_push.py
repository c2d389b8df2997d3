from odoo import api, fields, models
from odoo.addons.ec_coupang.const import PUSH_BATCH_SIZE
from odoo.addons.ec_coupang.coupang import RequestRejectedError
from odoo.tools import SQL

from ..const import JOB_CONTEXT
from ..tools.job_errors import failed_job_error, job_error


class EcTrackingPush(models.Model):
    """The scheduled push queues the due deliveries as jobs, per account, a batch of sale orders
    each; a job sends those of its rows still due that no other transaction sends.

    In a job, the job alone tries again: Coupang unreachable, silent or limiting the calls raises
    queue_job's RetryableJobError (after the job function's retry pattern, or Coupang's
    Retry-After); Coupang refusing the call fails the job with Coupang's message, which the rows
    show too (``queue.job``); a delivery Coupang refuses, or that cannot be sent as it is, is marked
    on its row and the job goes on. The rows' own growing delay is the cron mode's only."""

    _inherit = "ec.tracking.push"

    @api.model
    def _cron_push_tracking(self):
        for account, pushes in self._due_batches():
            account._delay_push(pushes)

    @api.model
    def _due_batches(self, batch_size=PUSH_BATCH_SIZE):
        """[(account, its due rows of at most ``batch_size`` sale orders)], those that waited longest first."""
        due = self.search(self._due_domain(), order="next_attempt_at, id")
        batches = []
        for account, pushes in due.grouped("account_id").items():
            orders = pushes.sale_order_id
            for start in range(0, len(orders), batch_size):
                batch_orders = orders[start : start + batch_size]
                batches.append((account, pushes.filtered(lambda push, batch=batch_orders: push.sale_order_id in batch)))
        return batches

    @api.model
    def _push_batch(self, run, pushes):
        """Sends those of ``pushes`` (of the run's account) still due that no other transaction holds;
        returns what was done."""
        orders = self._lock_sale_orders(pushes.sale_order_id)
        locked = self._lock_rows(
            SQL(
                """push.id = ANY(%s) AND push.sale_order_id = ANY(%s) AND push.state = 'pending'
                   AND (push.next_attempt_at IS NULL OR push.next_attempt_at <= %s)""",
                pushes.ids,
                orders.ids,
                fields.Datetime.now(),
            )
        )
        locked._push(run)
        return self.env._("%s deliveries sent to Coupang.", len(locked.filtered(lambda push: push.state == "done")))

    def _postpone(self, reason):
        if not self.env.context.get(JOB_CONTEXT):
            return super()._postpone(reason)
        raise failed_job_error(self.env, reason)  # the account's client could not be opened: its settings

    def _postpone_for(self, error):
        if not self.env.context.get(JOB_CONTEXT):
            return super()._postpone_for(error)
        raise job_error(self.env, error) from error

    def _handle_call_error(self, error):
        if self.env.context.get(JOB_CONTEXT) and isinstance(error, RequestRejectedError):
            raise job_error(self.env, error) from error
        return super()._handle_call_error(error)

    def _retry_at(self, attempts):
        if not self.env.context.get(JOB_CONTEXT):
            return super()._retry_at(attempts)
        return False  # no delay of its own: the row stays due, and the account's next push job sends it again

    @api.model
    def _fail_job_rows(self, push_ids, reason):
        """The push job of these rows failed (rolled back) for ``reason`` (a message): its rows still
        due say why and wait for a person, instead of being queued again by every scheduled push."""
        for push in self.browse(push_ids).exists().filtered(lambda push: push.state == "pending"):
            push._set_failed(reason, final=True)

    @api.model
    def _requeue_job_rows(self, push_ids):
        """The failed push job is queued again: its rows are due again."""
        self.browse(push_ids).exists().filtered(lambda push: push.state == "error").write(
            {"state": "pending", "attempts": 0, "next_attempt_at": False}
        )
