from odoo import api, fields, models
from odoo.tools import SQL


class EcStockChange(models.Model):
    """What changed since the stock cron's last run: a product whose quantities moved, or an account
    whose items all go again. Rows are only ever inserted by the changes, and read then deleted by
    the cron, so that marking a change never waits for the cron nor conflicts with it."""

    _name = "ec.stock.change"
    _description = "Coupang Stock Change"
    _log_access = False

    product_id = fields.Many2one("product.product", ondelete="cascade", readonly=True)
    account_id = fields.Many2one("ec.account", ondelete="cascade", readonly=True)
    force = fields.Boolean(readonly=True, help="Sent even when Coupang was told the same value last.")
    changed_at = fields.Datetime(readonly=True)

    @api.model
    def _mark_products(self, product_ids, force=False):
        """The stock of these products changed: one insert, for those a sending account maps.

        :param force: send their stock even if Coupang was told the same value last"""
        if not product_ids:
            return
        self.env["ec.account"].flush_model(["stock_push", "active"])
        self.env["ec.product.mapping"].flush_model(["product_id", "account_id"])
        self.env.cr.execute(
            SQL(
                """INSERT INTO ec_stock_change (product_id, force, changed_at)
                   SELECT DISTINCT mapping.product_id, %s, %s
                     FROM ec_product_mapping mapping
                     JOIN ec_account account ON account.id = mapping.account_id
                    WHERE mapping.product_id = ANY(%s) AND account.stock_push AND account.active""",
                force,
                fields.Datetime.now(),
                sorted(product_ids),
            )
        )

    @api.model
    def _mark_accounts(self, accounts, force=False):
        self.create(
            [{"account_id": account.id, "force": force, "changed_at": fields.Datetime.now()} for account in accounts]
        )

    @api.model
    def _take(self):
        """The changes committed so far, deleted: {(account id or None, product id or None): (earliest
        change, forced)}. A change committed later stays for the next run."""
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM ec_stock_change RETURNING account_id, product_id, changed_at, force")
        changes = {}
        for account_id, product_id, changed_at, force in self.env.cr.fetchall():
            earliest, forced = changes.get((account_id, product_id), (changed_at, False))
            changes[account_id, product_id] = (min(earliest, changed_at), forced or force)
        return changes
