import psycopg2

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..coupang import errors
from ..tools.coupang_errors import coupang_error_message

ERROR_CLASSES = [
    value for value in vars(errors).values() if isinstance(value, type) and issubclass(value, errors.CoupangError)
]


@tagged("post_install", "-at_install")
class TestCoupangErrorMessages(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_TW")
        cls.env["ir.module.module"]._load_module_terms(["ec_coupang"], ["zh_TW"], overwrite=True)
        cls.zh_env = cls.env(context=dict(cls.env.context, lang="zh_TW"))

    def test_every_client_error_has_its_text_in_english_and_traditional_chinese(self):
        self.assertGreater(len(ERROR_CLASSES), 10)
        for error_class in ERROR_CLASSES:
            error = error_class()
            english = coupang_error_message(self.env, error)
            self.assertNotEqual(english, f"{error.error_code} {{}}", "the catalogue's fallback, not a text")
            self.assertNotEqual(coupang_error_message(self.zh_env, error), english, error_class.__name__)

    def test_the_texts_carry_the_errors_details(self):
        cases = [
            (errors.RequestRejectedError(coupang_message="duplicated invoice"), "duplicated invoice"),
            (errors.RequestRejectedError(status=409), "HTTP 409"),
            (errors.ServiceUnavailableError(status=503), "503"),
            (errors.RateLimitedError(retry_after=120.0), "120"),
            (errors.UnreachableError(base_url="https://gateway.example"), "https://gateway.example"),
            (errors.BlockedError(transaction_id="tx-9f2"), "tx-9f2"),
        ]
        for error, detail in cases:
            for env in (self.env, self.zh_env):
                self.assertIn(detail, coupang_error_message(env, error), type(error).__name__)

    def test_the_client_s_errors_hold_no_user_text(self):
        error = errors.RequestRejectedError(coupang_message="boom", status=400)
        self.assertEqual(str(error), "request_rejected (status=400, coupang_message='boom')")
        self.assertIn("boom", coupang_error_message(self.zh_env, error))
        self.assertNotIn("rejected", coupang_error_message(self.zh_env, error))

    def test_other_errors_keep_their_message(self):
        self.assertEqual(coupang_error_message(self.env, UserError("Map the item first.")), "Map the item first.")
        self.assertEqual(coupang_error_message(self.env, ValueError("bad")), "ValueError: bad")
        self.assertIn("Database error", coupang_error_message(self.env, psycopg2.Error("gone")))
