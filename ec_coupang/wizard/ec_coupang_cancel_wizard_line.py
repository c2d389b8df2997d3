from odoo import fields, models


class EcCoupangCancelWizardLine(models.TransientModel):
    """One Coupang item of the order in the Cancel on Coupang wizard: its open units, those a buyer's
    request holds (Coupang refuses to cancel them again) and the units to cancel."""

    _name = "ec.coupang.cancel.wizard.line"
    _description = "Cancel on Coupang Line"

    wizard_id = fields.Many2one("ec.coupang.cancel.wizard", required=True, ondelete="cascade")
    sale_line_id = fields.Many2one("sale.order.line", required=True, readonly=True, ondelete="cascade")
    product_id = fields.Many2one(related="sale_line_id.product_id")
    open_quantity = fields.Integer(string="Open Units", readonly=True, help="Units ordered and not shipped.")
    held_quantity = fields.Integer(
        string="Held by a Buyer's Request",
        readonly=True,
        help="Units a buyer's stop-shipment request holds on Coupang: answer the request instead.",
    )
    quantity = fields.Integer(string="Units to Cancel")
