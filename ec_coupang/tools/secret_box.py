"""Encryption at rest for marketplace secrets.

The key never lives in the database, so a dump alone does not reveal a secret. It comes from, in
order: the server configuration option ``ec_coupang_encryption_key``, the environment variable
``EC_COUPANG_ENCRYPTION_KEY``, or, on a single-process server only, a key generated once and kept in
Odoo's data directory (``<data_dir>/ec_coupang/encryption.key``, readable by the server's user only).

The configured value is a comma-separated list of Fernet keys: the first encrypts, all decrypt, so
that ``new,old`` works while :func:`rotate` re-encrypts the stored secrets with the new key.
"""

import logging
import os
import tempfile

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from odoo.tools import config

_logger = logging.getLogger(__name__)

CONFIG_OPTION = "ec_coupang_encryption_key"
ENV_VARIABLE = "EC_COUPANG_ENCRYPTION_KEY"


class SecretUnreadableError(Exception):
    """The stored ciphertext cannot be decrypted with the server's key."""


class EncryptionKeyMissingError(Exception):
    """Several servers or workers may run and no key is configured: a generated one would be theirs alone."""


class EncryptionKeyMalformedError(Exception):
    """The configured key at ``position`` (1-based) is not a Fernet key."""

    def __init__(self, position):
        super().__init__(position)
        self.position = position


def key_file_path():
    return os.path.join(config["data_dir"], "ec_coupang", "encryption.key")


def _read_key_file(path):
    with open(path, "rb") as key_file:
        return key_file.read().strip()


def _create_key_file(path):
    """Writes a new key beside ``path`` then links it there: the first process to link wins, the others
    read its key, and no process ever reads a half-written file."""
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    descriptor, draft_path = tempfile.mkstemp(dir=folder, prefix=".encryption.key.")
    try:
        with os.fdopen(descriptor, "wb") as draft:
            draft.write(Fernet.generate_key())
            draft.flush()
            os.fsync(draft.fileno())
        os.link(draft_path, path)
        _logger.info("Generated the ec_coupang encryption key in the data directory")
    except FileExistsError:
        _logger.debug("Another process created the ec_coupang encryption key first: using its key")
    finally:
        os.unlink(draft_path)
    return _read_key_file(path)


def _load_or_create_key_file(path):
    if os.path.exists(path):
        return _read_key_file(path)
    return _create_key_file(path)


def _may_run_several_processes():
    server_wide_modules = config.get("server_wide_modules") or ""
    if isinstance(server_wide_modules, str):
        server_wide_modules = server_wide_modules.split(",")
    return bool(config.get("workers")) or "queue_job" in {name.strip() for name in server_wide_modules}


def _configured_keys():
    configured = config.get(CONFIG_OPTION) or os.environ.get(ENV_VARIABLE) or ""
    if isinstance(configured, bytes):
        configured = configured.decode()
    return [key.strip().encode() for key in configured.split(",") if key.strip()]


def _server_keys():
    configured = _configured_keys()
    if configured:
        return configured
    path = key_file_path()
    if not os.path.exists(path) and _may_run_several_processes():
        raise EncryptionKeyMissingError()
    return [_load_or_create_key_file(path)]


def _fernet_of(key, position):
    try:
        return Fernet(key)
    except ValueError:  # binascii.Error included
        raise EncryptionKeyMalformedError(position) from None


def _fernet():
    return MultiFernet([_fernet_of(key, position) for position, key in enumerate(_server_keys(), start=1)])


def encrypt(plaintext):
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token):
    fernet = _fernet()
    try:
        return fernet.decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as error:
        raise SecretUnreadableError() from error


def rotate(token):
    """The same secret encrypted with the first configured key."""
    fernet = _fernet()
    try:
        return fernet.rotate(token.encode()).decode()
    except (InvalidToken, ValueError) as error:
        raise SecretUnreadableError() from error
