from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        result = super().write(vals)
        # A company's time zone is its address's; EC fetch times are read in it.
        if "tz" in vals and self.env["res.company"].sudo().search_count([("partner_id", "in", self.ids)]):
            self.env["ec.fetch.schedule"]._sync()
        return result
