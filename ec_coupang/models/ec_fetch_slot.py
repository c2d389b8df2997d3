from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EcFetchSlot(models.Model):
    _name = "ec.fetch.slot"
    _description = "EC Order Fetch Time"
    _order = "account_id, time, id"

    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    time = fields.Float(
        required=True,
        help="Time of day, in the company's time zone, at which orders are fetched.",
    )

    _sql_constraints = [
        ("time_unique", "UNIQUE(account_id, time)", "Each fetch time appears once per account."),
    ]

    @api.constrains("time")
    def _check_time(self):
        if any(not 0 <= slot.time < 24 for slot in self):
            raise ValidationError(self.env._("A fetch time lies between 00:00 and 23:59."))
