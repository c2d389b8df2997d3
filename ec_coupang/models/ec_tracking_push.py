from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import PUSH_BATCH_SIZE
from ..coupang import (
    WHOLE_BOX_NOTE,
    Parcel,
    Refusal,
    box_holding,
    plan_update,
    plan_upload,
)
from ..tools.coupang_errors import MessageError, message, message_text_fields, message_values
from ..tools.coupang_run import CoupangRun

PUSH_STATES = [("pending", "To Push"), ("done", "Pushed"), ("error", "Failed")]
PUSH_CRON_XMLID = "ec_coupang.ir_cron_ec_push_tracking"
LOCK_TRIES = 3
# First key of pg_try_advisory_xact_lock(key, sale order id): one transaction at a time pushes the
# deliveries of one sale order (one shipment box and its backorders). The value only has to differ
# from the addon's other advisory locks.
SALE_ORDER_LOCK_KEY = 0x45435054


class EcTrackingPush(models.Model):
    """The queue of tracking numbers to send to Coupang, one row per delivery: which rows are due,
    their locks, and the parcel each tells Coupang. Sending and recording the outcome, with the
    retry policy, is ``ec.tracking.push.sender``'s."""

    _name = "ec.tracking.push"
    _inherit = ["ec.tracking.push.sender"]
    _description = "Coupang Tracking Push"
    _order = "id desc"
    _rec_name = "picking_id"

    picking_id = fields.Many2one("stock.picking", string="Delivery", required=True, readonly=True, ondelete="cascade")
    sale_order_id = fields.Many2one(related="picking_id.sale_id", string="Sale Order", store=True, index=True)
    account_id = fields.Many2one(related="sale_order_id.ec_account_id", string="EC Account", store=True)
    company_id = fields.Many2one(related="picking_id.company_id", string="Company", store=True, index=True)
    state = fields.Selection(
        PUSH_STATES,
        string="Coupang Tracking",
        readonly=True,
        index=True,
        help="Whether Coupang has the tracking number of this delivery; empty when Coupang already has a "
        "number for each of its items.",
    )
    message, message_code, message_params, message_text = message_text_fields(
        "message",
        string="Coupang Tracking Message",
        help="What the delivery waits for before its tracking number can go, or why Coupang did not take it.",
    )
    attempts = fields.Integer(string="Failed Push Attempts", readonly=True)
    next_attempt_at = fields.Datetime(string="Next Push Attempt", readonly=True)
    pushed_at = fields.Datetime(string="Pushed to Coupang On", readonly=True)
    pushed_tracking_ref = fields.Char(string="Tracking Number on Coupang", readonly=True)
    pushed_delivery_company_code = fields.Char(string="Delivery Company on Coupang", readonly=True)
    pushed_vendor_item_ids = fields.Char(
        string="Coupang Items Pushed",
        readonly=True,
        help="The Coupang vendor items, comma separated, whose invoice Coupang has from this delivery.",
    )
    attempt_ids = fields.One2many("ec.tracking.push.attempt", "push_id", string="Attempts", readonly=True)

    _sql_constraints = [
        ("picking_unique", "UNIQUE(picking_id)", "A delivery has one tracking push."),
    ]

    # === QUEUE === #

    @api.model
    def _queue(self, pickings):
        """Puts these deliveries in the queue, as new: a validated delivery or a changed number."""
        queued = pickings.filtered("ec_push_ids")
        for picking in queued:
            picking.ec_push_ids.write(self._queued_values(picking))
        self.create([{"picking_id": picking.id, **self._queued_values(picking)} for picking in pickings - queued])
        if pickings:
            self._trigger_push()

    @staticmethod
    def _queued_values(picking):
        return {
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": False,
            **message_values("message", picking._ec_missing_details_message()),
        }

    @api.model
    def _trigger_push(self, at=None):
        cron = self.env.ref(PUSH_CRON_XMLID, raise_if_not_found=False)
        if cron:
            cron._trigger(at)

    @api.model
    def _push_now(self, pushes):
        """The user's Push to Coupang: these deliveries go at once, as if never tried."""
        orders = self._lock_sale_orders(pushes.sale_order_id)
        locked = self._lock_rows(SQL("push.id = ANY(%s) AND push.sale_order_id = ANY(%s)", pushes.ids, orders.ids))
        if locked != pushes:
            raise UserError(self.env._("The tracking number is being sent to Coupang right now. Reload in a moment."))
        locked.write({"state": "pending", "attempts": 0, "next_attempt_at": False})
        for account, pushes in locked.grouped("account_id").items():
            pushes._push(CoupangRun.for_button(account))

    @api.model
    def _cron_push_tracking(self):
        """Scheduled action: sends Coupang every tracking number that is due, with the scheduler's
        run of each account."""
        for account in self._due_accounts():
            self._push_due(CoupangRun.for_cron(account))

    @api.model
    def _due_domain(self):
        return [
            ("state", "=", "pending"),
            ("account_id", "!=", False),
            "|",
            ("next_attempt_at", "=", False),
            ("next_attempt_at", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _due_accounts(self):
        return self.env["ec.account"].browse(
            account.id for [account] in self.sudo()._read_group(self._due_domain(), ["account_id"])
        )

    @api.model
    def _push_due(self, run, batch_size=PUSH_BATCH_SIZE):
        """Pushes the due deliveries of the run's account in batches of sale orders, so that concurrent
        runs share them out. A run that commits (the scheduler's) commits each batch: what Coupang
        received must be recorded at once, whatever happens to the rest of the run."""
        seen = self.env["sale.order"]
        while True:
            orders, batch = self._lock_due(run, seen, batch_size)
            if not orders:
                return
            seen |= orders
            reached = batch._push(run)
            run.commit()
            if not reached:
                return  # its deliveries wait for the next run

    @api.model
    def _lock_due(self, run, seen, limit):
        """:return: (the sale orders of the run's account with due deliveries this batch looked at, the
        due rows of those of them that no other transaction pushes, locked)"""
        due = SQL(
            """push.state = 'pending'
               AND (push.next_attempt_at IS NULL OR push.next_attempt_at <= %s)
               AND push.sale_order_id != ALL(%s)
               AND push.account_id = %s""",
            fields.Datetime.now(),
            seen.ids,
            run.account.id,
        )
        for _try in range(LOCK_TRIES):
            try:
                orders = self._due_sale_orders(due, limit)
                locked = self._lock_sale_orders(orders)
                return orders, self._lock_rows(SQL("%s AND push.sale_order_id = ANY(%s)", due, locked.ids))
            except SerializationFailure:
                # Another run changed a row between this transaction's snapshot and its lock:
                # a fresh transaction sees the change.
                if not run.commits:
                    raise
                self.env.cr.rollback()
        return self.env["sale.order"], self.browse()

    @api.model
    def _due_sale_orders(self, due, limit):
        """The sale orders of the rows that match, those that waited longest first."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT push.sale_order_id
                     FROM ec_tracking_push push
                    WHERE %s
                    GROUP BY push.sale_order_id
                    ORDER BY MIN(push.next_attempt_at) NULLS FIRST, MIN(push.id)
                    LIMIT %s""",
                due,
                limit,
            )
        )
        return self.env["sale.order"].browse(order_id for (order_id,) in self.env.cr.fetchall())

    @api.model
    def _lock_sale_orders(self, orders):
        """The sale orders this transaction could lock: one transaction at a time pushes the deliveries
        of one sale order (a shipment box and its backorders). The lock is the addon's own, not the
        sale order's row: the push never keeps a user from editing an order."""
        if not orders:
            return orders
        self.env.cr.execute(
            SQL(
                "SELECT order_id FROM unnest(%s::int[]) order_id WHERE pg_try_advisory_xact_lock(%s, order_id)",
                orders.ids,
                SALE_ORDER_LOCK_KEY,
            )
        )
        return orders.browse(order_id for (order_id,) in self.env.cr.fetchall())

    @api.model
    def _lock_rows(self, condition):
        """Locks the queue rows that match and that no other transaction holds; only these rows: the
        deliveries, sale orders and accounts stay free for their users during the calls to Coupang."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT push.id
                     FROM ec_tracking_push push
                     JOIN stock_picking picking ON picking.id = push.picking_id
                    WHERE %s
                    ORDER BY picking.date_done, push.id
                      FOR NO KEY UPDATE OF push SKIP LOCKED""",
                condition,
            ),
            log_exceptions=False,
        )
        pushes = self.browse(push_id for (push_id,) in self.env.cr.fetchall())
        # What is cached may predate the lock: another run may have pushed a sibling since.
        self.env.invalidate_all()
        return pushes

    # === WHAT GOES TO COUPANG === #

    def _vendor_item_ids(self):
        """The Coupang items of the delivery's shipment box, in order line order."""
        lines = self.sale_order_id.order_line.filtered(
            lambda line: line.coupang_vendor_item_id and not line.display_type and line.product_uom_qty > 0
        )
        return tuple(dict.fromkeys(lines.mapped("coupang_vendor_item_id")))

    def _shipped_vendor_item_ids(self):
        moves = self.picking_id.move_ids.filtered(lambda move: move.state == "done" and move.quantity > 0)
        return frozenset(moves.sale_line_id.mapped("coupang_vendor_item_id")) - {False}

    def _reported_vendor_item_ids(self):
        return frozenset(filter(None, (self.pushed_vendor_item_ids or "").split(",")))

    def _planned_dates(self):
        """For each Coupang item of the order in another delivery to the customer, shipped or not: the
        earliest date of one, in the user's time zone."""
        moves = self.sale_order_id.order_line.move_ids.filtered(
            lambda move: (
                move.sale_line_id.coupang_vendor_item_id
                and move.state != "cancel"
                and move.picking_id != self.picking_id
                and move.location_dest_id.usage == "customer"
            )
        )
        planned = {}
        for move in moves:
            item, day = move.sale_line_id.coupang_vendor_item_id, fields.Date.context_today(self, move.date)
            planned[item] = min(planned.get(item, day), day)
        return planned

    def _siblings(self):
        return self.sale_order_id.ec_push_ids - self

    def _earlier_unpushed(self):
        """Deliveries of the same box, validated before this one, whose invoice Coupang does not have."""
        self.ensure_one()
        picking = self.picking_id
        return self._siblings().filtered(
            lambda sibling: (
                sibling.state in ("pending", "error")
                and (sibling.picking_id.date_done, sibling.picking_id.id) < (picking.date_done, picking.id)
            )
        )

    def _is_pushed_unchanged(self):
        picking = self.picking_id
        return (
            self.pushed_tracking_ref
            and self.pushed_tracking_ref == picking.carrier_tracking_ref.strip()
            and self.pushed_delivery_company_code == picking.carrier_id.ec_delivery_company_id.code
        )

    def _parcel(self):
        """This delivery and its box, as Coupang's split shipping rules see them."""
        self.ensure_one()
        order, picking = self.sale_order_id, self.picking_id
        return Parcel(
            shipment_box_id=order.coupang_shipment_box_id,
            order_id=order.coupang_order_id,
            box_items=self._vendor_item_ids(),
            invoice_number=picking.carrier_tracking_ref.strip(),
            delivery_company_code=picking.carrier_id.ec_delivery_company_id.code,
            shipped=self._shipped_vendor_item_ids(),
            reported=frozenset().union(*(sibling._reported_vendor_item_ids() for sibling in self._siblings())),
            pushed_number=self.pushed_tracking_ref or "",
            pushed_items=self._reported_vendor_item_ids(),
            planned=self._planned_dates(),
            today=fields.Date.context_today(self),
        )

    def _prepare_push_plan(self, client):
        """What this delivery tells Coupang (see ``coupang.shipping``); None when Coupang already has
        the invoice of each of its items.

        Raises MessageError for a problem only a person can solve.
        """
        parcel = self._parcel()
        if parcel.pushed_number:
            return plan_update(parcel, self._pushed_shipment_box_id(client, parcel))
        plan = plan_upload(parcel, split_allowed=not parcel.opens_split or self._box_allows_split(client))
        if isinstance(plan, Refusal):
            raise MessageError(self.env, plan.code, **plan.params)
        return plan

    def _pushed_shipment_box_id(self, client, parcel):
        if not parcel.left_its_box:
            return parcel.shipment_box_id
        return box_holding(parcel, client.get_order_sheets_by_order_id(parcel.order_id))

    def _box_allows_split(self, client):
        return client.get_order_sheet(self.sale_order_id.coupang_shipment_box_id).able_split_shipping

    def _plan_note(self, plan, said):
        """``said`` (a message), with what the plan adds to it."""
        if plan.note == WHOLE_BOX_NOTE:
            return message("sentences", sentences=[said, message("push_whole_box")])
        return said
