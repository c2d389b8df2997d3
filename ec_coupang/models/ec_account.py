import ipaddress
import logging

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..coupang import CoupangClient, CoupangError, IpNotAllowedError
from ..tools import secret_box

_logger = logging.getLogger(__name__)

DEFAULT_COUPANG_BASE_URL = "https://api-gateway.coupang.com"
OUTBOUND_IP_PARAM = "ec_coupang.outbound_ip"
DETECTED_IP_PARAM = "ec_coupang.detected_outbound_ip"
IP_ECHO_URL_PARAM = "ec_coupang.ip_echo_url"
DEFAULT_IP_ECHO_URL = "https://api.ipify.org"
CREDENTIAL_FIELDS = {
    "coupang_vendor_id",
    "coupang_access_key",
    "coupang_secret_key",
    "coupang_market",
    "coupang_base_url",
}
MAX_FETCH_SLOTS = 3
COUPANG_MARKETS = [("TW", "Taiwan"), ("KR", "Korea")]


class EcAccount(models.Model):
    _name = "ec.account"
    _description = "EC Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _order = "name, id"

    # === DEFAULT METHODS === #

    def _default_team_id(self):
        return self.env["crm.team"].search([("company_id", "in", [False, self.env.company.id])], limit=1)

    # === FIELDS === #

    merchant_id = fields.Many2one(
        "res.partner",
        required=True,
        tracking=True,
        check_company=True,
        help="The company or person the store belongs to.",
    )
    platform = fields.Selection(
        selection=[("coupang", "Coupang")],
        required=True,
        default="coupang",
        help="The marketplace of the store. It cannot be changed once the account exists.",
    )
    name = fields.Char(required=True, tracking=True, help="How the store is named in lists, on orders and in messages.")
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Channel",
        default=lambda self: self._default_team_id(),
        tracking=True,
        check_company=True,
        help="The sales team that imported orders are assigned to.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        help="Receives the activities about orders or shipments that need a person.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, tracking=True)
    active = fields.Boolean(default=True, tracking=True)

    # Connection
    coupang_vendor_id = fields.Char(
        string="Vendor ID",
        tracking=True,
        help="The Coupang vendor code of the store, as shown in Wing (it starts with A or C).",
    )
    coupang_access_key = fields.Char(string="Access Key", tracking=True, copy=False)
    coupang_secret_key = fields.Char(
        string="Secret Key",
        compute="_compute_coupang_secret_key",
        inverse="_inverse_coupang_secret_key",
        groups="ec_coupang.group_ec_manager",
        copy=False,
        help="Stored encrypted. It is never shown again: type a new one to replace it.",
    )
    coupang_secret_key_set = fields.Boolean(string="Secret Key Stored", compute="_compute_coupang_secret_key_set")
    coupang_market = fields.Selection(
        selection=COUPANG_MARKETS,
        string="Market",
        required=True,
        default="TW",
        tracking=True,
    )
    coupang_base_url = fields.Char(
        string="API Base URL",
        required=True,
        default=DEFAULT_COUPANG_BASE_URL,
        help="Coupang's Open API gateway. Change it only to reach a test server.",
    )
    state = fields.Selection(
        selection=[("draft", "Not Tested"), ("connected", "Connected"), ("failed", "Failed")],
        string="Connection",
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    connection_message = fields.Text(readonly=True, copy=False)
    connected_at = fields.Datetime(string="Connected On", readonly=True, copy=False)
    outbound_ip = fields.Char(
        string="Server IP to Whitelist",
        compute="_compute_outbound_ip",
        help="The address this server calls Coupang from. Coupang only answers the IP addresses "
        "registered with the Open API key in Wing.",
    )

    # Settings
    ship_seven_eleven = fields.Boolean(string="7-ELEVEN Pickup", default=True)
    ship_familymart = fields.Boolean(string="FamilyMart Pickup", default=True)
    ship_home_delivery = fields.Boolean(string="Home Delivery (Kerry TJ / HCT)", default=True)
    return_center_seven_eleven_id = fields.Many2one(
        "ec.location",
        string="Return Center for 7-ELEVEN",
        domain="[('account_id', '=', id), ('kind', '=', 'return_center')]",
        tracking=True,
    )
    return_center_familymart_id = fields.Many2one(
        "ec.location",
        string="Return Center for FamilyMart",
        domain="[('account_id', '=', id), ('kind', '=', 'return_center')]",
        tracking=True,
    )
    outbound_place_home_id = fields.Many2one(
        "ec.location",
        string="Outbound Place for Home Delivery",
        domain="[('account_id', '=', id), ('kind', '=', 'outbound_place')]",
        tracking=True,
    )
    fetch_orders = fields.Boolean(tracking=True)
    require_tracking = fields.Boolean(
        string="Require Tracking to Ship",
        default=True,
        tracking=True,
        help="A delivery of this store's orders cannot be validated without a carrier, the carrier's "
        "Coupang delivery company and a tracking number.",
    )
    fetch_slot_ids = fields.One2many("ec.fetch.slot", "account_id", string="Fetch Schedule")
    location_ids = fields.One2many("ec.location", "account_id", string="Locations")
    location_count = fields.Integer(compute="_compute_location_count")

    # === COMPUTE METHODS === #

    def _compute_coupang_secret_key(self):
        # Write-only: the stored secret is never sent back, not even to a manager.
        self.coupang_secret_key = False

    def _inverse_coupang_secret_key(self):
        for account in self:
            if account.coupang_secret_key:
                account._store_coupang_secret_key(account.coupang_secret_key)

    def _compute_coupang_secret_key_set(self):
        stored = self._read_encrypted_secret_keys()
        for account in self:
            account.coupang_secret_key_set = bool(stored.get(account.id))

    def _compute_outbound_ip(self):
        params = self.env["ir.config_parameter"].sudo()
        ip = params.get_param(OUTBOUND_IP_PARAM) or params.get_param(DETECTED_IP_PARAM) or False
        self.outbound_ip = ip

    def _compute_location_count(self):
        counts = dict(
            self.env["ec.location"]
            .with_context(active_test=False)
            ._read_group([("account_id", "in", self.ids)], ["account_id"], ["__count"])
        )
        for account in self:
            account.location_count = counts.get(account, 0)

    # === CONSTRAINT METHODS === #

    @api.constrains("team_id")
    def _check_team_id(self):
        if self.filtered(lambda account: not account.team_id):
            if not self.env["crm.team"].search_count([]):
                raise ValidationError(
                    self.env._(
                        "No sales channel exists yet. Create one in Sales > Configuration > "
                        "Sales Teams, then choose it on the EC account."
                    )
                )
            raise ValidationError(self.env._("Choose the sales channel that receives the orders."))

    @api.constrains("fetch_orders", "fetch_slot_ids")
    def _check_fetch_slots(self):
        for account in self:
            count = len(account.fetch_slot_ids)
            if count > MAX_FETCH_SLOTS:
                raise ValidationError(self.env._("An account fetches orders at most %s times a day.", MAX_FETCH_SLOTS))
            if account.fetch_orders and not count:
                raise ValidationError(self.env._("Add at least one time to the Fetch Schedule to fetch orders."))

    @api.constrains(
        "fetch_orders",
        "ship_seven_eleven",
        "ship_familymart",
        "ship_home_delivery",
        "return_center_seven_eleven_id",
        "return_center_familymart_id",
        "outbound_place_home_id",
    )
    def _check_locations_for_shipping_methods(self):
        for account in self.filtered("fetch_orders"):
            missing = account._missing_location_labels()
            if missing:
                raise ValidationError(
                    self.env._(
                        "Before fetching orders, choose: %s. Use Load Locations from Coupang if the list is empty.",
                        ", ".join(missing),
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._forget_typed_secret_key()
        return accounts

    def write(self, vals):
        if "platform" in vals and any(account.platform != vals["platform"] for account in self):
            raise UserError(self.env._("The platform of an EC account cannot be changed."))
        if CREDENTIAL_FIELDS & vals.keys():
            vals = dict(vals, state="draft", connected_at=False, connection_message=False)
        result = super().write(vals)
        self._forget_typed_secret_key()
        return result

    # === ACTION METHODS === #

    def action_test_connection(self):
        self.ensure_one()
        try:
            self._coupang_client().check_connection()
        except CoupangError as error:
            message = self._diagnose_connection_error(error)
            self._set_connection_failed(message)
            return self._notification(self.env._("Connection Failed"), message, "danger")
        self._set_connection_succeeded()
        loaded_message = self._load_coupang_locations()
        return self._notification(
            self.env._("Connection Successful"),
            loaded_message,
            "success",
        )

    def action_load_locations(self):
        self.ensure_one()
        if self.state != "connected":
            raise UserError(self.env._("Test the connection before loading locations."))
        try:
            message = self._load_coupang_locations()
        except CoupangError as error:
            raise UserError(self._diagnose_connection_error(error)) from None
        return self._notification(self.env._("Locations Loaded"), message, "success")

    def action_detect_outbound_ip(self):
        self.ensure_one()
        ip = self._detect_outbound_ip()
        if not ip:
            return self._notification(
                self.env._("IP Address Not Detected"),
                self.env._(
                    "This server could not find out its public IP address. Ask your hosting "
                    "provider for it and enter it in the system parameter %s.",
                    OUTBOUND_IP_PARAM,
                ),
                "warning",
            )
        return self._notification(self.env._("Server IP Detected"), ip, "info")

    def action_view_locations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ec_coupang.ec_location_action")
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id, "active_test": False}
        return action

    # === BUSINESS METHODS: CREDENTIALS === #

    def _read_encrypted_secret_keys(self):
        if not self.ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT id, coupang_secret_key_encrypted FROM ec_account WHERE id IN %s",
                tuple(self.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _store_coupang_secret_key(self, secret_key):
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE ec_account SET coupang_secret_key_encrypted = %s WHERE id = %s",
                secret_box.encrypt(secret_key),
                self.id,
            )
        )

    def _forget_typed_secret_key(self):
        # The ORM keeps a written value in its cache; without this, the form's save would read the
        # typed Secret Key back and send it to the browser.
        self.invalidate_recordset(["coupang_secret_key"])

    def _get_coupang_secret_key(self):
        """The decrypted Secret Key, for the Coupang client only."""
        self.ensure_one()
        token = self._read_encrypted_secret_keys().get(self.id)
        if not token:
            raise UserError(self.env._("Enter the Secret Key of the account %s.", self.name))
        try:
            return secret_box.decrypt(token)
        except secret_box.SecretUnreadableError:
            raise UserError(
                self.env._(
                    "The Secret Key of %s cannot be decrypted with this server's encryption key. "
                    "Enter the Secret Key again.",
                    self.name,
                )
            ) from None

    def _auto_init(self):
        # The ciphertext is a plain column, not an ORM field, so no RPC call can read it.
        result = super()._auto_init()
        self.env.cr.execute("ALTER TABLE ec_account ADD COLUMN IF NOT EXISTS coupang_secret_key_encrypted varchar")
        return result

    # === BUSINESS METHODS: COUPANG === #

    def _coupang_client(self):
        """The one place where the addon talks to Coupang; tests patch it to stay offline."""
        self.ensure_one()
        if not (self.coupang_vendor_id and self.coupang_access_key):
            raise UserError(self.env._("Enter the Vendor ID and the Access Key first."))
        return CoupangClient(
            vendor_id=self.coupang_vendor_id.strip(),
            access_key=self.coupang_access_key.strip(),
            secret_key=self._get_coupang_secret_key().strip(),
            base_url=self.coupang_base_url,
            market=self.coupang_market,
        )

    def _diagnose_connection_error(self, error):
        if isinstance(error, IpNotAllowedError):
            ip = self.outbound_ip or self._detect_outbound_ip()
            return self.env._(
                "Coupang refused this server's IP address (%(ip)s). In Wing, open the Open API key's "
                "settings and add this IP address to the allowed IPs; a change can take up to 30 "
                "minutes. %(detail)s",
                ip=ip or self.env._("unknown: set it in the system parameter %s", OUTBOUND_IP_PARAM),
                detail=str(error),
            )
        return str(error)

    def _set_connection_failed(self, message):
        self.write({"state": "failed", "connection_message": message, "connected_at": False})
        self.message_post(body=self.env._("Connection test failed: %s", message))

    def _set_connection_succeeded(self):
        self.write(
            {
                "state": "connected",
                "connected_at": fields.Datetime.now(),
                "connection_message": False,
            }
        )

    def _load_coupang_locations(self):
        """Upserts Coupang's return centers and outbound places; returns a summary for the user."""
        self.ensure_one()
        client = self._coupang_client()
        Location = self.env["ec.location"]
        return_centers = Location._sync_from_coupang(self, "return_center", client.iter_return_centers())
        outbound_places = Location._sync_from_coupang(self, "outbound_place", client.iter_outbound_places())
        hints = []
        if not return_centers:
            hints.append(
                self.env._(
                    "Coupang returned no return center: register one in Wing (seller info > "
                    "return center) and load the locations again."
                )
            )
        if not outbound_places:
            hints.append(
                self.env._(
                    "Coupang returned no outbound place: register one in Wing (seller info > "
                    "outbound place) and load the locations again."
                )
            )
        summary = self.env._(
            "%(centers)s return centers and %(places)s outbound places loaded from Coupang.",
            centers=len(return_centers),
            places=len(outbound_places),
        )
        return " ".join([summary, *hints])

    def _missing_location_labels(self):
        self.ensure_one()
        required = [
            (self.ship_seven_eleven, self.return_center_seven_eleven_id, "return_center_seven_eleven_id"),
            (self.ship_familymart, self.return_center_familymart_id, "return_center_familymart_id"),
            (self.ship_home_delivery, self.outbound_place_home_id, "outbound_place_home_id"),
        ]
        return [
            self._fields[field_name].get_description(self.env)["string"]
            for used, location, field_name in required
            if used and not location
        ]

    def _detect_outbound_ip(self):
        """Asks the configured echo service for this server's public IP; remembers the answer."""
        params = self.env["ir.config_parameter"].sudo()
        url = params.get_param(IP_ECHO_URL_PARAM, DEFAULT_IP_ECHO_URL)
        try:
            response = requests.get(url, timeout=5)
            response.raise_for_status()
        except requests.RequestException as error:
            _logger.info("Outbound IP detection through %s failed: %s", url, error)
            return False
        ip = response.text.strip()
        if not _looks_like_ip(ip):
            _logger.info("Outbound IP detection through %s returned no IP address", url)
            return False
        params.set_param(DETECTED_IP_PARAM, ip)
        self.env["ec.account"].invalidate_model(["outbound_ip"])
        return ip

    def _notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


def _looks_like_ip(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
