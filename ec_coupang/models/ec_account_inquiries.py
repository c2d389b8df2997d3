from odoo import fields, models

from ..tools.notifications import display_notification

INQUIRY_CRON_XMLID = "ec_coupang.ir_cron_ec_list_inquiries"


class EcAccount(models.Model):
    _inherit = "ec.account"

    inquiries_listed_to = fields.Date(
        string="Inquiries Listed Up To",
        copy=False,
        help="The buyers' inquiries asked up to this day (the market's) were listed; the next listing reads "
        "again the week before it.",
    )

    def action_load_inquiries(self):
        """Lists the buyers' inquiries now, in the background (the scheduled listing is started)."""
        self.ensure_one()
        self._check_connected_caller(self.env._("Test the connection before loading inquiries."))
        self.env.ref(INQUIRY_CRON_XMLID).sudo()._trigger()
        return display_notification(
            self.env._("Load Inquiries"),
            self.env._("The inquiries are being listed from Coupang: they show under Inquiries in a moment."),
            "info",
        )

    def _forget_buyers_data(self, closed_before):
        result = super()._forget_buyers_data(closed_before)
        self.env["ec.coupang.inquiry"].sudo()._forget_buyers_data(self, closed_before)
        return result
