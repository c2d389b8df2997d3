"""Encryption at rest for marketplace secrets.

The key never lives in the database, so a dump alone does not reveal a secret. It comes from, in
order: the server configuration option ``ec_coupang_encryption_key``, the environment variable
``EC_COUPANG_ENCRYPTION_KEY``, or a key generated once and kept in Odoo's data directory
(``<data_dir>/ec_coupang/encryption.key``, readable by the server's user only).
"""

import logging
import os

from cryptography.fernet import Fernet, InvalidToken

from odoo.tools import config

_logger = logging.getLogger(__name__)

CONFIG_OPTION = "ec_coupang_encryption_key"
ENV_VARIABLE = "EC_COUPANG_ENCRYPTION_KEY"


class SecretUnreadableError(Exception):
    """The stored ciphertext cannot be decrypted with the server's key."""


def key_file_path():
    return os.path.join(config["data_dir"], "ec_coupang", "encryption.key")


def _load_or_create_key_file(path):
    if os.path.exists(path):
        with open(path, "rb") as key_file:
            return key_file.read().strip()
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    key = Fernet.generate_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key)
    _logger.info("Generated the ec_coupang encryption key in the data directory")
    return key


def _server_key():
    configured = config.get(CONFIG_OPTION) or os.environ.get(ENV_VARIABLE)
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    return _load_or_create_key_file(key_file_path())


def _fernet():
    return Fernet(_server_key())


def encrypt(plaintext):
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as error:
        raise SecretUnreadableError() from error
