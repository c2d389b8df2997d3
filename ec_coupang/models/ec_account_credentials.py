from odoo import api, fields, models
from odoo.tools import SQL

from ..const import KEY_FIELDS, KEY_RENEWAL_NOTICE, KEY_VALIDITY
from ..tools import secret_box
from ..tools.coupang_errors import MessageError


class EcAccountCredentials(models.AbstractModel):
    """The Coupang Open API keys of an EC account: the Access Key, the Secret Key (write-only: its
    ciphertext is a column of ec_account that no RPC call can read), when the keys were entered and
    when they expire, and the reminder to renew them."""

    _name = "ec.account.credentials"
    _description = "EC Account Credentials"

    # === FIELDS === #

    # Not tracked: the chatter says that the keys changed, never what they are.
    coupang_access_key = fields.Char(
        string="Access Key",
        groups="ec_coupang.group_ec_manager",
        copy=False,
        help="Coupang's Open API keys are valid 180 days (Key Valid Until). Keys reissued in Wing make "
        "the old ones invalid: enter the new Access Key and Secret Key here, then click Test Connection.",
    )
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
    coupang_wing_user_id = fields.Char(
        string="Wing User ID",
        copy=False,
        tracking=True,
        help="The Wing login ID of the store that a Cancel on Coupang and the answers to buyers' "
        "inquiries are made as (Coupang records who acted). Needed only to cancel orders or answer "
        "inquiries from Odoo.",
    )

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

    # === BUSINESS METHODS === #

    def _coupang_wing_user(self):
        """The store's Wing login ID, which a seller's cancel names; refuses when it is not entered."""
        self.ensure_one()
        user_id = (self.coupang_wing_user_id or "").strip()
        if not user_id:
            raise MessageError(self.env, "wing_user_id_missing", account=self.display_name)
        return user_id

    @api.model
    def _with_key_change_date(self, vals):
        if any(vals.get(name) for name in KEY_FIELDS):
            return dict(vals, coupang_key_changed_at=fields.Datetime.now())
        return vals

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
            raise MessageError(self.env, "secret_key_missing", account=self.name)
        try:
            return self._with_encryption_key(secret_box.decrypt, token)
        except secret_box.SecretUnreadableError:
            raise MessageError(self.env, "secret_key_unreadable", account=self.name) from None

    def _with_encryption_key(self, operation, value):
        """Runs a secret_box operation, its key errors told as what the administrator must configure."""
        try:
            return operation(value)
        except secret_box.EncryptionKeyMissingError:
            raise MessageError(
                self.env, "encryption_key_missing", option=secret_box.CONFIG_OPTION, variable=secret_box.ENV_VARIABLE
            ) from None
        except secret_box.EncryptionKeyMalformedError as error:
            raise MessageError(
                self.env,
                "encryption_key_malformed",
                position=error.position,
                option=secret_box.CONFIG_OPTION,
                variable=secret_box.ENV_VARIABLE,
            ) from None

    @api.model
    def _rotate_encryption_key(self):
        """Re-encrypts every stored Secret Key with the first configured encryption key; returns the
        accounts whose Secret Key none of the configured keys decrypts (left as they are)."""
        # Every company's and archived account, as the server's key is one for all of them.
        self.env.cr.execute(
            SQL(
                "SELECT id, coupang_secret_key_encrypted FROM ec_account WHERE coupang_secret_key_encrypted IS NOT NULL"
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
