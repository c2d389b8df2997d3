from odoo import api, fields, models


class EcOrderPage(models.Model):
    """A page of Coupang order sheets waiting for its import job. The job's arguments, which queue_job
    shows and keeps, carry this record's id; the buyers' names, phones and addresses stay here, read
    by managers only, and go when the page is imported."""

    _name = "ec.order.page"
    _description = "Coupang Orders Waiting for Import"

    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    digest = fields.Char(required=True, readonly=True, help="The page's shipment box ids, hashed: a page is kept once.")
    rows = fields.Json(readonly=True, help="The order sheets as Coupang sent them.")

    _sql_constraints = [
        ("page_unique", "UNIQUE(account_id, digest)", "A page of Coupang orders waits once."),
    ]

    @api.model
    def _keep(self, account, digest, rows):
        """The waiting page of these boxes, with Coupang's latest data."""
        page = self.search([("account_id", "=", account.id), ("digest", "=", digest)])
        if page:
            page.rows = rows
            return page
        return self.create({"account_id": account.id, "digest": digest, "rows": rows})
