from odoo import api, models

# The quant values whose change moves a product's free quantity (on hand less reserved).
FREE_QUANTITY_FIELDS = frozenset({"quantity", "reserved_quantity", "product_id", "location_id"})


class StockQuant(models.Model):
    _inherit = "stock.quant"

    # Every stock move and reservation ends in these writes (stock.quant._update_available_quantity):
    # they only mark the product for the stock cron, one insert, never a call to Coupang.
    @api.model_create_multi
    def create(self, vals_list):
        quants = super().create(vals_list)
        self.env["ec.stock.change"].sudo()._mark_products(set(quants.product_id.ids))
        return quants

    def write(self, vals):
        products = set(self.product_id.ids) if FREE_QUANTITY_FIELDS & set(vals) else set()
        result = super().write(vals)
        if products:
            self.env["ec.stock.change"].sudo()._mark_products(products | set(self.product_id.ids))
        return result
