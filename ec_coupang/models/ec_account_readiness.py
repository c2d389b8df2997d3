from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.coupang_errors import message


class EcAccountReadiness(models.AbstractModel):
    """What the first fetch of an EC account needs besides the connection, checked by Test
    Connection once Coupang answered: the market's currency active, the tax of Coupang's prices
    still usable, and a location chosen, still on Coupang, for each shipping method in use.
    Each problem is a message that says what to fix."""

    _name = "ec.account.readiness"
    _description = "EC Account Readiness"

    # === FIELDS === #

    market_currency_inactive = fields.Boolean(
        compute="_compute_market_currency_inactive",
        help="The currency of the store's market exists but is not active: its orders are held.",
    )
    may_activate_currency = fields.Boolean(compute="_compute_may_activate_currency")

    # === COMPUTE METHODS === #

    @api.depends("coupang_market")
    def _compute_market_currency_inactive(self):
        for account in self:
            currency = account._market_currency()
            account.market_currency_inactive = bool(currency) and not currency.active

    @api.depends_context("uid")
    def _compute_may_activate_currency(self):
        self.may_activate_currency = self.env["res.currency"].has_access("write")

    # === ACTION METHODS === #

    def action_activate_currency(self):
        """Activates the currency of the store's market, for a user who may change currencies."""
        self.ensure_one()
        currency = self._market_currency()
        if not self.env["res.currency"].has_access("write"):
            raise AccessError(
                self.env._(
                    "Only a user who may change the currencies can activate %s: ask an administrator.",
                    currency.name or self._coupang_market().currency,
                )
            )
        currency.active = True
        self.invalidate_recordset(["market_currency_inactive"])
        # The user may change currencies, not necessarily the account: its Last Result is a record of
        # what was done, written with the rights of the addon.
        return self.sudo()._set_last_result(
            "activate_currency", "success", message("currency_activated", currency=currency.name)
        )

    # === BUSINESS METHODS === #

    def _readiness_problems(self):
        """What the first fetch still needs, as messages; empty when nothing."""
        self.ensure_one()
        return [*self._currency_problems(), *self._tax_problems(), *self._location_readiness_problems()]

    def _market_currency(self):
        """The currency of the store's market, active or not; empty when Odoo has none of that name."""
        self.ensure_one()
        code = self._coupang_market().currency
        return self.env["res.currency"].sudo().with_context(active_test=False).search([("name", "=", code)], limit=1)

    def _currency_problems(self):
        currency = self._market_currency()
        if not currency:
            return [message("ready_currency_missing", currency=self._coupang_market().currency)]
        if not currency.active:
            return [message("ready_currency_inactive", currency=currency.name)]
        return []

    def _tax_problems(self):
        """The tax of Coupang's prices, when one is chosen, must still be what the import gives the
        order lines (``ec.coupang.order.mapper``): an active sale tax included in the price, of the
        account's company or a parent of it."""
        tax = self.order_tax_id.sudo().with_context(active_test=False)
        if not tax:
            return []
        usable = (
            tax.active
            and tax.type_tax_use == "sale"
            and tax.price_include
            and tax.company_id in self.company_id.sudo().parent_ids
        )
        if usable:
            return []
        return [message("ready_tax_unusable", tax=tax.name, company=self.company_id.name)]

    def _location_readiness_problems(self):
        """A location chosen for each shipping method in use, still listed by Coupang and usable."""
        missing = [message("ready_location_missing", field=name) for name in self._missing_location_fields()]
        return [*missing, *self._location_problem_messages()]
