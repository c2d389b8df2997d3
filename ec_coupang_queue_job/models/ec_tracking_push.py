from odoo import api, fields, models
from odoo.addons.ec_coupang.models.ec_tracking_push import PUSH_BATCH_SIZE
from odoo.tools import SQL


class EcTrackingPush(models.Model):
    """The scheduled push queues the due deliveries as jobs, per account, a batch of sale orders
    each; a job sends those of its rows still due that no other transaction sends."""

    _inherit = "ec.tracking.push"

    @api.model
    def _cron_push_tracking(self):
        for account, pushes in self._due_batches():
            account._delay_push(pushes)

    @api.model
    def _due_batches(self, batch_size=PUSH_BATCH_SIZE):
        """[(account, its due rows of at most ``batch_size`` sale orders)], those that waited longest first."""
        due = self.search(
            [
                ("state", "=", "pending"),
                ("account_id", "!=", False),
                "|",
                ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", fields.Datetime.now()),
            ],
            order="next_attempt_at, id",
        )
        batches = []
        for account, pushes in due.grouped("account_id").items():
            orders = pushes.sale_order_id
            for start in range(0, len(orders), batch_size):
                batch_orders = orders[start : start + batch_size]
                batches.append((account, pushes.filtered(lambda push, batch=batch_orders: push.sale_order_id in batch)))
        return batches

    @api.model
    def _push_batch(self, pushes):
        """Sends those of ``pushes`` still due that no other transaction holds; returns what was done."""
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
        unreachable = locked._push()
        if unreachable:
            return self.env._("Coupang could not be reached; the deliveries wait for the next push.")
        return self.env._("%s deliveries sent to Coupang.", len(locked))
