from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.fetch_times import local_time_to_utc_minute


class EcFetchSlot(models.Model):
    _name = "ec.fetch.slot"
    _inherit = ["ec.fetch.schedule.trigger"]
    _description = "EC Order Fetch Time"
    _fetch_schedule_fields = frozenset({"account_id", "time"})
    _order = "account_id, time, id"

    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    time = fields.Float(
        required=True,
        help="Time of day, in the company's time zone, at which orders are fetched.",
    )
    schedule_id = fields.Many2one(
        "ec.fetch.schedule",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The daily schedule (one scheduled action per UTC time) that runs this fetch. Empty while "
        "the account does not fetch.",
    )

    _sql_constraints = [
        ("time_unique", "UNIQUE(account_id, time)", "Each fetch time appears once per account."),
    ]

    @api.constrains("time")
    def _check_time(self):
        if any(not 0 <= slot.time < 24 for slot in self):
            raise ValidationError(self.env._("A fetch time lies between 00:00 and 23:59."))

    def _utc_minute(self):
        """The UTC minute of the day this slot falls on today, in its company's time zone."""
        self.ensure_one()
        tz_name = self.account_id._fetch_tz()
        today = fields.Datetime.context_timestamp(self.with_context(tz=tz_name), fields.Datetime.now()).date()
        return local_time_to_utc_minute(self.time, tz_name, today)
