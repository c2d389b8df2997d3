from odoo import api, fields, models

from ..tools.coupang_errors import message


class EcLocation(models.Model):
    _name = "ec.location"
    _description = "EC Location"
    _order = "account_id, kind, name, id"
    _rec_names_search = ["name", "code"]

    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    kind = fields.Selection(
        selection=[("return_center", "Return Center"), ("outbound_place", "Outbound Place")],
        required=True,
    )
    code = fields.Char(required=True, help="The code Coupang gives the place.")
    name = fields.Char(required=True)
    address = fields.Char()
    usable = fields.Boolean(help="Whether Coupang marks the place as usable.")
    active = fields.Boolean(
        default=True,
        help="Archived when the place no longer exists on Coupang; settings that use it keep it.",
    )

    _sql_constraints = [
        (
            "code_unique",
            "UNIQUE(account_id, kind, code)",
            "A Coupang location appears once per account.",
        ),
    ]

    @api.depends("name", "code")
    def _compute_display_name(self):
        for location in self:
            location.display_name = f"{location.name} ({location.code})" if location.code else location.name

    @api.model
    def _load_from_coupang(self, account):
        """Upserts the account's return centers and outbound places from Coupang; returns what the
        user reads of it, as messages: how many were loaded, then what to register in Wing when
        Coupang listed none of a kind."""
        account.ensure_one()
        with account._coupang_client() as client:
            return_centers = self._sync_from_coupang(account, "return_center", client.iter_return_centers())
            outbound_places = self._sync_from_coupang(account, "outbound_place", client.iter_outbound_places())
        said = [message("locations_loaded", centers=len(return_centers), places=len(outbound_places))]
        if not return_centers:
            said.append(message("no_return_center"))
        if not outbound_places:
            said.append(message("no_outbound_place"))
        return said

    @api.model
    def _sync_from_coupang(self, account, kind, places):
        """Upserts the places Coupang lists, by code, and archives the ones it no longer lists.

        :param places: iterable of client results with ``code``, ``name``, ``address`` and ``usable``
        :return: the active locations of that kind after the sync
        """
        existing = {
            location.code: location
            for location in self.with_context(active_test=False).search(
                [("account_id", "=", account.id), ("kind", "=", kind)]
            )
        }
        seen = self.browse()
        for place in places:
            values = {
                "name": place.name or place.code,
                "address": place.address or False,
                "usable": bool(place.usable),
                "active": True,
            }
            location = existing.get(place.code)
            if location:
                location.write(values)
            else:
                location = self.create(dict(values, account_id=account.id, kind=kind, code=place.code))
            seen |= location
        (self.browse([location.id for location in existing.values()]) - seen).write({"active": False})
        return seen
