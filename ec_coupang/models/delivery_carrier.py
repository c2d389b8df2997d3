from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    ec_delivery_company_id = fields.Many2one(
        "ec.delivery.company",
        string="Coupang Delivery Company",
        help="The delivery company Coupang knows this carrier as: its code goes with the tracking "
        "numbers sent to Coupang.",
    )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("ec_delivery_company_id"):
            # Deliveries that waited for the code go out now rather than at the next scheduled run.
            Push = self.env["ec.tracking.push"].sudo()
            if Push.search_count([("picking_id.carrier_id", "in", self.ids), ("state", "=", "pending")], limit=1):
                Push._trigger_push()
        return result
