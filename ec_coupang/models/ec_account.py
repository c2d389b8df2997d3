import os
from datetime import timedelta
from pathlib import Path

from odoo import api, fields, models
from odoo.exceptions import MissingError, UserError, ValidationError
from odoo.tools import SQL, str2bool

from ..const import (
    BUYER_DATA_FIELDS,
    COUPANG_MARKETS,
    DEFAULT_BUYER_DATA_DAYS,
    DEFAULT_COUPANG_BASE_URL,
    DEFAULT_COUPANG_MARKET,
    DEFAULT_FETCH_FIRST_DAYS,
    DEFAULT_RATE_LIMIT,
    FETCH_LOG_STATES,
    KEY_RENEWAL_NOTICE,
    KEY_VALIDITY,
    OUTBOUND_IP_PARAM,
    PERSON_WAITS_RETRIES,
    RECORD_DIR_ENV,
    RECORD_DIR_PARAM,
    RECORD_HIDE_VENDOR_ID_PARAM,
)
from ..coupang import MARKETS, CoupangClient, CoupangError, ExchangeRecorder, IpNotAllowedError
from ..tools import secret_box
from ..tools.coupang_errors import error_message, message, render
from ..tools.coupang_run import CoupangRun
from ..tools.fetch_times import format_minute
from ..tools.notifications import display_notification
from ..tools.outbound_ip import detect_outbound_ip, known_outbound_ip, local_addresses
from ..tools.rate_limit import VendorRateLimit

FETCH_REQUESTED_CRON_XMLID = "ec_coupang.ir_cron_ec_fetch_requested"
CREDENTIAL_FIELDS = {
    "coupang_vendor_id",
    "coupang_access_key",
    "coupang_secret_key",
    "coupang_market",
    "coupang_base_url",
}
KEY_FIELDS = {"coupang_access_key", "coupang_secret_key"}
MAX_FETCH_SLOTS = 3
DELIVERY_SETTINGS = {
    "seven_eleven": ("ship_seven_eleven", "return_center_seven_eleven_id"),
    "familymart": ("ship_familymart", "return_center_familymart_id"),
    "home": ("ship_home_delivery", "outbound_place_home_id"),
}


class EcAccount(models.Model):
    _name = "ec.account"
    _description = "EC Account"
    _inherit = ["mail.thread", "mail.activity.mixin", "ec.fetch.schedule.trigger", "ec.account.dashboard"]
    _check_company_auto = True
    _order = "name, id"
    _fetch_schedule_fields = frozenset({"fetch_orders", "active", "state", "company_id"})

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
        help="The Coupang vendor code of the store, as shown in Wing (it starts with A or C). Several "
        "Coupang stores: one EC account each, with its own keys.",
    )
    # Not tracked: the chatter says that the keys changed, never what they are.
    coupang_access_key = fields.Char(string="Access Key", groups="ec_coupang.group_ec_manager", copy=False)
    coupang_secret_key = fields.Char(
        string="Secret Key",
        compute="_compute_coupang_secret_key",
        inverse="_inverse_coupang_secret_key",
        groups="ec_coupang.group_ec_manager",
        copy=False,
        help="Stored encrypted. It is never shown again: type a new one to replace it.",
    )
    coupang_secret_key_set = fields.Boolean(string="Secret Key Stored", compute="_compute_coupang_secret_key_set")
    coupang_key_changed_at = fields.Datetime(
        string="Key Last Changed",
        readonly=True,
        copy=False,
        help="When the Access Key or the Secret Key was last entered here.",
    )
    coupang_key_expires_on = fields.Datetime(
        string="Key Valid Until",
        compute="_compute_coupang_key_expiry",
        help="Coupang's Open API keys are valid 180 days. Wing offers to reissue the key 14 days before "
        "it expires: enter the new keys here, then test the connection.",
    )
    coupang_key_renewal_due = fields.Boolean(compute="_compute_coupang_key_expiry")
    coupang_market = fields.Selection(
        selection=COUPANG_MARKETS,
        string="Market",
        required=True,
        default=DEFAULT_COUPANG_MARKET,
        tracking=True,
    )
    coupang_base_url = fields.Char(
        string="API Base URL",
        required=True,
        default=DEFAULT_COUPANG_BASE_URL,
        help="Coupang's Open API gateway. Change it only to reach a test server.",
    )
    coupang_rate_limit = fields.Float(
        string="Calls per Second",
        default=DEFAULT_RATE_LIMIT,
        help="The most calls per second sent to Coupang for this Vendor ID, by every Odoo server of the "
        "database together. Coupang refuses calls above about 10 per second; when several accounts share "
        "the Vendor ID, the lowest of them applies.",
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
    outbound_ip_hint = fields.Char(string="Server IP Hint", compute="_compute_outbound_ip")

    # Settings
    ship_seven_eleven = fields.Boolean(string="7-ELEVEN Pickup", default=True)
    ship_familymart = fields.Boolean(string="FamilyMart Pickup", default=True)
    ship_home_delivery = fields.Boolean(string="Home Delivery (Kerry TJ / HCT)", default=True)
    return_center_seven_eleven_id = fields.Many2one(
        "ec.location",
        string="Return Center for 7-ELEVEN",
        help="7-ELEVEN and FamilyMart are separate logistics channels on Coupang: each needs its own "
        "return center; only the chains in use need one. An empty list: check that the return centers "
        "are set up in Wing, then click Load Locations from Coupang.",
        domain="[('account_id', '=', id), ('kind', '=', 'return_center'), ('usable', '=', True)]",
        tracking=True,
    )
    return_center_familymart_id = fields.Many2one(
        "ec.location",
        string="Return Center for FamilyMart",
        help="7-ELEVEN and FamilyMart are separate logistics channels on Coupang: each needs its own "
        "return center; only the chains in use need one.",
        domain="[('account_id', '=', id), ('kind', '=', 'return_center'), ('usable', '=', True)]",
        tracking=True,
    )
    outbound_place_home_id = fields.Many2one(
        "ec.location",
        string="Outbound Place for Home Delivery",
        help="Where home deliveries leave from. An empty list: check that the outbound places are set "
        "up in Wing, then click Load Locations from Coupang.",
        domain="[('account_id', '=', id), ('kind', '=', 'outbound_place'), ('usable', '=', True)]",
        tracking=True,
    )
    location_warning = fields.Text(compute="_compute_location_warning")
    fetch_orders = fields.Boolean(
        tracking=True,
        help="Fetch the store's new orders at the times of the Fetch Schedule. No orders fetched? Check "
        "that Fetch Orders is on, that the schedule has a time, and that the connection is Connected "
        "with the IP whitelist still valid.",
    )
    require_tracking = fields.Boolean(
        string="Require Tracking to Ship",
        default=True,
        tracking=True,
        help="A delivery of this store's orders cannot be validated without a carrier, the carrier's "
        "Coupang delivery company and a tracking number.",
    )
    approve_returns_on_receipt = fields.Boolean(
        string="Approve Returns on Receipt",
        default=True,
        tracking=True,
        help="A Coupang return is approved (the buyer refunded) as soon as its return is validated in "
        "Odoo; off, the Coupang request waits for its Approve Return button.",
    )
    buyer_data_days = fields.Integer(
        string="Keep Buyers' Data (Days)",
        default=DEFAULT_BUYER_DATA_DAYS,
        help="Coupang's data of an order to review or a request (the buyer's name, phone and address) "
        "is erased this many days after the record is closed; the sale order and its delivery keep "
        "what they need. Open records keep it until they are settled.",
    )
    fetch_slot_ids = fields.One2many("ec.fetch.slot", "account_id", string="Fetch Schedule")
    fetch_slots_full = fields.Boolean(compute="_compute_fetch_slots_full")
    location_ids = fields.One2many("ec.location", "account_id", string="Locations")

    # Order fetching
    fetch_tz = fields.Char(
        string="Time Zone",
        compute="_compute_fetch_tz",
        help="The company's time zone (set on the company's address), in which the fetch times are read.",
    )
    fetch_status = fields.Char(compute="_compute_fetch_status")
    fetch_nextcall = fields.Datetime(string="Next Fetch", compute="_compute_fetch_status")
    fetch_first_days = fields.Integer(
        string="First Fetch Reads (Days)",
        default=DEFAULT_FETCH_FIRST_DAYS,
        help="How many days back the first fetch of the account reads Coupang orders.",
    )
    last_fetch_watermark = fields.Datetime(
        string="Orders Fetched Up To",
        copy=False,
        help="Every Coupang order created before this moment has been read. The next fetch reads from "
        "here, less a safety overlap for orders Coupang lists late. Move it back to read older orders "
        "again: those already imported are skipped.",
    )
    last_request_watermark = fields.Datetime(
        string="Requests Checked Up To",
        copy=False,
        help="Every Coupang cancellation, stop-shipment request and return created before this moment has "
        "been read. The next check reads from here, less a safety overlap.",
    )
    order_tax_id = fields.Many2one(
        "account.tax",
        string="Tax Included in Coupang Prices",
        domain="[('type_tax_use', '=', 'sale'), ('price_include', '=', True), ('company_id', '=', company_id)]",
        check_company=True,
        help="Coupang prices include tax. Imported order lines get this price-included tax, so the "
        "order total stays Coupang's. Without it, the lines carry no tax.",
    )
    last_fetch_log_id = fields.Many2one("ec.fetch.log", string="Last Fetch", compute="_compute_last_fetch")
    last_fetch_date = fields.Datetime(string="Last Fetch On", compute="_compute_last_fetch")
    last_fetch_state = fields.Selection(
        selection=FETCH_LOG_STATES,
        string="Last Fetch Result",
        compute="_compute_last_fetch",
    )
    last_fetch_summary = fields.Char(compute="_compute_last_fetch")

    # === COMPUTE METHODS === #

    def _compute_coupang_secret_key(self):
        # Write-only: the stored secret is never sent back, not even to a manager.
        self.coupang_secret_key = False

    def _inverse_coupang_secret_key(self):
        for account in self:
            if account.coupang_secret_key:
                account._store_coupang_secret_key(account.coupang_secret_key)

    @api.depends("coupang_key_changed_at")
    def _compute_coupang_key_expiry(self):
        notice_from = fields.Datetime.now() + KEY_RENEWAL_NOTICE
        for account in self:
            expires_on = account.coupang_key_changed_at and account.coupang_key_changed_at + KEY_VALIDITY
            account.coupang_key_expires_on = expires_on
            account.coupang_key_renewal_due = bool(expires_on and expires_on <= notice_from)

    def _compute_coupang_secret_key_set(self):
        stored = self._read_encrypted_secret_keys()
        for account in self:
            account.coupang_secret_key_set = bool(stored.get(account.id))

    def _compute_outbound_ip(self):
        ip = known_outbound_ip(self.env["ir.config_parameter"].sudo())
        self.outbound_ip = ip
        self.outbound_ip_hint = not ip and self._outbound_ip_hint()

    def _outbound_ip_hint(self):
        addresses = ", ".join(local_addresses())
        return self.env._(
            "Not detected: click Detect. This machine's own addresses are %(addresses)s; behind a router "
            "Coupang sees the router's public address instead. Your hosting provider knows it: enter it "
            "in the system parameter %(param)s.",
            addresses=addresses or self.env._("unknown"),
            param=OUTBOUND_IP_PARAM,
        )

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

    def _compute_fetch_tz(self):
        for account in self:
            account.fetch_tz = account._fetch_tz()

    @api.depends("fetch_orders", "active", "state", "fetch_slot_ids.time", "fetch_slot_ids.schedule_id")
    def _compute_fetch_status(self):
        for account in self:
            blocked = account._fetch_blocked_reason()
            crons = account.fetch_slot_ids.sudo().schedule_id.cron_id
            account.fetch_nextcall = not blocked and min(crons.mapped("nextcall"), default=False)
            if blocked:
                account.fetch_status = self.env._("Not fetching: %s", blocked)
            else:
                account.fetch_status = self.env._(
                    "Fetching daily at %(times)s (%(tz)s).",
                    times=account._fetch_times_text(),
                    tz=account._fetch_tz(),
                )

    @api.depends("fetch_slot_ids")
    def _compute_fetch_slots_full(self):
        for account in self:
            account.fetch_slots_full = len(account.fetch_slot_ids) >= MAX_FETCH_SLOTS

    def _compute_last_fetch(self):
        last_logs = self.env["ec.fetch.log"]._last_runs(self)
        for account in self:
            log = last_logs.get(account.id, self.env["ec.fetch.log"])
            account.last_fetch_log_id = log
            account.last_fetch_date = log.date_start
            account.last_fetch_state = log.state
            account.last_fetch_summary = log.summary

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

    @api.constrains("coupang_vendor_id", "coupang_market", "active")
    def _check_one_active_account_per_store(self):
        for account in self.filtered(lambda account: account.active and account.coupang_vendor_id):
            other = account._other_accounts_of_store()
            if not other:
                continue
            store = self.env._(
                "The Coupang store %(vendor)s (%(market)s)",
                vendor=account.coupang_vendor_id.strip(),
                market=account._fields["coupang_market"].convert_to_export(account.coupang_market, account),
            )
            visible = other.filtered(lambda other: other.company_id in self.env.user.company_ids)
            if not visible:
                # Another company's account: nothing of it is told, not even its name.
                raise ValidationError(
                    self.env._(
                        "%s is already connected to Odoo by another company. A store is connected once.",
                        store,
                    )
                )
            raise ValidationError(
                self.env._(
                    "%(store)s already has an active EC account: %(account)s. "
                    "Use that account, or archive it before connecting the store here.",
                    store=store,
                    account=visible[0].display_name,
                )
            )

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
        vals_list = [self._with_key_change_date(vals) for vals in vals_list]
        accounts = super().create(vals_list)
        accounts._forget_typed_secret_key()
        return accounts

    def write(self, vals):
        if "platform" in vals and any(account.platform != vals["platform"] for account in self):
            raise UserError(self.env._("The platform of an EC account cannot be changed."))
        if CREDENTIAL_FIELDS & vals.keys():
            vals = dict(self._with_key_change_date(vals), state="draft", connected_at=False, connection_message=False)
        times_before = {account: account._fetch_times_text() for account in self} if "fetch_slot_ids" in vals else {}
        result = super().write(vals)
        self._forget_typed_secret_key()
        self._post_changed_fetch_times(times_before)
        if KEY_FIELDS & vals.keys():
            self._log_in_chatter(self.env._("The Coupang Open API keys were changed."))
        return result

    @api.model
    def _with_key_change_date(self, vals):
        if any(vals.get(name) for name in KEY_FIELDS):
            return dict(vals, coupang_key_changed_at=fields.Datetime.now())
        return vals

    def _fetch_times_text(self):
        self.ensure_one()
        return ", ".join(format_minute(round(slot.time * 60)) for slot in self.fetch_slot_ids) or self.env._("none")

    def _post_changed_fetch_times(self, times_before):
        """The chatter keeps the fetch times' changes, as tracking does for the other settings."""
        for account, before in times_before.items():
            after = account._fetch_times_text()
            if after != before:
                account._log_in_chatter(
                    self.env._("Fetch times changed: %(before)s → %(after)s", before=before, after=after)
                )

    def _log_in_chatter(self, body):
        """A note on each account's chatter that no mail failure can stop: a user without an e-mail
        address cannot send a message, and the change or the failure it reports must be saved."""
        for account in self:
            account._message_log(body=body)

    # === ACTION METHODS === #

    def action_test_connection(self):
        self.ensure_one()
        self._check_coupang_rights()
        try:
            with self._coupang_client() as client:
                client.check_connection()
        except CoupangError as error:
            message = self._diagnose_connection_error(error)
            self._set_connection_failed(message)
            return display_notification(self.env._("Connection Failed"), message, "danger")
        self._set_connection_succeeded()
        loaded_message = self.env["ec.location"]._load_from_coupang(self)
        return display_notification(
            self.env._("Connection Successful"),
            loaded_message,
            "success",
        )

    def action_load_locations(self):
        self.ensure_one()
        self._check_coupang_rights()
        if self.state != "connected":
            raise UserError(self.env._("Test the connection before loading locations."))
        try:
            message = self.env["ec.location"]._load_from_coupang(self)
        except CoupangError as error:
            raise UserError(self._diagnose_connection_error(error)) from None
        return display_notification(self.env._("Locations Loaded"), message, "success")

    def action_detect_outbound_ip(self):
        self.ensure_one()
        self._check_coupang_rights()
        ip = self._detect_outbound_ip()
        if not ip:
            return display_notification(
                self.env._("IP Address Not Detected"),
                self.env._(
                    "This server could not find out its public IP address. Ask your hosting "
                    "provider for it and enter it in the system parameter %s.",
                    OUTBOUND_IP_PARAM,
                ),
                "warning",
            )
        return display_notification(self.env._("Server IP Detected"), ip, "info")

    def action_fetch_now(self):
        self.ensure_one()
        self._check_coupang_rights()
        if self.state != "connected":
            raise UserError(self.env._("Test the connection before fetching orders."))
        Log = self.env["ec.fetch.log"].sudo()
        if Log._pending_run(self):
            return display_notification(
                self.env._("Fetch Already Started"),
                self.env._(
                    "A fetch of this account is requested or running: its result shows under Last Fetch, on "
                    "the Settings tab, when it ends."
                ),
                "info",
            )
        Log.create({"account_id": self.id, "trigger": "manual", "state": "queued", "user_id": self.env.uid})
        self.env.ref(FETCH_REQUESTED_CRON_XMLID).sudo()._trigger()
        return display_notification(
            self.env._("Fetch Started"),
            self.env._(
                "The orders are fetched in the background. The result shows under Last Fetch, on the "
                "Settings tab, and in the Fetch Logs."
            ),
            "info",
        )

    # === BUSINESS METHODS: CREDENTIALS === #

    @api.model
    def _cron_remind_key_renewal(self):
        """An activity for the responsible of each account whose key expires within the notice."""
        due = self.search([("coupang_key_changed_at", "<=", fields.Datetime.now() + KEY_RENEWAL_NOTICE - KEY_VALIDITY)])
        for account in due.filtered(lambda account: not account._key_renewal_activity()):
            account.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=account.coupang_key_expires_on.date(),
                summary=self._key_renewal_summary(),
                note=self.env._(
                    "The Coupang Open API key of %(account)s expires on %(date)s. In Wing (seller info > "
                    "additional sales info > OPEN API key), reissue the key, enter the new Access Key and "
                    "Secret Key here, then click Test Connection.",
                    account=account.name,
                    date=account.coupang_key_expires_on.date(),
                ),
                user_id=(account.user_id or self.env.user).id,
            )

    def _key_renewal_summary(self):
        return self.env._("Renew the Coupang Open API key")

    def _key_renewal_activity(self):
        self.ensure_one()
        summary = self._key_renewal_summary()
        return self.activity_ids.filtered(lambda activity: activity.summary == summary)

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
                self._with_encryption_key(secret_box.encrypt, secret_key),
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
            return self._with_encryption_key(secret_box.decrypt, token)
        except secret_box.SecretUnreadableError:
            raise UserError(
                self.env._(
                    "The Secret Key of %s cannot be decrypted with this server's encryption key. "
                    "Enter the Secret Key again.",
                    self.name,
                )
            ) from None

    def _with_encryption_key(self, operation, value):
        """Runs a secret_box operation, its key errors told as what the administrator must configure."""
        try:
            return operation(value)
        except secret_box.EncryptionKeyMissingError:
            raise UserError(
                self.env._(
                    "This server may run several processes (workers, or queue_job), so it does not generate "
                    "its own encryption key for the Secret Keys: every process must use the same one. Set the "
                    "option %(option)s in the server configuration file, or the environment variable "
                    "%(variable)s, to one Fernet key, the same on every server, then restart.",
                    option=secret_box.CONFIG_OPTION,
                    variable=secret_box.ENV_VARIABLE,
                )
            ) from None
        except secret_box.EncryptionKeyMalformedError as error:
            raise UserError(
                self.env._(
                    "Key number %(position)s of the encryption key configured in %(option)s or %(variable)s is "
                    "not a Fernet key (44 characters of URL-safe base64). Fix the server configuration, "
                    "then restart.",
                    position=error.position,
                    option=secret_box.CONFIG_OPTION,
                    variable=secret_box.ENV_VARIABLE,
                )
            ) from None

    @api.model
    def _rotate_encryption_key(self):
        """Re-encrypts every stored Secret Key with the first configured encryption key; returns the
        accounts whose Secret Key none of the configured keys decrypts (left as they are)."""
        # Every company's and archived account, as the server's key is one for all of them.
        self.env.cr.execute(
            SQL(
                "SELECT id, coupang_secret_key_encrypted FROM ec_account "
                "WHERE coupang_secret_key_encrypted IS NOT NULL"
            )
        )
        unreadable = self.browse()
        for account_id, token in self.env.cr.fetchall():
            try:
                rotated = self._with_encryption_key(secret_box.rotate, token)
            except secret_box.SecretUnreadableError:
                unreadable |= self.browse(account_id)
                continue
            self.env.cr.execute(
                SQL("UPDATE ec_account SET coupang_secret_key_encrypted = %s WHERE id = %s", rotated, account_id)
            )
        return unreadable

    def _auto_init(self):
        # The ciphertext is a plain column, not an ORM field, so no RPC call can read it.
        result = super()._auto_init()
        self.env.cr.execute("ALTER TABLE ec_account ADD COLUMN IF NOT EXISTS coupang_secret_key_encrypted varchar")
        return result

    # === BUSINESS METHODS: BUYERS' DATA === #

    @api.model
    def _cron_forget_buyers_data(self):
        """Erases Coupang's raw data of the records closed longer ago than their account keeps it."""
        now = fields.Datetime.now()
        for account in self.with_context(active_test=False).search([("buyer_data_days", ">", 0)]):
            account._forget_buyers_data(now - timedelta(days=account.buyer_data_days))

    def _forget_buyers_data(self, closed_before):
        """Blanks the raw data of the account's records closed (done) before ``closed_before``."""
        self.ensure_one()
        for model, field_name in BUYER_DATA_FIELDS.items():
            records = self.env[model].search(
                [
                    ("account_id", "=", self.id),
                    ("state", "=", "done"),
                    ("write_date", "<", closed_before),
                    (field_name, "!=", False),
                ]
            )
            records.write({field_name: False})

    # === BUSINESS METHODS: COUPANG === #

    def _check_coupang_rights(self):
        """Refuses a caller who may not change these accounts (an EC manager of their company may),
        before any key is decrypted or anything sent: Coupang's calls spend the store's shared rate
        and change what the store holds."""
        if len(self.exists()) != len(self):
            raise MissingError(self.env._("This EC account does not exist, or was deleted."))
        self.check_access("write")

    def _coupang_client(self, person_waits=False):
        """The one place where the addon talks to Coupang: ``with account._coupang_client() as client:``.

        ``person_waits``: for a user's button. A call Coupang could not answer is tried once more at
        once, never after a pause: the user reads the reason and the scheduled runs try again."""
        self.ensure_one()
        if not (self.coupang_vendor_id and self.coupang_access_key):
            raise UserError(self.env._("Enter the Vendor ID and the Access Key first."))
        rate_limit = self._coupang_rate_limiter()
        secret_key = self._get_coupang_secret_key().strip()
        return CoupangClient(
            vendor_id=self.coupang_vendor_id.strip(),
            access_key=self.coupang_access_key.strip(),
            secret_key=secret_key,
            base_url=self.coupang_base_url,
            market=self.coupang_market,
            throttle=rate_limit.throttle,
            slow_down=rate_limit.slow_down,
            recorder=self._coupang_recorder(secret_key),
            **(PERSON_WAITS_RETRIES if person_waits else {}),
        )

    def _coupang_recorder(self, secret_key):
        """The recorder of the account's Coupang exchanges, in a folder of its own, when a folder
        is named (system parameter ec_coupang.record_dir, else EC_COUPANG_RECORD_DIR); else None."""
        params = self.env["ir.config_parameter"].sudo()
        folder = params.get_param(RECORD_DIR_PARAM) or os.environ.get(RECORD_DIR_ENV)
        if not folder:
            return None
        return ExchangeRecorder(
            Path(folder) / f"{self.coupang_market}-{self.id}",
            secrets=(self.coupang_access_key.strip(), secret_key),
            vendor_id=self.coupang_vendor_id.strip(),
            market=self.coupang_market,
            hide_vendor_id=str2bool(params.get_param(RECORD_HIDE_VENDOR_ID_PARAM) or "0"),
        )

    def _coupang_rate_limiter(self):
        """The rate limit of the account's Vendor ID (every market), shared by every Odoo process:
        the lowest limit of the vendor's active accounts, in every company."""
        self.ensure_one()
        vendor_id = self.coupang_vendor_id.strip()
        accounts = self.sudo().search([("coupang_vendor_id", "=", vendor_id), ("id", "!=", self.id)])
        rates = [rate for rate in (self | accounts).mapped("coupang_rate_limit") if rate > 0]
        return VendorRateLimit(self.env.registry, vendor_id, min(rates, default=DEFAULT_RATE_LIMIT))

    @api.constrains("buyer_data_days")
    def _check_buyer_data_days(self):
        if any(account.buyer_data_days <= 0 for account in self):
            raise ValidationError(self.env._("Buyers' data is kept at least one day after a record is closed."))

    @api.constrains("coupang_rate_limit")
    def _check_coupang_rate_limit(self):
        if any(account.coupang_rate_limit <= 0 for account in self):
            raise ValidationError(self.env._("The calls per second to Coupang must be more than zero."))

    def _coupang_market(self):
        """The account's :class:`~..coupang.Market`: its currency, time zone, country, the calls Coupang
        offers there."""
        self.ensure_one()
        return MARKETS[self.coupang_market]

    def _coupang_store_key(self):
        """The Coupang store of the account, e.g. ``TW:A00012345``: a box is imported once per store."""
        self.ensure_one()
        return f"{self.coupang_market}:{(self.coupang_vendor_id or '').strip()}"

    def _other_accounts_of_store(self):
        """The other active accounts of the account's Coupang store, in every company."""
        self.ensure_one()
        store_key = self._coupang_store_key()
        candidates = self.sudo().search(
            [
                ("id", "!=", self.id),
                ("coupang_market", "=", self.coupang_market),
                ("coupang_vendor_id", "ilike", (self.coupang_vendor_id or "").strip()),
            ]
        )
        return candidates.filtered(lambda account: account._coupang_store_key() == store_key)

    def _diagnose_connection_error(self, error):
        return render(self.env, self._connection_error_message(error))

    def _connection_error_message(self, error):
        """The message of a failed call, with this server's IP address when Coupang refused it."""
        if isinstance(error, IpNotAllowedError):
            ip = self.outbound_ip or self._detect_outbound_ip()
            return message("ip_not_allowed_here", ip=ip, ip_param=OUTBOUND_IP_PARAM, detail=error_message(error))
        return error_message(error)

    def _detect_outbound_ip(self):
        ip = detect_outbound_ip(self.env["ir.config_parameter"].sudo())
        if ip:
            self.env["ec.account"].invalidate_model(["outbound_ip"])
        return ip

    def _set_connection_failed(self, message, note=None):
        """:param note: the chatter's text, when something else than Test Connection failed"""
        self.write({"state": "failed", "connection_message": message, "connected_at": False})
        self._log_in_chatter(note or self.env._("Connection test failed: %s", message))

    def _set_connection_succeeded(self):
        self.write(
            {
                "state": "connected",
                "connected_at": fields.Datetime.now(),
                "connection_message": False,
            }
        )

    def _location_problems(self):
        """What is wrong with the locations chosen for the shipping methods in use: one no longer
        on Coupang (archived by a reload), or one Coupang marks as unusable."""
        self.ensure_one()
        problems = []
        for used_field, location_field in DELIVERY_SETTINGS.values():
            location = self[location_field]
            if not (self[used_field] and location):
                continue
            label = self._fields[location_field].get_description(self.env)["string"]
            if not location.active:
                problems.append(
                    self.env._(
                        "%(label)s: %(location)s is no longer listed by Coupang. Choose another one.",
                        label=label,
                        location=location.display_name,
                    )
                )
            elif not location.usable:
                problems.append(
                    self.env._(
                        "%(label)s: Coupang marks %(location)s as unusable. Choose another one.",
                        label=label,
                        location=location.display_name,
                    )
                )
        return problems

    def _missing_location_labels(self):
        self.ensure_one()
        return [
            self._fields[location_field].get_description(self.env)["string"]
            for used_field, location_field in DELIVERY_SETTINGS.values()
            if self[used_field] and not self[location_field]
        ]

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

    # === BUSINESS METHODS: ORDER FETCHING === #

    def _fetch_tz(self):
        self.ensure_one()
        return self.company_id.partner_id.tz or "UTC"

    def _fetch_blocked_reason(self):
        """Why the schedule does not fetch this account, or False when it does."""
        self.ensure_one()
        if not self.fetch_orders:
            return self.env._("the Fetch Orders switch is off.")
        if not self.active:
            return self.env._("the account is archived.")
        if self.state == "draft":
            return self.env._("the connection is not tested. Click Test Connection.")
        if self.state != "connected":
            return self.env._("the last connection test failed. Fix the connection and test it again.")
        if not self.fetch_slot_ids:
            return self.env._("the fetch schedule has no time.")
        if len(self.fetch_slot_ids) > MAX_FETCH_SLOTS:
            return self.env._("the fetch schedule has more than %s times: remove one.", MAX_FETCH_SLOTS)
        return False

    def _fetch_orders(self, schedule=None, run=None):
        """Reads the account's new Coupang orders into sale orders; returns the run's fetch log
        (see ``ec.coupang.importer``).

        :param run: the account's ``CoupangRun``; by default a run in the caller's transaction,
            which commits nothing
        """
        return self.env["ec.coupang.importer"]._fetch_orders(run or CoupangRun(self, commits=False), schedule)

    def _fetch_scheduled(self, schedule):
        """The schedule's fetch of this account (``schedule`` None: the requested Fetch Now): here
        at once, as the scheduler's run; a job queue may run it in a job of its own instead
        (``ec_coupang_queue_job``)."""
        return self._fetch_orders(schedule, CoupangRun.for_cron(self))

    @api.model
    def _cron_fetch_requested(self):
        """Entry point of the Fetch Now cron: runs the fetch of each account with a request waiting."""
        requests = self.env["ec.fetch.log"].search([("state", "=", "queued")])
        for account in requests.account_id.with_context(active_test=False):
            if not account.active or account.state != "connected":
                # The account was archived, or lost its connection, after the request.
                reason = message("fetch_not_connected")
                for log in requests.filtered(lambda log, account=account: log.account_id == account):
                    log._finish(reason)
                continue
            account._fetch_scheduled(None)
