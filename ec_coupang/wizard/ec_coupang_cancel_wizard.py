from odoo import fields, models

from ..models.ec_coupang_cancel import CANCEL_REASONS
from ..tools.coupang_errors import MessageError
from ..tools.coupang_run import CoupangRun
from ..tools.notifications import display_notification


class EcCoupangCancelWizard(models.TransientModel):
    """Cancel on Coupang from a sale order: the units of each line to cancel and Coupang's reason.
    What Coupang's rules refuse is refused before the call; the call is made once."""

    _name = "ec.coupang.cancel.wizard"
    _description = "Cancel on Coupang"

    sale_order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade")
    cancel_reason = fields.Selection(
        CANCEL_REASONS,
        string="Reason",
        required=True,
        default="CCTTER",
        help="Coupang's reason of a seller's cancel, which Coupang shows the buyer.",
    )
    line_ids = fields.One2many("ec.coupang.cancel.wizard.line", "wizard_id", string="Units to Cancel")

    def _fill_lines(self):
        """One line per Coupang item of the order: all its open units, less those a buyer's request holds."""
        held = self.sale_order_id._ec_held_counts()
        lines = []
        for line in self.sale_order_id.order_line.filtered("coupang_vendor_item_id"):
            open_units = max(int(line.product_uom_qty - line.qty_delivered), 0)
            units_held = min(held.get(line.coupang_vendor_item_id, 0), open_units)
            lines.append(
                fields.Command.create(
                    {
                        "sale_line_id": line.id,
                        "open_quantity": open_units,
                        "held_quantity": units_held,
                        "quantity": 0 if units_held else open_units,
                    }
                )
            )
        self.line_ids = lines

    def _counts(self):
        """{vendor item id: units} to cancel; refuses units a buyer's request holds, or nothing at all."""
        counts = {}
        for line in self.line_ids:
            if line.quantity < 0 or line.quantity > line.open_quantity:
                raise MessageError(
                    self.env,
                    "seller_cancel_too_many",
                    item=line.product_id.display_name,
                    asked=line.quantity,
                    cancelable=line.open_quantity - line.held_quantity,
                    held=line.held_quantity,
                )
            if line.quantity and line.quantity > line.open_quantity - line.held_quantity:
                raise MessageError(
                    self.env, "seller_cancel_held", item=line.product_id.display_name, held=line.held_quantity
                )
            if line.quantity:
                item = line.sale_line_id.coupang_vendor_item_id
                counts[item] = counts.get(item, 0) + line.quantity
        if not counts:
            raise MessageError(self.env, "seller_cancel_nothing")
        return counts

    def action_confirm(self):
        """Checks the rights, the order and Coupang's rules, then sends the cancel once."""
        self.ensure_one()
        order = self.sale_order_id
        order.ec_account_id._check_coupang_rights()
        order.check_access("write")
        order._ec_check_cancelable()
        counts = self._counts()
        user_id = order.ec_account_id._coupang_wing_user()
        reason = self.cancel_reason
        with CoupangRun.answering(order) as order:
            order._ec_lock_for_cancel()
            order._ec_check_cancelable()
            cancel = order.env["ec.coupang.cancel"].sudo()._send_new(order.sudo(), counts, reason, user_id)
            kind = {"done": "success", "in_doubt": "warning"}.get(cancel.state, "danger")
            return display_notification(order.env._("Cancel on Coupang"), cancel.result, kind)
