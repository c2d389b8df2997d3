from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import (
    COUPANG_MARKETS,
    DEFAULT_COUPANG_BASE_URL,
    DEFAULT_COUPANG_MARKET,
    DEFAULT_FETCH_FIRST_DAYS,
    FETCH_LOG_STATES,
    KEY_FIELDS,
)
from ..coupang import MARKETS
from ..tools.coupang_errors import message, message_values
from ..tools.coupang_run import CoupangRun
from ..tools.fetch_times import format_minute
from ..tools.notifications import display_notification, post_in_chatter

FETCH_REQUESTED_CRON_XMLID = "ec_coupang.ir_cron_ec_fetch_requested"
CREDENTIAL_FIELDS = {
    "coupang_vendor_id",
    "coupang_access_key",
    "coupang_secret_key",
    "coupang_market",
    "coupang_base_url",
}
MAX_FETCH_SLOTS = 3


class EcAccount(models.Model):
    _name = "ec.account"
    _description = "EC Account"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "ec.fetch.schedule.trigger",
        "ec.account.credentials",
        "ec.account.connection",
        "ec.account.shipping",
        "ec.account.buyer.data",
        "ec.account.dashboard",
        "ec.account.result",
        "ec.account.readiness",
        "ec.account.products",
        "ec.account.stock",
    ]
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
        string="E-commerce Platform",
        required=True,
        default="coupang",
        help="The marketplace of the store. It cannot be changed once the account exists.",
    )
    name = fields.Char(required=True, tracking=True, help="How the store is named in lists, on orders and in messages.")
    team_id = fields.Many2one(
        "crm.team",
        string="Channel Name",
        default=lambda self: self._default_team_id(),
        tracking=True,
        check_company=True,
        help="The sales channel (sales team) that imported orders are assigned to. Not in the list? "
        "Create it under Sales Channels first.",
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
    state = fields.Selection(
        selection=[("draft", "Not Tested"), ("connected", "Connected"), ("failed", "Failed")],
        string="Connection",
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        help="Set by Test Connection, and by a fetch Coupang refuses. Failed? Check in order: the server's "
        "IP address is whitelisted in Wing (the most common cause), the Vendor ID, then the Access Key "
        "and the Secret Key.",
    )

    # Settings
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
    fetch_slot_ids = fields.One2many(
        "ec.fetch.slot",
        "account_id",
        string="Fetch Schedule",
        help="Up to three times a day, in the company's time zone; at least one while Fetch Orders is on.",
    )
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
            vals = {
                **self._with_key_change_date(vals),
                "state": "draft",
                "connected_at": False,
                **message_values("connection_message", False),
            }
        times_before = {account: account._fetch_times() for account in self} if "fetch_slot_ids" in vals else {}
        result = super().write(vals)
        self._forget_typed_secret_key()
        self._post_changed_fetch_times(times_before)
        if KEY_FIELDS & vals.keys():
            self._log_in_chatter(message("keys_changed"))
        return result

    def _fetch_times(self):
        """The account's fetch times, as HH:MM."""
        self.ensure_one()
        return [format_minute(round(slot.time * 60)) for slot in self.fetch_slot_ids]

    def _fetch_times_text(self):
        return ", ".join(self._fetch_times()) or self.env._("none")

    def _post_changed_fetch_times(self, times_before):
        """The chatter keeps the fetch times' changes, as tracking does for the other settings."""
        for account, before in times_before.items():
            after = account._fetch_times()
            if after != before:
                account._log_in_chatter(message("fetch_times_changed", before=before, after=after))

    def _log_in_chatter(self, said):
        """A note (``said``: a message) on each account's chatter that no mail failure can stop: a user
        without an e-mail address cannot send a message, and the change or the failure it reports must
        be saved."""
        post_in_chatter(self, said, log=True)

    # === ACTION METHODS === #

    def action_fetch_now(self):
        self.ensure_one()
        self._check_connected_caller(self.env._("Test the connection before fetching orders."))
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
        return self._set_last_result("fetch_now", "success", message("fetch_requested"), self.env._("Fetch Started"))

    def _auto_init(self):
        # The ciphertext is a plain column, not an ORM field, so no RPC call can read it.
        result = super()._auto_init()
        self.env.cr.execute("ALTER TABLE ec_account ADD COLUMN IF NOT EXISTS coupang_secret_key_encrypted varchar")
        return result

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
