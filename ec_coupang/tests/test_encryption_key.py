import os
import stat
import tempfile
import threading
from contextlib import contextmanager
from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo.addons.ec_coupang.tools import secret_box
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config

from .common import SECRET_KEY, EcCoupangCase


@tagged("post_install", "-at_install")
class TestEncryptionKey(EcCoupangCase):
    @contextmanager
    def _server(self, key=None, workers=0, server_wide_modules="base,web"):
        """The server's configuration for the encryption key, with an empty data directory of its own."""
        with (
            tempfile.TemporaryDirectory() as data_dir,
            patch.dict(
                config.options,
                {
                    secret_box.CONFIG_OPTION: key,
                    "workers": workers,
                    "server_wide_modules": server_wide_modules,
                    "data_dir": data_dir,
                },
            ),
            patch.dict(os.environ),
        ):
            os.environ.pop(secret_box.ENV_VARIABLE, None)
            yield

    def test_several_workers_without_a_configured_key_are_told_what_to_configure(self):
        for settings in ({"workers": 2}, {"server_wide_modules": "base,web,queue_job"}):
            with self.subTest(**settings), self._server(**settings):
                with self.assertRaises(UserError) as caught:
                    self.account._store_coupang_secret_key(SECRET_KEY)
                self.assertIn(secret_box.CONFIG_OPTION, str(caught.exception))
                self.assertIn(secret_box.ENV_VARIABLE, str(caught.exception))
                self.assertFalse(os.path.exists(secret_box.key_file_path()))

    def test_a_single_process_server_generates_its_key_once_readable_by_its_user_only(self):
        with self._server():
            self.account._store_coupang_secret_key(SECRET_KEY)
            path = secret_box.key_file_path()
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            with open(path, "rb") as key_file:
                key = key_file.read()
            self.assertEqual(self.account._get_coupang_secret_key(), SECRET_KEY)
            with open(path, "rb") as key_file:
                self.assertEqual(key_file.read(), key)
            self.assertEqual(os.listdir(os.path.dirname(path)), ["encryption.key"])

    def test_processes_creating_the_key_at_once_all_end_with_the_same_key(self):
        racers = 6
        # Every racer has looked for the file and generated its key before any of them writes it.
        all_generated = threading.Barrier(racers, timeout=30)
        generate_key = Fernet.generate_key

        def generate_key_together():
            key = generate_key()
            all_generated.wait()
            return key

        keys, errors = [], []

        def race(path):
            try:
                keys.append(secret_box._load_or_create_key_file(path))
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

        with self._server(), patch.object(Fernet, "generate_key", staticmethod(generate_key_together)):
            path = secret_box.key_file_path()
            threads = [threading.Thread(target=race, args=(path,)) for _ in range(racers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            with open(path, "rb") as key_file:
                stored = key_file.read()
        self.assertEqual(errors, [])
        self.assertEqual(keys, [stored] * racers)

    def test_a_malformed_configured_key_is_named_without_its_value(self):
        good = Fernet.generate_key().decode()
        for configured, position in (("not-a-fernet-key", 1), (f"{good},short", 2), ("x" * 44, 1)):
            with self.subTest(configured=configured), self._server(key=configured):
                with self.assertRaises(UserError) as caught:
                    self.account._get_coupang_secret_key()
                message = str(caught.exception)
                self.assertIn(f"Key number {position}", message)
                self.assertIn(secret_box.CONFIG_OPTION, message)
                self.assertNotIn(configured.split(",")[-1], message)

    def test_rotation_re_encrypts_every_secret_key_with_the_new_key(self):
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        other = self.env["ec.account"].create({"name": "Archived", "merchant_id": self.merchant.id, "active": False})
        with self._server(key=old):
            self.account._store_coupang_secret_key(SECRET_KEY)
            other._store_coupang_secret_key("second-secret")
        with self._server(key=f"{new},{old}"):
            self.assertEqual(self.account._get_coupang_secret_key(), SECRET_KEY)
            self.assertFalse(self.env["ec.account"]._rotate_encryption_key())
        with self._server(key=new):
            self.assertEqual(self.account._get_coupang_secret_key(), SECRET_KEY)
            self.assertEqual(other._get_coupang_secret_key(), "second-secret")
        with self._server(key=old), self.assertRaises(UserError):
            self.account._get_coupang_secret_key()

    def test_rotation_leaves_a_secret_key_no_configured_key_reads_and_names_its_account(self):
        lost, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        with self._server(key=lost):
            self.account._store_coupang_secret_key(SECRET_KEY)
        with self._server(key=new):
            self.assertEqual(self.env["ec.account"]._rotate_encryption_key(), self.account)
        with self._server(key=lost):
            self.assertEqual(self.account._get_coupang_secret_key(), SECRET_KEY)
