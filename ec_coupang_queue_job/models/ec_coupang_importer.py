from collections import defaultdict
from datetime import timedelta

from odoo import api, models
from odoo.addons.ec_coupang.coupang import read_order_sheet
from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.addons.queue_job.exception import JobError
from odoo.exceptions import UserError

from ..const import ACKNOWLEDGEMENT_PART, JOB_CONTEXT
from ..tools.job_errors import job_error


class EcCoupangImporter(models.AbstractModel):
    """In a fetch job, each INSTRUCT page is imported by a job of its own, on any worker, queued and
    committed as soon as the page is listed; Coupang's refusal of the run fails the job."""

    _inherit = "ec.coupang.importer"

    @api.model
    def _import_page(self, run, page):
        if not self.env.context.get(JOB_CONTEXT):
            return super()._import_page(run, page)
        # The page and its job in a transaction of their own, committed at once: a worker imports the
        # page while this job lists the next one. Should this job fail later, the page stays queued and
        # correct (Coupang's sheets of acknowledged boxes; its import skips a box imported already),
        # and the job tried again finds it waiting (identity key) or imported.
        with CoupangRun.answering(run.account) as account:
            account._delay_page_import(page)
        return None

    @api.model
    def _acknowledgement_parts(self, run, date_from, date_to, by_minute, new):
        """In a fetch job, a backfill read by day is acknowledged and listed again in parts of whole
        market days of at least ``ACKNOWLEDGEMENT_PART`` new boxes: the workers import the first
        part's pages while the job acknowledges the next part. Otherwise every page would wait for
        all the acknowledgements, 1 call for every 50 new orders at Coupang's 10 calls a second. A
        part's list ends before the next part's boxes are acknowledged: their acknowledgement cannot
        make its nextToken skip rows. Each part costs at most an acknowledgement and a list page more
        than the whole window; a window read by minute is one answer a day already."""
        if by_minute or not self.env.context.get(JOB_CONTEXT) or len(new) <= ACKNOWLEDGEMENT_PART:
            return super()._acknowledgement_parts(run, date_from, date_to, by_minute, new)
        zone = run.client.market_info.timezone
        first, last = (moment.astimezone(zone).date() for moment in (date_from, date_to))
        by_day = defaultdict(list)
        for box_id, ordered_at in new.items():
            day = ordered_at.astimezone(zone).date() if ordered_at else last
            by_day[min(max(day, first), last)].append(box_id)
        parts, part_from, box_ids = [], first, []
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            box_ids += by_day[day]
            if len(box_ids) >= ACKNOWLEDGEMENT_PART or day == last:
                parts.append((part_from, day, box_ids))
                part_from, box_ids = day + timedelta(days=1), []
        return parts

    @api.model
    def _fetch_error_reason(self, account, error):
        if isinstance(error, JobError):
            raise error  # a step of the run decided already (a request's transient error)
        reason = super()._fetch_error_reason(account, error)
        if self.env.context.get(JOB_CONTEXT):
            raise job_error(self.env, error, reason) from error
        return reason

    @api.model
    def _import_rows(self, run, rows):
        """Imports the order sheets ``rows`` (as Coupang sent them) of the run's account, each box
        once: the page's boxes imported already are only followed. Returns what became of them."""
        importer, account = run.env["ec.coupang.importer"], run.account
        sheets = [read_order_sheet(row, account.coupang_market) for row in rows]
        with importer._page_client(account) as client:
            importer._import_sheets(run.with_client(client), sheets)
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

    @api.model
    def _page_client(self, account):
        """The account's client; when it cannot be opened (no Secret Key, or one this server's
        encryption key does not decrypt), the page job fails with the reason and its page waits."""
        try:
            return account._coupang_client()
        except UserError as error:
            raise job_error(self.env, error) from error
