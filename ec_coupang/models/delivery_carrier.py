from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    ec_delivery_company_id = fields.Many2one(
        "ec.delivery.company",
        string="Coupang Delivery Company",
        help="The delivery company Coupang knows this carrier as: its code goes with the tracking "
        "numbers sent to Coupang.",
    )
