from odoo import api, fields, models

from ..tools.coupang_errors import message, render

# {Coupang delivery kind: (the account's field that ships it, the field of its location)}
DELIVERY_SETTINGS = {
    "seven_eleven": ("ship_seven_eleven", "return_center_seven_eleven_id"),
    "familymart": ("ship_familymart", "return_center_familymart_id"),
    "home": ("ship_home_delivery", "outbound_place_home_id"),
}


class EcAccountShipping(models.AbstractModel):
    """The shipping methods an EC account takes orders of, and the Coupang location (return center
    or outbound place) chosen for each: what is missing or wrong with them."""

    _name = "ec.account.shipping"
    _description = "EC Account Shipping Methods"

    # === FIELDS === #

    ship_seven_eleven = fields.Boolean(
        string="7-ELEVEN Pickup",
        default=True,
        help="The store takes orders picked up at 7-ELEVEN. Each Coupang order names its delivery type: "
        "no shipping type mapping is needed, only the return center chosen below.",
    )
    ship_familymart = fields.Boolean(
        string="FamilyMart Pickup",
        default=True,
        help="The store takes orders picked up at FamilyMart. Each Coupang order names its delivery "
        "type: no shipping type mapping is needed, only the return center chosen below.",
    )
    ship_home_delivery = fields.Boolean(
        string="Home Delivery (Kerry TJ / HCT)",
        default=True,
        help="The store takes home deliveries. Each Coupang order names its delivery type: no shipping "
        "type mapping is needed, only the outbound place chosen below. The carrier a delivery leaves "
        "with needs its Coupang Delivery Company, for the tracking number sent to Coupang.",
    )
    return_center_seven_eleven_id = fields.Many2one(
        "ec.location",
        string="Return Center Code (7-11)",
        help="7-ELEVEN and FamilyMart are separate logistics channels on Coupang: each needs its own "
        "return center; only the chains in use need one. An empty list: check that the keys are right, "
        "the IP address whitelisted and the return centers set up in Wing, then click Load Locations "
        "from Coupang.",
        domain="[('account_id', '=', id), ('kind', '=', 'return_center'), ('usable', '=', True)]",
        tracking=True,
    )
    return_center_familymart_id = fields.Many2one(
        "ec.location",
        string="Return Center Code (FamilyMart)",
        help="7-ELEVEN and FamilyMart are separate logistics channels on Coupang: each needs its own "
        "return center; only the chains in use need one.",
        domain="[('account_id', '=', id), ('kind', '=', 'return_center'), ('usable', '=', True)]",
        tracking=True,
    )
    outbound_place_home_id = fields.Many2one(
        "ec.location",
        string="Outbound Place Code (Home Delivery - Kerry TJ / HCT)",
        help="Where home deliveries leave from, shared by Kerry TJ and HCT. An empty list: check that "
        "the keys are right, the IP address whitelisted and the outbound places set up in Wing, then "
        "click Load Locations from Coupang.",
        domain="[('account_id', '=', id), ('kind', '=', 'outbound_place'), ('usable', '=', True)]",
        tracking=True,
    )
    location_warning = fields.Text(compute="_compute_location_warning")

    # === COMPUTE METHODS === #

    @api.depends(
        "ship_seven_eleven",
        "ship_familymart",
        "ship_home_delivery",
        "return_center_seven_eleven_id.active",
        "return_center_seven_eleven_id.usable",
        "return_center_familymart_id.active",
        "return_center_familymart_id.usable",
        "outbound_place_home_id.active",
        "outbound_place_home_id.usable",
    )
    def _compute_location_warning(self):
        for account in self:
            account.location_warning = "\n".join(account._location_problems()) or False

    # === BUSINESS METHODS === #

    def _location_problems(self):
        """What is wrong with the locations chosen for the shipping methods in use, as texts."""
        return [render(self.env, problem) for problem in self._location_problem_messages()]

    def _location_problem_messages(self):
        """What is wrong with the locations chosen for the shipping methods in use, as messages: one no
        longer on Coupang (archived by a reload), or one Coupang marks as unusable."""
        self.ensure_one()
        problems = []
        for used_field, location_field in DELIVERY_SETTINGS.values():
            location = self[location_field]
            if not (self[used_field] and location):
                continue
            if not location.active:
                problems.append(message("location_gone", field=location_field, location=location.display_name))
            elif not location.usable:
                problems.append(message("location_unusable", field=location_field, location=location.display_name))
        return problems

    def _missing_location_fields(self):
        """The location fields of the shipping methods in use that are empty."""
        self.ensure_one()
        return [
            location_field
            for used_field, location_field in DELIVERY_SETTINGS.values()
            if self[used_field] and not self[location_field]
        ]

    def _missing_location_labels(self):
        return [self._fields[name].get_description(self.env)["string"] for name in self._missing_location_fields()]

    def _delivery_location(self, kind):
        """The return center or outbound place the account uses for a Coupang delivery kind."""
        self.ensure_one()
        return self[DELIVERY_SETTINGS[kind][1]]

    def _delivery_problem(self, kind):
        """Why the account cannot take orders of this delivery kind now (a message), or False."""
        self.ensure_one()
        used_field, location_field = DELIVERY_SETTINGS[kind]
        if not self[used_field]:
            return message("delivery_not_shipped", field=used_field)
        if not self[location_field]:
            return message("delivery_location_missing", field=location_field)
        return False
