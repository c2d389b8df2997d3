import logging
from datetime import UTC, datetime, timedelta

from odoo import fields, models
from odoo.exceptions import UserError

from ..coupang import CoupangError
from ..tools.coupang_errors import message
from ..tools.coupang_run import CoupangRun

_logger = logging.getLogger(__name__)

# A product created while a load reads the list may be missed by it: the next load reads again
# from a little before the last one started (a product read twice is only updated).
WATERMARK_MARGIN = timedelta(minutes=10)


class EcAccountProducts(models.AbstractModel):
    """Load Products from Coupang: the store's vendor items in Product Mappings, matched to products,
    by the account's button and, after the first load, by a scheduled load of the products created
    since (the account's product watermark)."""

    _name = "ec.account.products"
    _description = "EC Account Products"

    products_loaded_from = fields.Datetime(
        string="Products Loaded On",
        readonly=True,
        copy=False,
        help="When the last load of the store's products started: the scheduled load reads the products "
        "created on Coupang since. Empty: the next load reads every product.",
    )

    # === ACTION METHODS === #

    def action_load_products(self):
        self.ensure_one()
        self._check_connected_caller(self.env._("Test the connection before loading products."))
        try:
            counts = self._load_products(person_waits=True)
        except CoupangError as error:
            return self._set_last_result("load_products", "danger", self._connection_error_message(error))
        said = self._products_loaded_message(counts)
        level = "warning" if counts["to_map"] or counts["unreadable"] else "success"
        return self._set_last_result("load_products", level, said)

    # === BUSINESS METHODS === #

    def _load_products(self, person_waits=False):
        """Loads the products created since the watermark (all at the first load), matches the items,
        then moves the watermark to the load's start; returns the counts (see
        ``ec.product.mapping._load_from_coupang``)."""
        self.ensure_one()
        started = datetime.now(UTC)
        since = self.products_loaded_from and self.products_loaded_from.replace(tzinfo=UTC) - WATERMARK_MARGIN
        account = self.sudo().with_company(self.company_id)
        with account._coupang_client(person_waits=person_waits) as client:
            counts = self.env["ec.product.mapping"].sudo()._load_from_coupang(account, client, since, since and started)
        account.products_loaded_from = started.replace(tzinfo=None)
        return counts

    def _products_loaded_message(self, counts):
        said = [
            message(
                "products_loaded",
                items=counts["items"],
                products=counts["products"],
                reference=counts["reference"],
                barcode=counts["barcode"],
                to_map=counts["to_map"],
            )
        ]
        if self.coupang_market == "TW":
            said.append(message("products_taiwan_no_items"))
        if counts["unreadable"]:
            said.append(message("products_unreadable", count=counts["unreadable"]))
        return message("sentences", sentences=said)

    def _cron_load_products(self):
        """Entry point of the products cron: each connected account's products created since its last
        load (every product at an account's first load), each on its own."""
        accounts = self.search([("state", "=", "connected")])
        for account in accounts:
            try:
                with self.env.cr.savepoint():
                    account._load_products()
            except (CoupangError, UserError) as error:
                _logger.warning("The products of EC account %s were not loaded: %s", account.id, error)
                continue
            if CoupangRun.may_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
