from odoo import fields, models

from ..tools.coupang_errors import message_text_fields


class EcTrackingPushAttempt(models.Model):
    _name = "ec.tracking.push.attempt"
    _description = "Coupang Tracking Push Attempt"
    _order = "date desc, id desc"

    push_id = fields.Many2one("ec.tracking.push", string="Tracking Push", required=True, ondelete="cascade", index=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    kind = fields.Selection(
        [("upload", "Upload"), ("update", "Correction")], string="Call", required=True, readonly=True
    )
    tracking_ref = fields.Char(string="Tracking Number", readonly=True)
    result_code = fields.Char(
        readonly=True, help="Coupang's code for this box, or for the error that stopped the call."
    )
    message, message_code, message_params, message_text = message_text_fields(
        "message", string="Coupang's Answer", help="Coupang's answer for this box, or the error that stopped the call."
    )
    succeeded = fields.Boolean(readonly=True)
