from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, plaintext2html

from ..const import RECEIPT_OPTIONS, RECEIPT_TYPES, REQUEST_DISPLAY_STATES
from ..coupang import CoupangError
from ..tools.coupang_errors import MessageError, error_message, message, render
from ..tools.coupang_run import CoupangRun
from ..tools.notifications import post_in_chatter

DELIVERY_KINDS = [
    ("seven_eleven", "7-ELEVEN Pickup"),
    ("familymart", "FamilyMart Pickup"),
    ("home", "Home Delivery"),
]
COUPANG_STATUSES = [
    ("ACCEPT", "Paid"),
    ("INSTRUCT", "Preparing"),
    ("DEPARTURE", "Shipped"),
    ("DELIVERING", "Delivering"),
    ("FINAL_DELIVERY", "Delivered"),
    ("NONE_TRACKING", "Delivered Without Tracking"),
    ("canceled", "Canceled"),
    ("returning", "Return Requested"),
    ("returned", "Returned"),
]
ORDER_PUSH_STATES = [
    ("waiting", "Not Shipped"),
    ("pending", "To Push"),
    ("error", "Failed"),
    ("done", "Pushed"),
]
# An order shows the first of these states that one of its deliveries has: "waiting" when none has any.
ORDER_PUSH_PRIORITY = ("error", "pending", "done", "waiting")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ec_account_id = fields.Many2one(
        "ec.account", string="EC Account", readonly=True, index="btree_not_null", copy=False
    )
    ec_store_key = fields.Char(
        string="Coupang Store",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The Coupang store (market and Vendor ID) the order came from, as it was when it was imported.",
    )
    coupang_order_id = fields.Char(string="Coupang Order ID", readonly=True, copy=False, index=True)
    coupang_shipment_box_id = fields.Char(string="Coupang Shipment Box ID", readonly=True, copy=False)
    coupang_status = fields.Selection(
        COUPANG_STATUSES,
        readonly=True,
        copy=False,
        help="The shipment box's status on Coupang when the order was last read.",
    )
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
    coupang_is_cod = fields.Boolean(
        string="Cash on Delivery",
        readonly=True,
        copy=False,
        help="The buyer pays on delivery or at the pickup store: the carrier collects the amount.",
    )
    coupang_cod_amount = fields.Monetary(
        string="Amount to Collect",
        readonly=True,
        copy=False,
        help="What the buyer pays on delivery: Coupang's total of the shipment box.",
    )
    coupang_parcel_message = fields.Char(
        string="Parcel Message", readonly=True, copy=False, help="The buyer's message to print on the parcel."
    )
    coupang_receipt_option = fields.Selection(
        RECEIPT_OPTIONS,
        string="Invoice Requested",
        readonly=True,
        copy=False,
        help="The Taiwan uniform invoice (統一發票) the buyer asked for on Coupang.",
    )
    coupang_receipt_type = fields.Selection(
        RECEIPT_TYPES,
        string="Invoice Carrier",
        readonly=True,
        copy=False,
        help="Where the e-invoice goes: the buyer's Coupang member carrier, a mobile barcode, a "
        "donation, or a company (with its uniform invoice number).",
    )
    coupang_receipt_value = fields.Char(
        string="Carrier Number",
        readonly=True,
        copy=False,
        help="The mobile barcode, the donation code or the company's uniform invoice number (統一編號), "
        "as the invoice carrier says.",
    )
    ec_push_ids = fields.One2many("ec.tracking.push", "sale_order_id", string="Tracking Pushes", readonly=True)
    # Not stored: the tracking push never writes a sale order's row.
    ec_push_state = fields.Selection(
        ORDER_PUSH_STATES,
        string="Coupang Tracking",
        compute="_compute_ec_push_state",
        compute_sudo=True,
        search="_search_ec_push_state",
        help="Whether the tracking numbers of the order's deliveries reached Coupang.",
    )

    ec_request_ids = fields.One2many("ec.coupang.request", "sale_order_id", string="Coupang Requests", readonly=True)
    ec_request_state = fields.Selection(
        REQUEST_DISPLAY_STATES,
        string="Coupang Request",
        compute="_compute_ec_request_state",
        compute_sudo=True,
        help="The state of the buyer's cancellation, stop-shipment request or return on Coupang.",
    )
    ec_shipped_despite_stop = fields.Boolean(
        string="Shipped Despite Stop Request",
        readonly=True,
        copy=False,
        help="The buyer asked Coupang to stop the shipment after the box had left.",
    )

    ec_cancel_ids = fields.One2many("ec.coupang.cancel", "sale_order_id", string="Cancels on Coupang", readonly=True)
    ec_cancel_in_doubt = fields.Boolean(
        string="Cancel on Coupang Unconfirmed",
        compute="_compute_ec_cancel",
        compute_sudo=True,
        help="A Cancel on Coupang was sent and Coupang's answer was lost: Check on Coupang reads it back.",
    )
    ec_can_cancel_on_coupang = fields.Boolean(
        string="Can Be Canceled on Coupang", compute="_compute_ec_cancel", compute_sudo=True
    )
    ec_inquiry_ids = fields.Many2many("ec.coupang.inquiry", string="Coupang Inquiries", compute="_compute_ec_inquiries")
    ec_inquiry_count = fields.Integer(string="Inquiries", compute="_compute_ec_inquiries")

    _sql_constraints = [
        (
            "ec_shipment_box_unique",
            "UNIQUE(ec_store_key, coupang_shipment_box_id)",
            "A Coupang shipment box is imported once per Coupang store.",
        ),
    ]

    @api.depends("ec_account_id", "ec_push_ids.state")
    def _compute_ec_push_state(self):
        for order in self:
            states = set(order.ec_push_ids.mapped("state"))
            if not order.ec_account_id:
                order.ec_push_state = False
            else:
                order.ec_push_state = next((state for state in ORDER_PUSH_PRIORITY if state in states), "waiting")

    def _search_ec_push_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(f"Coupang Tracking cannot be searched with {operator!r}.")
        states = {value} if operator in ("=", "!=") else set(value)
        domain = expression.OR([self._ec_push_state_domain(state) for state in states])
        return ["!", *domain] if operator in ("!=", "not in") else domain

    @staticmethod
    def _ec_push_state_domain(state):
        """The orders whose Coupang Tracking is ``state``: the state, by priority, of one of its deliveries."""
        if not state:
            return [("ec_account_id", "=", False)]
        rank = ORDER_PUSH_PRIORITY.index(state)
        domain = [("ec_account_id", "!=", False)]
        if rank:
            domain.append(("ec_push_ids", "not any", [("state", "in", ORDER_PUSH_PRIORITY[:rank])]))
        if state != "waiting":
            domain.append(("ec_push_ids", "any", [("state", "=", state)]))
        return domain

    def _prepare_invoice(self):
        return {**super()._prepare_invoice(), **self._ec_e_invoice_values()}

    def _ec_e_invoice_values(self):
        """The buyer's e-invoice request, carried to the order's invoice."""
        self.ensure_one()
        return {
            "coupang_receipt_option": self.coupang_receipt_option,
            "coupang_receipt_type": self.coupang_receipt_type,
            "coupang_receipt_value": self.coupang_receipt_value,
        }

    @api.depends("ec_request_ids.state", "ec_request_ids.kind", "ec_request_ids.answer")
    def _compute_ec_request_state(self):
        for order in self:
            order.ec_request_state = order.ec_request_ids._display_state()

    @api.depends("ec_cancel_ids.state", "state", "picking_ids.state", "coupang_order_id")
    def _compute_ec_cancel(self):
        for order in self:
            order.ec_cancel_in_doubt = any(cancel.state == "in_doubt" for cancel in order.ec_cancel_ids)
            order.ec_can_cancel_on_coupang = bool(
                order.coupang_order_id
                and order.state == "sale"
                and not order.ec_cancel_in_doubt
                and not order._ec_shipped()
            )

    def action_ec_cancel_on_coupang(self):
        """Opens the Cancel on Coupang wizard of the order: the units to cancel and Coupang's reason."""
        self.ensure_one()
        self.ec_account_id._check_coupang_rights()
        self._ec_check_cancelable()
        wizard = self.env["ec.coupang.cancel.wizard"].create({"sale_order_id": self.id})
        wizard._fill_lines()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel on Coupang"),
            "res_model": "ec.coupang.cancel.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_ec_check_cancel(self):
        """Reads back from Coupang the outcome of the order's Cancels on Coupang whose answer was lost."""
        self.ensure_one()
        self.ec_account_id._check_coupang_rights()
        self.check_access("write")
        with CoupangRun.answering(self) as order:
            order._ec_lock_for_cancel()
            cancels = order.sudo().ec_cancel_ids.filtered(lambda cancel: cancel.state == "in_doubt")
            if cancels:
                with CoupangRun.for_answers(order.sudo().ec_account_id).connected() as run:
                    try:
                        for cancel in cancels:
                            cancel._settle(run.client)
                    except CoupangError as error:
                        raise UserError(render(order.env, error_message(error))) from error
        return True

    def _ec_check_cancelable(self):
        """Refuses a Cancel on Coupang that Coupang's rules or the addon's care refuse: an order not
        from Coupang, canceled already, shipped, or with a cancel whose outcome is not known yet."""
        self.ensure_one()
        if not (self.ec_account_id and self.coupang_order_id):
            raise MessageError(self.env, "seller_cancel_not_coupang")
        if self.state == "cancel":
            raise MessageError(self.env, "seller_cancel_order_canceled")
        if self.state != "sale":
            raise MessageError(self.env, "seller_cancel_not_confirmed")
        if self._ec_shipped():
            raise MessageError(self.env, "seller_cancel_shipped")
        if any(cancel.state == "in_doubt" for cancel in self.sudo().ec_cancel_ids):
            raise MessageError(self.env, "seller_cancel_pending")

    def _ec_shipped(self):
        return any(picking.state == "done" for picking in self._ec_deliveries())

    def _ec_lock_for_cancel(self):
        """Locks the order's row for this transaction: one Cancel on Coupang of an order at a time."""
        self.env.cr.execute(SQL("SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id))
        if not self.env.cr.fetchone():
            raise MessageError(self.env, "seller_cancel_busy")
        self.invalidate_recordset()

    def _ec_held_counts(self):
        """{vendor item id: units} held by the buyers' open requests (a stop not yet applied)."""
        held = {}
        for request in self.sudo().ec_request_ids.filtered("blocks_delivery"):
            coupang_request = request._coupang_request()
            for item in getattr(coupang_request, "items", ()):
                held[item.vendor_item_id] = held.get(item.vendor_item_id, 0) + item.cancel_count
        return held

    def _ec_deliveries(self):
        """The deliveries to the customer of the order (returns excluded)."""
        return self.picking_ids.filtered(
            lambda picking: picking.picking_type_code == "outgoing" and not picking.return_id
        )

    def _ec_cancel_quantities(self, counts, chatter=True):
        """Cancels ``counts`` ({vendor item id: quantity}) of the order: the whole order and its
        delivery when nothing is left, else the lines' quantities, which the delivery follows.
        ``chatter``: say on the order that the buyer canceled (the seller's cancel says it its way)."""
        self.ensure_one()
        lines = self.order_line.filtered("coupang_vendor_item_id")
        left = {line: line.product_uom_qty - counts.get(line.coupang_vendor_item_id, 0) for line in lines}
        if all(quantity <= 0 for quantity in left.values()):
            self._action_cancel()
            if chatter:
                post_in_chatter(self, message("buyer_canceled_order"))
            return
        for line, quantity in left.items():
            if quantity < line.product_uom_qty:
                line.product_uom_qty = max(quantity, line.qty_delivered)
        self._ec_shrink_deliveries()
        if chatter:
            post_in_chatter(self, message("buyer_canceled_part"))

    def _ec_shrink_deliveries(self):
        """Leaves on the open deliveries no more of each line than is left to ship. Odoo lowers the
        moves' demand when a line goes down, but keeps what was already picked, and when it cannot
        lower a move it plans a receipt from the customer instead, of units that never left."""
        deliveries = self._ec_deliveries()
        for line in self.order_line.filtered("coupang_vendor_item_id"):
            line.move_ids.filtered(
                lambda move: (
                    move.picking_code == "incoming"
                    and not move.origin_returned_move_id
                    and move.state not in ("done", "cancel")
                )
            )._action_cancel()
            left = max(line.product_uom_qty - line.qty_delivered, 0)
            moves = line.move_ids.filtered(
                lambda move: move.picking_id in deliveries and move.state not in ("done", "cancel")
            )
            for move in moves.sorted("id"):
                kept = min(move.product_uom_qty, left)
                if move.quantity > kept:
                    move.quantity = kept
                if move.product_uom_qty > kept:
                    move.product_uom_qty = kept
                left -= kept

    def _ec_units_over_what_is_left(self, picking):
        """{sale line: units} the delivery would ship beyond what is left of the line to ship."""
        over = {}
        for line in self.order_line.filtered("coupang_vendor_item_id"):
            moves = picking.move_ids.filtered(lambda move, line=line: move.sale_line_id == line)
            excess = sum(moves.mapped("quantity")) - max(line.product_uom_qty - line.qty_delivered, 0)
            if excess > 0:
                over[line] = excess
        return over

    def _ec_flag_shipped_despite_stop(self, receipt_id):
        self.ensure_one()
        if self.ec_shipped_despite_stop:
            return
        self.ec_shipped_despite_stop = True
        note = message("shipped_despite_stop_note", receipt=receipt_id)
        post_in_chatter(self, note)
        self._ec_schedule_activity(message("shipped_despite_stop"), note)

    def _ec_follow_return(self, completed):
        status = "returned" if completed else "returning"
        if self.coupang_status != status:
            self.coupang_status = status

    def _ec_apply_coupang_sheet(self, sheet):
        """Follows the box's state on Coupang; returns True when this read found it canceled.

        Canceled before shipment, the order and its delivery are canceled; once something was
        shipped, the responsible user gets an activity instead (a return is a person's call).
        """
        self.ensure_one()
        if self.coupang_status == "canceled" or self.state == "cancel":
            return False
        if sheet.is_fully_canceled:
            self._ec_cancel_from_coupang()
            return True
        self.coupang_status = sheet.status
        self._ec_flag_partial_cancellation(sheet)
        return False

    def _ec_cancel_from_coupang(self):
        self.ensure_one()
        if self.picking_ids.filtered(lambda picking: picking.state == "done"):
            note = message("canceled_after_shipment_note")
            post_in_chatter(self, note)
            self._ec_schedule_activity(message("canceled_after_shipment"), note)
        else:
            self._action_cancel()
            post_in_chatter(self, message("canceled_before_shipment"))
        self.coupang_status = "canceled"

    def _ec_flag_partial_cancellation(self, sheet):
        """Some items were canceled on Coupang: the responsible user adjusts the delivery."""
        to_ship = {item.vendor_item_id: item.quantity_to_ship for item in sheet.items}
        reduced = self.order_line.filtered(
            lambda line: (
                line.coupang_vendor_item_id and to_ship.get(line.coupang_vendor_item_id, 0) < line.product_uom_qty
            )
        )
        summary = message("canceled_part")
        if not reduced or self.activity_ids.filtered(
            lambda activity: activity.summary == render(self._ec_responsible_env(), summary)
        ):
            return
        items = [
            message(
                "item_left",
                product=line.product_id.display_name,
                left=f"{to_ship.get(line.coupang_vendor_item_id, 0):g}",
                ordered=f"{line.product_uom_qty:g}",
            )
            for line in reduced
        ]
        note = message("canceled_part_note", items=items)
        post_in_chatter(self, note)
        self._ec_schedule_activity(summary, note)

    def _ec_responsible_env(self):
        """The environment in the language of the user who takes the order's to-dos."""
        return self.with_context(lang=self._ec_responsible().lang).env

    def _ec_responsible(self):
        return self.ec_account_id.user_id or self.user_id

    def _ec_schedule_activity(self, summary, note):
        """A to-do for the order's responsible user; ``summary`` and ``note`` are messages, written in
        that user's language (Odoo stores the activity's text)."""
        env = self._ec_responsible_env()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self._ec_responsible().id,
            summary=render(env, summary),
            note=plaintext2html(render(env, note)),
        )

    # --- buyers' inquiries ---

    def _compute_ec_inquiries(self):
        """The buyers' inquiries on the order, for a user who may read them."""
        Inquiry = self.env["ec.coupang.inquiry"]
        readable = Inquiry.has_access("read")
        for order in self:
            inquiries = Inquiry.search([("sale_order_ids", "in", order.ids)]) if readable and order.id else Inquiry
            order.ec_inquiry_ids = inquiries
            order.ec_inquiry_count = len(inquiries)

    def action_view_ec_inquiries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ec_coupang.ec_coupang_inquiry_action")
        action.update(domain=[("sale_order_ids", "in", self.ids)], context={"create": False})
        return action
