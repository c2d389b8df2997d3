import os
from pathlib import Path

from odoo import api, fields, models
from odoo.exceptions import MissingError, UserError, ValidationError
from odoo.tools import str2bool

from ..const import (
    DEFAULT_RATE_LIMIT,
    OUTBOUND_IP_PARAM,
    PERSON_WAITS_RETRIES,
    RECORD_DIR_ENV,
    RECORD_DIR_PARAM,
    RECORD_HIDE_VENDOR_ID_PARAM,
)
from ..coupang import CoupangClient, CoupangError, ExchangeRecorder, IpNotAllowedError
from ..tools.coupang_errors import (
    error_message,
    message,
    message_text_fields,
    message_values,
    render,
    text_message,
)
from ..tools.outbound_ip import detect_outbound_ip, known_outbound_ip, local_addresses
from ..tools.rate_limit import VendorRateLimit


class EcAccountConnection(models.AbstractModel):
    """The connection of an EC account to Coupang: its client (the rights it needs, its rate limit,
    the recording of its exchanges), Test Connection and the diagnosis of a failed call, the
    server's IP address to whitelist, and the loading of Coupang's locations."""

    _name = "ec.account.connection"
    _description = "EC Account Connection"

    # === FIELDS === #

    coupang_rate_limit = fields.Float(
        string="Calls per Second",
        default=DEFAULT_RATE_LIMIT,
        help="The most calls per second sent to Coupang for this Vendor ID, by every Odoo server of the "
        "database together. Coupang refuses calls above about 10 per second; when several accounts share "
        "the Vendor ID, the lowest of them applies.",
    )
    connection_message, connection_message_code, connection_message_params, connection_message_text = (
        message_text_fields("connection_message", help="Why the last connection test failed.", copy=False)
    )
    connected_at = fields.Datetime(string="Connected On", readonly=True, copy=False)
    outbound_ip = fields.Char(
        string="Server IP to Whitelist",
        compute="_compute_outbound_ip",
        help="The address this server calls Coupang from. Coupang only answers the IP addresses "
        "registered with the Open API key in Wing: add this one there (or ask Coupang support) before "
        "testing the connection; a change takes up to 30 minutes.",
    )
    outbound_ip_hint = fields.Char(string="Server IP Hint", compute="_compute_outbound_ip")

    # === COMPUTE METHODS === #

    # The address this server calls the market's API gateway from. The dependencies also make a new
    # account's form show it: a form's first onchange recomputes only the fields whose dependencies
    # the form holds, and keeps False for a compute without any (the API Base URL is on the form in
    # developer mode only, the market always).
    @api.depends("coupang_market", "coupang_base_url")
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

    # === CONSTRAINT METHODS === #

    @api.constrains("coupang_rate_limit")
    def _check_coupang_rate_limit(self):
        if any(account.coupang_rate_limit <= 0 for account in self):
            raise ValidationError(self.env._("The calls per second to Coupang must be more than zero."))

    # === ACTION METHODS === #

    def action_test_connection(self):
        self.ensure_one()
        self._check_coupang_rights()
        try:
            with self._coupang_client() as client:
                client.check_connection()
        except CoupangError as error:
            reason = self._connection_error_message(error)
            self._set_connection_failed(reason)
            return self._set_last_result("test_connection", "danger", reason, self.env._("Connection Failed"))
        self._set_connection_succeeded()
        loaded = self.env["ec.location"]._load_from_coupang(self)
        problems = self._readiness_problems()
        said = [message("connection_successful"), *loaded]
        if problems:
            said.append(message("before_first_fetch", problems=problems))
        level = "warning" if problems or len(loaded) > 1 else "success"
        return self._set_last_result(
            "test_connection", level, message("sentences", sentences=said), self.env._("Connection Successful")
        )

    def action_load_locations(self):
        self.ensure_one()
        self._check_connected_caller(self.env._("Test the connection before loading locations."))
        try:
            loaded = self.env["ec.location"]._load_from_coupang(self)
        except CoupangError as error:
            return self._set_last_result("load_locations", "danger", self._connection_error_message(error))
        said = [*loaded, *self._location_problem_messages()]
        level = "warning" if len(said) > 1 else "success"
        return self._set_last_result("load_locations", level, message("sentences", sentences=said))

    def action_detect_outbound_ip(self):
        self.ensure_one()
        self._check_coupang_rights()
        ip = self._detect_outbound_ip()
        if not ip:
            return self._set_last_result("detect_ip", "warning", message("ip_not_detected", ip_param=OUTBOUND_IP_PARAM))
        return self._set_last_result("detect_ip", "success", message("ip_detected", ip=ip))

    # === BUSINESS METHODS === #

    def _check_coupang_rights(self):
        """Refuses a caller who may not change these accounts (an EC manager of their company may),
        before any key is decrypted or anything sent: Coupang's calls spend the store's shared rate
        and change what the store holds."""
        if len(self.exists()) != len(self):
            raise MissingError(self.env._("This EC account does not exist, or was deleted."))
        self.check_access("write")

    def _check_connected_caller(self, refusal):
        """``_check_coupang_rights``, then refuses an account that is not connected, with ``refusal``
        (what to do first, in the user's language): the check of each button that calls Coupang."""
        self._check_coupang_rights()
        if self.state != "connected":
            raise UserError(refusal)

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

    def _diagnose_connection_error(self, error):
        return render(self.env, self._connection_error_message(error))

    def _connection_error_message(self, error):
        """The message of a failed call, with this server's IP address when Coupang refused it."""
        if isinstance(error, IpNotAllowedError):
            ip = self.outbound_ip or self._detect_outbound_ip()
            return message(
                "ip_not_allowed_here", ip=ip, ip_param=OUTBOUND_IP_PARAM, transaction_id=error.transaction_id
            )
        return error_message(error)

    def _detect_outbound_ip(self):
        ip = detect_outbound_ip(self.env["ir.config_parameter"].sudo())
        if ip:
            self.env["ec.account"].invalidate_model(["outbound_ip"])
        return ip

    def _set_connection_failed(self, reason, note=None):
        """:param reason: why (a message, shown in the reader's language; a text is shown as written)
        :param note: the chatter's line (a message), when something else than Test Connection failed"""
        if isinstance(reason, str):
            reason = text_message(reason)
        self.write({"state": "failed", "connected_at": False, **message_values("connection_message", reason)})
        self._log_in_chatter(note or message("connection_test_failed", reason=reason))

    def _set_connection_succeeded(self):
        self.write(
            {
                "state": "connected",
                "connected_at": fields.Datetime.now(),
                **message_values("connection_message", False),
            }
        )
