from odoo import models

from ..const import DEFER_RESERVATION


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_assign(self, force_qty=False):
        if self.env.context.get(DEFER_RESERVATION):
            return None  # reserved after the confirmation: see DEFER_RESERVATION
        return super()._action_assign(force_qty=force_qty)
