from odoo import api, models
from odoo.addons.ec_coupang.coupang import read_order_sheet

from ..const import DEFER_RESERVATION, JOB_CONTEXT
from ..tools.job_errors import job_error


class EcCoupangImporter(models.AbstractModel):
    """In a fetch job, each INSTRUCT page is imported by a job of its own, on any worker, and
    Coupang's refusal of the run fails the job."""

    _inherit = "ec.coupang.importer"

    @api.model
    def _import_page(self, account, page, log, client, auto_commit):
        if not self.env.context.get(JOB_CONTEXT):
            return super()._import_page(account, page, log, client, auto_commit)
        account._delay_page_import(page)
        return None

    @api.model
    def _fetch_error_reason(self, account, error):
        reason = super()._fetch_error_reason(account, error)
        if self.env.context.get(JOB_CONTEXT):
            raise job_error(self.env, error, reason) from error
        return reason

    @api.model
    def _import_rows(self, account, rows):
        """Imports the order sheets ``rows`` (as Coupang sent them) of ``account``, each box once:
        the page's boxes imported already are only followed. Returns what became of them."""
        importer, account = self._sudo_for(account.with_context(**{DEFER_RESERVATION: True}))
        sheets = [read_order_sheet(row, account.coupang_market) for row in rows]
        with account._coupang_client() as client:
            importer._import_sheets(account, sheets, importer.env["ec.fetch.log"], client)
        box_ids = [sheet.shipment_box_id for sheet in sheets]
        orders = importer._find_sale_orders(account, box_ids)
        account._delay_reservation(importer.env["sale.order"].union(*orders.values()).picking_ids)
        reviews = importer.env["ec.order.import"]._find_boxes(account, box_ids).values()
        return importer.env._(
            "%(orders)s of %(boxes)s orders in Odoo, %(kept)s kept for review.",
            orders=len(orders),
            boxes=len(box_ids),
            kept=sum(review.state in ("held", "failed") for review in reviews),
        )
