from odoo import api, fields, models

from ..const import COUPANG_MARKETS, DEFAULT_COUPANG_MARKET


class EcDeliveryCompany(models.Model):
    _name = "ec.delivery.company"
    _description = "EC Delivery Company"
    _order = "market, name, id"
    _rec_names_search = ["name", "code"]

    code = fields.Char(
        required=True,
        help="The code Coupang knows the delivery company by (deliveryCompanyCode), e.g. CJGLS.",
    )
    name = fields.Char(required=True)
    market = fields.Selection(
        selection=COUPANG_MARKETS,
        required=True,
        default=DEFAULT_COUPANG_MARKET,
        help="The Coupang market whose invoices take this code.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(market, code)", "A delivery company code appears once per market."),
    ]

    @api.depends("name", "code")
    def _compute_display_name(self):
        for company in self:
            company.display_name = f"[{company.code}] {company.name}" if company.code else company.name
