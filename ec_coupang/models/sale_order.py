from odoo import api, fields, models

DELIVERY_KINDS = [
    ("seven_eleven", "7-ELEVEN Pickup"),
    ("familymart", "FamilyMart Pickup"),
    ("home", "Home Delivery"),
]
ORDER_PUSH_STATES = [
    ("waiting", "Not Shipped"),
    ("pending", "To Push"),
    ("error", "Failed"),
    ("done", "Pushed"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ec_account_id = fields.Many2one(
        "ec.account", string="EC Account", readonly=True, index="btree_not_null", copy=False
    )
    coupang_order_id = fields.Char(string="Coupang Order ID", readonly=True, copy=False, index=True)
    coupang_shipment_box_id = fields.Char(string="Coupang Shipment Box ID", readonly=True, copy=False)
    ec_delivery_kind = fields.Selection(DELIVERY_KINDS, string="Coupang Delivery", readonly=True, copy=False)
    ec_store_code = fields.Char(string="Pickup Store ID", readonly=True, copy=False)
    ec_store_name = fields.Char(string="Pickup Store", readonly=True, copy=False)
    ec_location_id = fields.Many2one(
        "ec.location",
        string="Coupang Location",
        readonly=True,
        copy=False,
        help="The return center or outbound place the account uses for this order's delivery type.",
    )
    ec_push_state = fields.Selection(
        ORDER_PUSH_STATES,
        string="Coupang Tracking",
        compute="_compute_ec_push_state",
        store=True,
        help="Whether the tracking numbers of the order's deliveries reached Coupang.",
    )

    _sql_constraints = [
        (
            "ec_shipment_box_unique",
            "UNIQUE(ec_account_id, coupang_shipment_box_id)",
            "A Coupang shipment box is imported once per EC account.",
        ),
    ]

    @api.depends("ec_account_id", "picking_ids.ec_push_state")
    def _compute_ec_push_state(self):
        for order in self:
            states = set(order.picking_ids.mapped("ec_push_state"))
            if not order.ec_account_id:
                order.ec_push_state = False
            else:
                order.ec_push_state = next(
                    (state for state in ("error", "pending", "done") if state in states), "waiting"
                )
