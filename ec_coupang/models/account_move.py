from odoo import fields, models

from ..const import RECEIPT_OPTIONS, RECEIPT_TYPES


class AccountMove(models.Model):
    _inherit = "account.move"

    coupang_receipt_option = fields.Selection(
        RECEIPT_OPTIONS,
        string="Invoice Requested",
        copy=False,
        help="The Taiwan uniform invoice (統一發票) the buyer asked for on Coupang.",
    )
    coupang_receipt_type = fields.Selection(RECEIPT_TYPES, string="Invoice Carrier", copy=False)
    coupang_receipt_value = fields.Char(
        string="Carrier Number",
        copy=False,
        help="The mobile barcode, the donation code or the company's uniform invoice number (統一編號), "
        "as the invoice carrier says.",
    )
