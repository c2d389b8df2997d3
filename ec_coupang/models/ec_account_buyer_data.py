from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import BUYER_DATA_FIELDS, DEFAULT_BUYER_DATA_DAYS


class EcAccountBuyerData(models.AbstractModel):
    """How long an EC account keeps the buyers' personal data Coupang sent (the raw data of its
    orders to review and its requests), and the scheduled erasure of it."""

    _name = "ec.account.buyer.data"
    _description = "EC Account Buyers' Data"

    # === FIELDS === #

    buyer_data_days = fields.Integer(
        string="Keep Buyers' Data (Days)",
        default=DEFAULT_BUYER_DATA_DAYS,
        help="Coupang's data of an order to review or a request (the buyer's name, phone and address) "
        "is erased this many days after the record is closed; the sale order and its delivery keep "
        "what they need. Open records keep it until they are settled.",
    )

    # === CONSTRAINT METHODS === #

    @api.constrains("buyer_data_days")
    def _check_buyer_data_days(self):
        if any(account.buyer_data_days <= 0 for account in self):
            raise ValidationError(self.env._("Buyers' data is kept at least one day after a record is closed."))

    # === BUSINESS METHODS === #

    @api.model
    def _cron_forget_buyers_data(self):
        """Erases Coupang's raw data of the records closed longer ago than their account keeps it."""
        now = fields.Datetime.now()
        for account in self.with_context(active_test=False).search([("buyer_data_days", ">", 0)]):
            account._forget_buyers_data(now - timedelta(days=account.buyer_data_days))

    def _forget_buyers_data(self, closed_before):
        """Blanks the raw data of the account's records closed (done) before ``closed_before``."""
        self.ensure_one()
        for model, field_name in BUYER_DATA_FIELDS.items():
            records = self.env[model].search(
                [
                    ("account_id", "=", self.id),
                    ("state", "=", "done"),
                    ("write_date", "<", closed_before),
                    (field_name, "!=", False),
                ]
            )
            records.write({field_name: False})
