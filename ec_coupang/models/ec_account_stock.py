import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..coupang import MARKETS
from ..tools.notifications import display_notification

STOCK_CRON_XMLID = "ec_coupang.ir_cron_ec_send_stock"
# The settings that change the value of every item of the account: a change sends them all again.
STOCK_SETTINGS = frozenset({"stock_push", "stock_warehouse_id", "stock_location_ids", "stock_safety"})


class EcAccountStock(models.AbstractModel):
    """Stock to Coupang (Korea only): the free quantity of each mapped item's product in the chosen
    warehouse or locations, less the safety stock, goes to Coupang as the item's stock (the queue
    ``ec.stock.push`` and its scheduled action)."""

    _name = "ec.account.stock"
    _description = "EC Account Stock to Coupang"

    stock_push = fields.Boolean(
        string="Send Stock to Coupang",
        help="Each mapped item's stock on Coupang follows the free quantity of its product (on hand less "
        "reserved) in the warehouse or locations below, less the safety stock. Korea only.",
    )
    stock_warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="The warehouse whose stock is sent, unless stock locations are chosen; empty: the company's "
        "first warehouse.",
    )
    stock_location_ids = fields.Many2many(
        "stock.location",
        "ec_account_stock_location_rel",
        "account_id",
        "location_id",
        string="Stock Locations",
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Only the stock of these locations (and their sublocations) is sent, instead of the warehouse's.",
    )
    stock_safety = fields.Integer(
        string="Safety Stock",
        help="Units of each item kept back: Coupang gets the free quantity less these units, never below 0.",
    )
    stock_offered = fields.Boolean(string="Stock Call Offered", compute="_compute_stock_offered")

    @api.depends("coupang_market")
    def _compute_stock_offered(self):
        for account in self:
            account.stock_offered = MARKETS[account.coupang_market].offers("item_quantity")

    @api.constrains("stock_push", "coupang_market", "stock_safety", "stock_warehouse_id", "stock_location_ids")
    def _check_stock_push(self):
        for account in self:
            if account.stock_safety < 0:
                raise ValidationError(self.env._("The safety stock cannot be negative."))
            if not account.stock_push:
                continue
            if not account.stock_offered:
                raise ValidationError(self.env._("Coupang offers the stock call in Korea only."))

    @api.onchange("stock_push")
    def _onchange_stock_push(self):
        if self.stock_push and not self.stock_warehouse_id:
            self.stock_warehouse_id = self._company_warehouse()

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts.filtered("stock_push")._queue_stock_all()
        return accounts

    def write(self, vals):
        result = super().write(vals)
        if STOCK_SETTINGS & set(vals):
            self.filtered("stock_push")._queue_stock_all()
        return result

    # === ACTION METHODS === #

    def action_send_stock_now(self):
        """Sends every mapped item's stock again, by the scheduled action at once: no user waits on Coupang."""
        self.ensure_one()
        self._check_coupang_rights()
        if not self.stock_offered:
            raise UserError(self.env._("Coupang offers the stock call in Korea only."))
        if not self.stock_push:
            raise UserError(self.env._("Turn on Send Stock to Coupang first."))
        self._queue_stock_all(force=True)
        return display_notification(
            self.env._("Stock to Coupang"),
            self.env._("The stock of every mapped item is being sent to Coupang."),
            "info",
        )

    # === BUSINESS METHODS === #

    def _queue_stock_all(self, force=False):
        """Every mapped item of these accounts is sent again (``force``: even a value Coupang has)."""
        self.env["ec.stock.change"].sudo()._mark_accounts(self, force=force)
        self.env.ref(STOCK_CRON_XMLID).sudo()._trigger()

    def _company_warehouse(self):
        return self.env["stock.warehouse"].sudo().search([("company_id", "=", self.company_id.id)], limit=1)

    def _stock_locations(self):
        self.ensure_one()
        return self.stock_location_ids or (self.stock_warehouse_id or self._company_warehouse()).lot_stock_id

    def _stock_to_send(self, products):
        """{product id: the units Coupang gets}: the free quantity (on hand less reserved, never below
        0) of the account's locations, whole units, less the safety stock, never below 0."""
        self.ensure_one()
        locations = self._stock_locations()
        free = dict.fromkeys(products.ids, 0.0)
        if locations:
            groups = (
                self.env["stock.quant"]
                .sudo()
                ._read_group(
                    [("product_id", "in", products.ids), ("location_id", "child_of", locations.ids)],
                    ["product_id"],
                    ["quantity:sum", "reserved_quantity:sum"],
                )
            )
            for product, quantity, reserved in groups:
                free[product.id] = max(0.0, quantity - reserved)
        return {
            product_id: max(0, math.floor(quantity + 1e-6) - self.stock_safety) for product_id, quantity in free.items()
        }
