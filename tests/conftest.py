"""Plain pytest for the tests of this folder: the Coupang client and the sandbox without Odoo.

The client package ``ec_coupang.coupang`` imports nothing from Odoo, but the addon's
``ec_coupang/__init__.py`` imports its Odoo models. The parent package is registered here by its
folder alone, so that ``import ec_coupang.coupang`` never runs the addon's ``__init__``.
"""

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _register_package_without_init(name):
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = [str(ROOT / name)]
    sys.modules.setdefault(name, importlib.util.module_from_spec(spec))


if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
_register_package_without_init("ec_coupang")


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """pytest-odoo's session fixture of the same name opens a database: these tests need none."""
    yield


@pytest.fixture(autouse=True)
def odoo_current_test():
    """The root conftest's fixture of the same name marks Odoo tests: these are not."""
    yield
