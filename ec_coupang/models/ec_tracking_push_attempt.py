from odoo import fields, models


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
    message = fields.Text(string="Coupang's Answer", readonly=True)
    succeeded = fields.Boolean(readonly=True)
