from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    coupang_vendor_item_id = fields.Char(
        string="Coupang Vendor Item ID",
        readonly=True,
        copy=False,
        help="The Coupang option (vendorItemId) this line was ordered as.",
    )
