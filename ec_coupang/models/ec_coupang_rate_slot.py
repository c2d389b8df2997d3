from odoo import fields, models


class EcCoupangRateSlot(models.Model):
    """The next free send time of each Coupang vendor, shared by every Odoo process on the database.

    Written only by ``tools/rate_limit.py``, in short transactions of their own.
    """

    _name = "ec.coupang.rate.slot"
    _description = "Coupang Rate Limit of a Vendor"
    _log_access = False

    vendor_key = fields.Char(required=True, readonly=True)
    next_free = fields.Float(
        readonly=True, help="Seconds since the epoch, on the database's clock, from which the next call may go."
    )

    _sql_constraints = [
        ("vendor_key_unique", "UNIQUE(vendor_key)", "One rate limit per Coupang vendor."),
    ]
