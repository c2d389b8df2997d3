from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import DELIVERY_NOTES, ORIGIN_LINK_VIEW, REQUEST_DISPLAY_STATES
from ..tools.coupang_errors import message, render

TRACKING_FIELDS = {"carrier_tracking_ref", "carrier_id"}
# How sale_stock posts the note that links a new delivery to its sale order (see DELIVERY_NOTES).
ORIGIN_NOTE_CALL = (ORIGIN_LINK_VIEW, "notification", "mail.mt_note", False, {})


class StockPicking(models.Model):
    _inherit = "stock.picking"

    ec_account_id = fields.Many2one(related="sale_id.ec_account_id", string="EC Account")
    ec_delivery_kind = fields.Selection(related="sale_id.ec_delivery_kind")
    ec_store_code = fields.Char(related="sale_id.ec_store_code")
    ec_store_name = fields.Char(related="sale_id.ec_store_name")
    ec_is_cod = fields.Boolean(related="sale_id.coupang_is_cod")
    ec_cod_currency_id = fields.Many2one(related="sale_id.currency_id", string="Currency to Collect")
    ec_cod_amount = fields.Monetary(related="sale_id.coupang_cod_amount", currency_field="ec_cod_currency_id")
    ec_parcel_message = fields.Char(related="sale_id.coupang_parcel_message")
    # At most one: a delivery has one push record (unique on ec.tracking.push). What the user sees of
    # it is read from there, never stored here, so that the push never writes a delivery's row.
    ec_push_ids = fields.One2many("ec.tracking.push", "picking_id", string="Tracking Pushes", readonly=True)
    ec_push_state = fields.Selection(
        related="ec_push_ids.state",
        string="Coupang Tracking",
        help="Whether Coupang has the tracking number of this delivery.",
    )
    ec_push_message = fields.Text(related="ec_push_ids.message", string="Coupang Tracking Message")
    ec_push_attempts = fields.Integer(related="ec_push_ids.attempts", string="Failed Push Attempts")
    ec_push_next_attempt_at = fields.Datetime(related="ec_push_ids.next_attempt_at", string="Next Push Attempt")
    ec_pushed_at = fields.Datetime(related="ec_push_ids.pushed_at", string="Pushed to Coupang On")
    ec_pushed_tracking_ref = fields.Char(related="ec_push_ids.pushed_tracking_ref", string="Tracking Number on Coupang")
    ec_pushed_delivery_company_code = fields.Char(
        related="ec_push_ids.pushed_delivery_company_code", string="Delivery Company on Coupang"
    )
    ec_pushed_vendor_item_ids = fields.Char(related="ec_push_ids.pushed_vendor_item_ids", string="Coupang Items Pushed")

    ec_request_ids = fields.Many2many(
        "ec.coupang.request",
        "ec_coupang_request_stock_picking_rel",
        "stock_picking_id",
        "ec_coupang_request_id",
        string="Coupang Requests",
        readonly=True,
    )
    ec_return_request_ids = fields.One2many(
        "ec.coupang.request", "return_picking_id", string="Coupang Returns", readonly=True
    )
    ec_request_state = fields.Selection(
        REQUEST_DISPLAY_STATES,
        string="Coupang Request",
        compute="_compute_ec_request_state",
        compute_sudo=True,
        help="The state of the buyer's cancellation, stop-shipment request or return on Coupang.",
    )

    @api.depends("ec_request_ids.state", "ec_return_request_ids.state")
    def _compute_ec_request_state(self):
        for picking in self:
            picking.ec_request_state = (picking.ec_request_ids | picking.ec_return_request_ids)._display_state()

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
        self._ec_check_no_stop_request()
        result = super()._action_done()
        self._ec_filter_to_push()._ec_mark_to_push()
        self.sudo().ec_return_request_ids._receive_returned_goods()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        notes = self.env.context.get(DELIVERY_NOTES)
        if notes is None or self.env.context.get("mail_create_nolog") or self.env.context.get("tracking_disable"):
            return super().create(vals_list)
        pickings = super(StockPicking, self.with_context(mail_create_nolog=True)).create(vals_list)
        notes["created"].append(pickings.ids)  # logged by _log_delivery_notes: see DELIVERY_NOTES
        return pickings.with_env(self.env)

    def message_post_with_source(
        self,
        source_ref,
        render_values=None,
        message_type="notification",
        subtype_xmlid=False,
        subtype_id=False,
        **kwargs,
    ):
        notes = self.env.context.get(DELIVERY_NOTES)
        if notes is not None and (source_ref, message_type, subtype_xmlid, subtype_id, kwargs) == ORIGIN_NOTE_CALL:
            notes["origins"].append((self, render_values))  # logged by _log_delivery_notes: see DELIVERY_NOTES
            return self.env["mail.message"]
        return super().message_post_with_source(
            source_ref, render_values, message_type, subtype_xmlid, subtype_id, **kwargs
        )

    @api.model
    def _log_delivery_notes(self, notes):
        """Logs the chatter notes of new deliveries that ``notes`` holds (see DELIVERY_NOTES) with one
        insert for each kind, in the order Odoo logs them one delivery at a time: each delivery's
        creation note, then the note that links it to its sale order, rendered as Odoo renders it, a
        note of the current user. Odoo posts that one: it notifies no one, as a new delivery's
        followers do not follow its notes."""
        created = self.browse([picking_id for ids in notes["created"] for picking_id in ids])
        created._message_log_batch({picking.id: picking._creation_message() for picking in created})
        view = self.env.ref(ORIGIN_LINK_VIEW)
        Render = self.env["mail.render.mixin"]
        bodies = {}
        for pickings, values in notes["origins"]:
            bodies.update(Render._render_template_qweb_view(view, self._name, pickings.ids, add_context=values))
        self.browse(bodies)._message_log_batch(bodies)

    # stock_sms (installed with sms) asks at a company's first validation of a delivery whether to
    # text the customer, then texts on validation. Coupang tells its buyers itself: its deliveries
    # neither ask nor text. Without stock_sms, nothing calls these.
    def _check_warn_sms(self):
        return super(StockPicking, self - self.filtered("ec_account_id"))._check_warn_sms()

    def _send_confirmation_email(self):
        coupang = self.filtered("ec_account_id")
        super(StockPicking, self - coupang)._send_confirmation_email()
        return super(StockPicking, coupang.with_context(skip_sms=True))._send_confirmation_email()

    def _ec_check_no_stop_request(self):
        for picking in self:
            picking._ec_check_no_canceled_unit()
            requests = picking._ec_open_stop_requests()
            if requests:
                raise UserError(
                    self.env._(
                        "%(picking)s cannot be validated: the buyer asked Coupang to stop this shipment "
                        "(request %(receipt)s). Do not ship it; the requests check cancels what the buyer "
                        "canceled (or click Apply Coupang Request).",
                        picking=picking.name,
                        receipt=", ".join(requests.mapped("receipt_id")),
                    )
                )

    def _ec_check_no_canceled_unit(self):
        if not self._ec_filter_to_push():
            return
        over = self.sale_id._ec_units_over_what_is_left(self)
        if over:
            raise UserError(
                self.env._(
                    "%(picking)s cannot be validated: it ships more than is left of the order after the "
                    "buyer canceled on Coupang (%(items)s). Leave the canceled units out.",
                    picking=self.name,
                    items=", ".join(f"{line.product_id.display_name} × {units:g}" for line, units in over.items()),
                )
            )

    def _check_carrier_details_compliance(self):
        result = super()._check_carrier_details_compliance()
        for picking in self._ec_filter_to_push().filtered("ec_account_id.require_tracking"):
            problems = picking._ec_missing_details_message()
            if problems:
                raise UserError(
                    self.env._(
                        "%(picking)s ships the Coupang order %(order)s and cannot be validated yet. "
                        "%(problems)s (The EC account %(account)s requires it: see Require Tracking to "
                        "Ship in its settings.)",
                        picking=picking.name,
                        order=picking.sale_id.name,
                        problems=render(self.env, problems),
                        account=picking.ec_account_id.name,
                    )
                )
        return result

    # === ACTION METHODS === #

    def action_ec_push_tracking(self):
        pickings = self.filtered(lambda picking: picking.state == "done")._ec_filter_to_push()
        if not pickings:
            raise UserError(self.env._("Only validated deliveries of Coupang orders go to Coupang."))
        pickings.check_access("write")
        self.env["ec.tracking.push"].sudo()._push_now(pickings.sudo().ec_push_ids)
        return True

    def action_ec_apply_requests(self):
        """Applies the pending stop-shipment requests of the delivery now."""
        self.ensure_one()
        self.check_access("write")
        self._ec_open_stop_requests().action_retry()
        return True

    def action_ec_open_tracking_push(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Tracking Push"),
            "res_model": "ec.tracking.push",
            "res_id": self.ec_push_ids.id,
            "view_mode": "form",
        }

    # === BUSINESS METHODS === #

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

    def _ec_open_stop_requests(self):
        """The box's stop-shipment requests not yet applied, linked to the delivery or not (a request
        kept but not applied yet, or failed before its order was found)."""
        self.ensure_one()
        order = self.sudo().sale_id
        requests = self.env["ec.coupang.request"].sudo()
        if not (order.ec_store_key and order.coupang_shipment_box_id):
            return requests
        requests = requests.search(
            [
                ("ec_store_key", "=", order.ec_store_key),
                ("shipment_box_id", "=", order.coupang_shipment_box_id),
                ("kind", "=", "stop"),
            ]
        )
        return (requests | self.sudo().ec_request_ids).filtered("blocks_delivery")

    def _ec_tracking_key(self):
        return (self.carrier_tracking_ref or "", self.carrier_id.id)

    def _ec_mark_to_push(self):
        # The queue is the addon's own: whoever validates a delivery or corrects its number queues it.
        self.env["ec.tracking.push"].sudo()._queue(self.sudo())

    def _ec_missing_details(self):
        """What Coupang needs before it can take the tracking number, as messages for the user."""
        self.ensure_one()
        problems = []
        carrier = self.carrier_id
        company = carrier.ec_delivery_company_id
        market = self.ec_account_id.coupang_market
        if not carrier:
            problems.append(message("push_no_carrier"))
        elif not company:
            problems.append(message("push_carrier_without_code", carrier=carrier.name))
        elif company.market != market:
            problems.append(
                message(
                    "push_carrier_of_other_market", carrier=carrier.name, company=company.display_name, market=market
                )
            )
        if not (self.carrier_tracking_ref or "").strip():
            problems.append(message("push_no_tracking_number"))
        return problems

    def _ec_missing_details_message(self):
        """The message of what the delivery misses for Coupang; False when nothing is missing."""
        problems = self._ec_missing_details()
        return message("sentences", sentences=problems) if problems else False
