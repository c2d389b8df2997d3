import logging
from dataclasses import dataclass, field
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.modules import module
from odoo.tools import SQL

from ..coupang import CoupangError, InvoiceEntry, RequestRejectedError

_logger = logging.getLogger(__name__)

PUSH_STATES = [("pending", "To Push"), ("done", "Pushed"), ("error", "Failed")]
TRACKING_FIELDS = {"carrier_tracking_ref", "carrier_id"}
PUSH_CRON_XMLID = "ec_coupang.ir_cron_ec_push_tracking"
PUSH_ACTIVITY_XMLID = "ec_coupang.mail_activity_type_ec_push_failed"
PUSH_BATCH_SIZE = 50
MAX_PUSH_ATTEMPTS = 8
FIRST_RETRY_DELAY = timedelta(minutes=5)
MAX_RETRY_DELAY = timedelta(hours=6)
LOCK_TRIES = 3
# Coupang's answers that sending the same invoice again cannot change: a person has to act first.
FINAL_RESULT_CODES = frozenset(
    {
        "INVALID_INVOICE_NUMBER",
        "DUPLICATE_INVOICE_NUMBER",
        "NOT_ALLOW_INVOICE_NUMBER_RE_UPLOAD",
        "NOT_FOUND_INVOICE_NUMBER",
        "NOT_FOUND_SHIPMENT_BOX",
        "NOT_FOUND_VENDOR_ITEM",
        "PERMISSION_DENIED",
        "NOT_ALLOW_VENDOR_DIRECT",
        "ORDER_DELIVERY_CANCELED",
        "ORDER_DELIVERY_CANCELED_HOLDING_FOR_CANCEL",
        "ORDER_DELIVERY_PARTIAL_STOP_REQUESTED",
        "PSD_NOT_ALLOW_TO_CHANGE",
        "NOT_ALLOW_SEPARATE_AFTER_NORMAL_DELIVERY",
        "IS_SEPARATE_MUST_BE_TRUE_WHEN_SEPARATE_DELIVERY",
        "NOT_ALLOW_SEPARATE_WHEN_ONE_VENDOR_ITEM",
    }
)


@dataclass
class PushPlan:
    """What one delivery tells Coupang: the invoice entries of one call, and what to remember of it."""

    update: bool
    invoice_number: str
    delivery_company_code: str
    vendor_item_ids: list
    entries: list
    note: str = field(default="")

    @property
    def shipment_box_id(self):
        return self.entries[0].shipment_box_id


class StockPicking(models.Model):
    _inherit = "stock.picking"

    ec_account_id = fields.Many2one(related="sale_id.ec_account_id", string="EC Account")
    ec_push_state = fields.Selection(
        PUSH_STATES,
        string="Coupang Tracking",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Whether Coupang has the tracking number of this delivery.",
    )
    ec_push_message = fields.Text(string="Coupang Tracking Message", readonly=True, copy=False)
    ec_push_attempts = fields.Integer(string="Failed Push Attempts", readonly=True, copy=False)
    ec_push_next_attempt_at = fields.Datetime(string="Next Push Attempt", readonly=True, copy=False)
    ec_pushed_at = fields.Datetime(string="Pushed to Coupang On", readonly=True, copy=False)
    ec_pushed_tracking_ref = fields.Char(string="Tracking Number on Coupang", readonly=True, copy=False)
    ec_pushed_delivery_company_code = fields.Char(string="Delivery Company on Coupang", readonly=True, copy=False)
    ec_pushed_vendor_item_ids = fields.Char(
        string="Coupang Items Pushed",
        readonly=True,
        copy=False,
        help="The Coupang vendor items, comma separated, whose invoice Coupang has from this delivery.",
    )

    # === CRUD AND WORKFLOW HOOKS === #

    def write(self, vals):
        watched = self.browse()
        if TRACKING_FIELDS & vals.keys():
            watched = self.filtered(lambda picking: picking.state == "done")._ec_filter_to_push()
        before = {picking.id: picking._ec_tracking_key() for picking in watched}
        result = super().write(vals)
        watched.filtered(lambda picking: picking._ec_tracking_key() != before[picking.id])._ec_mark_to_push()
        return result

    def _action_done(self):
        result = super()._action_done()
        self._ec_filter_to_push()._ec_mark_to_push()
        return result

    def _check_carrier_details_compliance(self):
        result = super()._check_carrier_details_compliance()
        for picking in self._ec_filter_to_push().filtered("ec_account_id.require_tracking"):
            problems = picking._ec_missing_details()
            if problems:
                raise UserError(
                    self.env._(
                        "%(picking)s ships the Coupang order %(order)s and cannot be validated yet. "
                        "%(problems)s (The EC account %(account)s requires it: see Require Tracking to "
                        "Ship in its settings.)",
                        picking=picking.name,
                        order=picking.sale_id.name,
                        problems=" ".join(problems),
                        account=picking.ec_account_id.name,
                    )
                )
        return result

    # === ACTION METHODS === #

    def action_ec_push_tracking(self):
        pickings = self.filtered(lambda picking: picking.state == "done")._ec_filter_to_push()
        if not pickings:
            raise UserError(self.env._("Only validated deliveries of Coupang orders go to Coupang."))
        locked = self._ec_lock_for_push(SQL("picking.id = ANY(%s)", pickings.ids))
        if locked != pickings:
            raise UserError(self.env._("The tracking number is being sent to Coupang right now. Reload in a moment."))
        locked.write({"ec_push_state": "pending", "ec_push_attempts": 0, "ec_push_next_attempt_at": False})
        locked._ec_push()
        return True

    # === BUSINESS METHODS: WHAT GOES TO COUPANG === #

    def _ec_filter_to_push(self):
        """The deliveries whose tracking number Coupang needs: the last step to the customer of a Coupang
        order (returns and internal steps excluded)."""
        return self.filtered(
            lambda picking: (
                picking.sale_id.ec_account_id
                and picking.sale_id.coupang_shipment_box_id
                and picking.picking_type_code == "outgoing"
                and picking.location_dest_id.usage == "customer"
                and not picking.return_id
            )
        )

    def _ec_tracking_key(self):
        return (self.carrier_tracking_ref or "", self.carrier_id.id)

    def _ec_mark_to_push(self):
        for picking in self:
            picking.write(
                {
                    "ec_push_state": "pending",
                    "ec_push_attempts": 0,
                    "ec_push_next_attempt_at": False,
                    "ec_push_message": picking._ec_missing_details_message(),
                }
            )
        if self:
            self._ec_trigger_push()

    @api.model
    def _ec_trigger_push(self, at=None):
        cron = self.env.ref(PUSH_CRON_XMLID, raise_if_not_found=False)
        if cron:
            cron._trigger(at)

    def _ec_missing_details(self):
        """What Coupang needs before it can take the tracking number, as sentences for the user."""
        self.ensure_one()
        problems = []
        carrier = self.carrier_id
        company = carrier.ec_delivery_company_id
        market = self.ec_account_id.coupang_market
        if not carrier:
            problems.append(self.env._("Choose the carrier that ships this delivery."))
        elif not company:
            problems.append(
                self.env._(
                    "The carrier %s has no Coupang delivery company code: choose or create one on the "
                    "carrier (Inventory > Configuration > Delivery > Delivery Methods).",
                    carrier.name,
                )
            )
        elif company.market != market:
            problems.append(
                self.env._(
                    "The carrier %(carrier)s has the Coupang delivery company %(company)s of another "
                    "market than the store's (%(market)s).",
                    carrier=carrier.name,
                    company=company.display_name,
                    market=market,
                )
            )
        if not (self.carrier_tracking_ref or "").strip():
            problems.append(self.env._("Enter the tracking number."))
        return problems

    def _ec_missing_details_message(self):
        problems = self._ec_missing_details()
        return " ".join(problems) if problems else False

    def _ec_vendor_item_ids(self):
        """The Coupang items of the delivery's shipment box, in order line order."""
        lines = self.sale_id.order_line.filtered(
            lambda line: line.coupang_vendor_item_id and not line.display_type and line.product_uom_qty > 0
        )
        return list(dict.fromkeys(lines.mapped("coupang_vendor_item_id")))

    def _ec_shipped_vendor_item_ids(self):
        moves = self.move_ids.filtered(lambda move: move.state == "done" and move.quantity > 0)
        return set(moves.sale_line_id.mapped("coupang_vendor_item_id")) - {False}

    def _ec_reported_vendor_item_ids(self):
        return set(filter(None, (self.ec_pushed_vendor_item_ids or "").split(",")))

    def _ec_siblings(self):
        return (self.sale_id.picking_ids - self)._ec_filter_to_push()

    def _ec_earlier_unpushed(self):
        """Deliveries of the same box, validated before this one, whose invoice Coupang does not have."""
        self.ensure_one()
        return self._ec_siblings().filtered(
            lambda sibling: (
                sibling.ec_push_state in ("pending", "error")
                and (sibling.date_done, sibling.id) < (self.date_done, self.id)
            )
        )

    def _ec_is_pushed_unchanged(self):
        return (
            self.ec_pushed_tracking_ref
            and self.ec_pushed_tracking_ref == self.carrier_tracking_ref.strip()
            and self.ec_pushed_delivery_company_code == self.carrier_id.ec_delivery_company_id.code
        )

    def _ec_prepare_push_plan(self, client):
        """What this delivery tells Coupang, following Coupang's split shipping rules; None when Coupang
        already has the invoice of each of its items (Coupang keeps one invoice per item).

        Raises UserError for a problem only a person can solve.
        """
        self.ensure_one()
        number = self.carrier_tracking_ref.strip()
        code = self.carrier_id.ec_delivery_company_id.code
        if self.ec_pushed_tracking_ref:
            items = sorted(self._ec_reported_vendor_item_ids())
            box_id = self._ec_pushed_shipment_box_id(client, items)
            return PushPlan(True, number, code, items, self._ec_invoice_entries(items, number, code, box_id=box_id))
        box_items = self._ec_vendor_item_ids()
        reported = set().union(*(sibling._ec_reported_vendor_item_ids() for sibling in self._ec_siblings()))
        shipped = [item for item in box_items if item in self._ec_shipped_vendor_item_ids() - reported]
        if not shipped:
            return None
        later = [item for item in box_items if item not in reported and item not in shipped]
        if not reported and not later:
            return PushPlan(False, number, code, shipped, self._ec_invoice_entries(shipped, number, code))
        if not reported and not self._ec_box_allows_split(client):
            return PushPlan(
                False,
                number,
                code,
                box_items,
                self._ec_invoice_entries(box_items, number, code),
                note=self.env._(
                    "Coupang does not allow this order to ship in several parcels: the tracking number "
                    "went for all its items."
                ),
            )
        pre_split_shipped = bool(reported)
        entries = self._ec_invoice_entries(shipped, number, code, split=True, pre_split_shipped=pre_split_shipped)
        if later:
            entries += self._ec_invoice_entries(
                later,
                "",
                code,
                split=True,
                pre_split_shipped=pre_split_shipped,
                estimated_shipping_date=self._ec_estimated_shipping_date(later),
            )
        return PushPlan(False, number, code, shipped, entries)

    def _ec_pushed_shipment_box_id(self, client, vendor_item_ids):
        """The shipment box that holds the items this delivery reported. When a box is split, Coupang
        moves the items shipped first to a new box, which only a read of the whole order shows."""
        order = self.sale_id
        if set(vendor_item_ids) == set(self._ec_vendor_item_ids()):
            return order.coupang_shipment_box_id
        boxes = client.get_order_sheets_by_order_id(order.coupang_order_id)
        return next(
            (box.shipment_box_id for box in boxes if box.invoice_number == self.ec_pushed_tracking_ref),
            order.coupang_shipment_box_id,
        )

    def _ec_invoice_entries(
        self,
        vendor_item_ids,
        number,
        code,
        split=False,
        pre_split_shipped=False,
        estimated_shipping_date="",
        box_id=None,
    ):
        order = self.sale_id
        return [
            InvoiceEntry(
                shipment_box_id=box_id or order.coupang_shipment_box_id,
                order_id=order.coupang_order_id,
                vendor_item_id=vendor_item_id,
                delivery_company_code=code,
                invoice_number=number,
                split_shipping=split,
                pre_split_shipped=pre_split_shipped,
                estimated_shipping_date=estimated_shipping_date,
            )
            for vendor_item_id in vendor_item_ids
        ]

    def _ec_estimated_shipping_date(self, vendor_item_ids):
        """When the items that stay behind ship: their earliest other delivery, not before today (a later
        delivery may have shipped already, while this one waited for Coupang)."""
        moves = self.sale_id.order_line.filtered(
            lambda line: line.coupang_vendor_item_id in vendor_item_ids
        ).move_ids.filtered(
            lambda move: (
                move.state != "cancel" and move.picking_id != self and move.location_dest_id.usage == "customer"
            )
        )
        unplanned = set(vendor_item_ids) - set(moves.sale_line_id.mapped("coupang_vendor_item_id"))
        if unplanned:
            raise UserError(
                self.env._(
                    "The Coupang items %s are neither in this delivery nor in a delivery still to ship. "
                    "Coupang needs each item either shipped or planned: create a delivery for them, or "
                    "cancel them on Coupang, then push again.",
                    ", ".join(sorted(unplanned)),
                )
            )
        today = fields.Date.context_today(self)
        return max(today, fields.Date.context_today(self, min(moves.mapped("date")))).isoformat()

    def _ec_box_allows_split(self, client):
        return client.get_order_sheet(self.sale_id.coupang_shipment_box_id).able_split_shipping

    # === BUSINESS METHODS: SENDING === #

    @api.model
    def _cron_push_tracking(self):
        """Scheduled action: sends Coupang every tracking number that is due."""
        # Odoo 18's scheduler puts no cron_id in the context; like the fetch, commit batch by batch
        # everywhere but inside a test's transaction.
        self._ec_push_due(auto_commit=not module.current_test)

    @api.model
    def _ec_push_due(self, auto_commit=False, batch_size=PUSH_BATCH_SIZE):
        """Pushes the due deliveries in batches of locked rows, so that concurrent runs share them out.

        :param auto_commit: commit after each batch; only the scheduler does, since what Coupang
            received must be recorded at once, whatever happens to the rest of the run.
        """
        seen = self.browse()
        unreachable = self.env["ec.account"]
        while batch := self._ec_lock_due(seen, unreachable, batch_size, auto_commit):
            seen |= batch
            unreachable |= batch._ec_push()
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _ec_lock_due(self, seen, unreachable, limit, auto_commit):
        condition = SQL(
            """picking.ec_push_state = 'pending'
               AND (picking.ec_push_next_attempt_at IS NULL OR picking.ec_push_next_attempt_at <= %s)
               AND picking.id != ALL(%s)
               AND sale.ec_account_id != ALL(%s)""",
            fields.Datetime.now(),
            seen.ids,
            unreachable.ids,
        )
        for _try in range(LOCK_TRIES):
            try:
                return self._ec_lock_for_push(condition, limit)
            except SerializationFailure:
                # Another run changed a picking between this transaction's snapshot and its lock:
                # a fresh transaction sees the change.
                if not auto_commit:
                    raise
                self.env.cr.rollback()
        return self.browse()

    @api.model
    def _ec_lock_for_push(self, condition, limit=None):
        """Locks the pickings that match and that no other transaction holds, together with their sale
        orders: one shipment box is pushed by one transaction at a time."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT picking.id
                     FROM stock_picking picking
                     JOIN sale_order sale ON sale.id = picking.sale_id
                    WHERE %s
                    ORDER BY picking.ec_push_next_attempt_at NULLS FIRST, picking.date_done, picking.id
                    LIMIT %s
                      FOR NO KEY UPDATE SKIP LOCKED""",
                condition,
                limit,
            ),
            log_exceptions=False,
        )
        pickings = self.browse(picking_id for (picking_id,) in self.env.cr.fetchall())
        # What is cached may predate the lock: another run may have pushed a sibling since.
        self.env.invalidate_all()
        return pickings

    def _ec_push(self):
        """Sends the tracking numbers of these locked pickings.

        :return: the accounts Coupang could not be reached for; their pickings wait for the next run
        """
        unreachable = self.env["ec.account"]
        for account, pickings in self.grouped(lambda picking: picking.sale_id.ec_account_id).items():
            if not pickings._ec_push_for_account(account):
                unreachable |= account
        return unreachable

    def _ec_push_for_account(self, account):
        """:return: False when Coupang could not be reached; what was not sent stays due"""
        todo = self._ec_filter_ready()
        if not todo:
            return True
        try:
            client = account._coupang_client()
        except UserError as error:
            todo._ec_postpone(str(error))
            return False
        # Coupang takes one invoice per box and call, and a later parcel of a box only after the
        # first: each round sends the earliest waiting delivery of each box.
        while todo:
            ready = todo.filtered(lambda picking: not picking._ec_earlier_unpushed())
            if not ready:
                break
            todo -= ready
            if not ready._ec_push_round(client):
                return False
        for picking in todo:
            picking.ec_push_message = self.env._(
                "Waits until Coupang has the tracking number of %s.",
                ", ".join(picking._ec_earlier_unpushed().mapped("name")),
            )
        return True

    def _ec_filter_ready(self):
        """The pickings Coupang can take now; the others keep waiting and say what they miss."""
        ready = self.browse()
        for picking in self:
            message = picking._ec_missing_details_message()
            if message:
                picking.ec_push_message = message
            else:
                ready |= picking
        return ready

    def _ec_push_round(self, client):
        """:return: False when Coupang could not be reached"""
        plans = {}
        for index, picking in enumerate(self):
            if picking._ec_is_pushed_unchanged():
                picking._ec_set_pushed_unchanged()
                continue
            try:
                plan = picking._ec_prepare_push_plan(client)
            except UserError as error:
                picking._ec_set_failed(str(error), final=True)
                continue
            except CoupangError as error:
                if not picking._ec_handle_call_error(error):
                    (self.browse(other.id for other in plans) | self[index + 1 :])._ec_postpone_for(error)
                    return False
                continue
            if plan:
                plans[picking] = plan
            else:
                picking._ec_set_nothing_new()
        for update in (False, True):
            pickings = self.browse(picking.id for picking, plan in plans.items() if plan.update == update)
            if pickings and not pickings._ec_send(client, plans, update):
                return False
        return True

    def _ec_send(self, client, plans, update):
        """One call to Coupang with the invoices of these pickings (one box each); records each box's result.

        :return: False when Coupang could not be reached
        """
        entries = [entry for picking in self for entry in plans[picking].entries]
        send = client.update_invoices if update else client.upload_invoices
        error = None
        try:
            results = send(entries)
        except CoupangError as call_error:
            error, results = call_error, call_error.partial_results
        results = {result.shipment_box_id: result for result in results}
        reached = True
        for picking in self:
            result = results.get(plans[picking].shipment_box_id)
            if result:
                picking._ec_record_result(plans[picking], result, client)
            else:
                reached = picking._ec_handle_call_error(error) and reached
        return reached

    def _ec_handle_call_error(self, error):
        """A call for this picking failed as a whole. Coupang rejecting it counts as a failed attempt;
        any other error (unreachable, rate limit, credentials) leaves the picking due, uncounted.

        :return: False when Coupang could not be reached
        """
        if isinstance(error, RequestRejectedError):
            self._ec_set_failed(str(error), final=False)
            return True
        self._ec_postpone_for(error)
        return False

    def _ec_record_result(self, plan, result, client):
        if result.succeed or (result.result_code == "INVALID_STATUS" and self._ec_box_has_invoice(client, plan)):
            self._ec_set_pushed(plan)
            return
        self._ec_set_failed(
            self.env._(
                "Coupang refused the invoice: %(message)s (%(code)s)",
                message=result.message,
                code=result.result_code,
            ),
            final=result.result_code in FINAL_RESULT_CODES,
        )

    def _ec_box_has_invoice(self, client, plan):
        """Whether Coupang already has this invoice, e.g. when the answer to an earlier upload was lost."""
        try:
            sheet = client.get_order_sheet(plan.shipment_box_id)
        except CoupangError:
            return False
        return sheet.invoice_number == plan.invoice_number

    # === BUSINESS METHODS: RESULTS === #

    def _ec_set_pushed(self, plan):
        self.write(
            {
                "ec_push_state": "done",
                "ec_push_message": False,
                "ec_push_attempts": 0,
                "ec_push_next_attempt_at": False,
                "ec_pushed_at": fields.Datetime.now(),
                "ec_pushed_tracking_ref": plan.invoice_number,
                "ec_pushed_delivery_company_code": plan.delivery_company_code,
                "ec_pushed_vendor_item_ids": ",".join(plan.vendor_item_ids),
            }
        )
        body = self.env._(
            "Coupang has the tracking number %(number)s (delivery company %(code)s).",
            number=plan.invoice_number,
            code=plan.delivery_company_code,
        )
        self.message_post(body=f"{body} {plan.note}".strip())
        self.activity_feedback([PUSH_ACTIVITY_XMLID], feedback=self.env._("Coupang took the tracking number."))

    def _ec_set_pushed_unchanged(self):
        self.write({"ec_push_state": "done", "ec_push_message": False, "ec_push_next_attempt_at": False})

    def _ec_set_nothing_new(self):
        self.write({"ec_push_state": False, "ec_push_message": False, "ec_push_next_attempt_at": False})
        self.message_post(
            body=self.env._(
                "The tracking number %s is not sent to Coupang: Coupang keeps one tracking number per item "
                "and already has one for each item of this delivery.",
                self.carrier_tracking_ref,
            )
        )

    def _ec_set_failed(self, message, final):
        """Records a failed push: retried later with a growing delay, or handed to a person."""
        self.ensure_one()
        attempts = self.ec_push_attempts + 1
        if final or attempts >= MAX_PUSH_ATTEMPTS:
            self.write(
                {
                    "ec_push_state": "error",
                    "ec_push_message": message,
                    "ec_push_attempts": attempts,
                    "ec_push_next_attempt_at": False,
                }
            )
            self._ec_schedule_push_activity(message)
            return
        next_attempt = fields.Datetime.now() + min(FIRST_RETRY_DELAY * 2 ** (attempts - 1), MAX_RETRY_DELAY)
        self.write(
            {
                "ec_push_state": "pending",
                "ec_push_message": message,
                "ec_push_attempts": attempts,
                "ec_push_next_attempt_at": next_attempt,
            }
        )
        self._ec_trigger_push(next_attempt)

    def _ec_postpone(self, message):
        """Coupang was not reached: the pickings stay due, without counting it as their attempt."""
        self.write({"ec_push_message": message})

    def _ec_postpone_for(self, error):
        self._ec_postpone(self.env._("Not sent to Coupang yet; it is tried again later. %s", error))

    def _ec_schedule_push_activity(self, message):
        activity_type = self.env.ref(PUSH_ACTIVITY_XMLID)
        if self.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type):
            return
        user = self.ec_account_id.user_id or self.user_id or self.env.user
        self.activity_schedule(PUSH_ACTIVITY_XMLID, note=message, user_id=user.id)
