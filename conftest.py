"""pytest configuration shared by the addon's tests.

Browser tours (HttpCase) need Odoo's own test runner with a live HTTP server; scripts/test runs
them there. pytest-odoo would only report them as skipped, so they are deselected here instead.

Odoo's own runner sets ``odoo.modules.module.current_test`` while a test runs, and code checks it
to avoid commits and outgoing mail inside a test's transaction; pytest-odoo only does so from
Odoo 19 on, so the ``odoo_current_test`` fixture does it here for Odoo 18.
"""

import pytest


def _is_tour(item, http_case_class):
    cls = getattr(item, "cls", None)
    return isinstance(cls, type) and issubclass(cls, http_case_class)


def pytest_collection_modifyitems(config, items):
    # Imported here, once pytest-odoo has configured Odoo, not when pytest loads this file.
    from odoo.tests.common import HttpCase  # noqa: PLC0415

    tours = [item for item in items if _is_tour(item, HttpCase)]
    if tours:
        config.hook.pytest_deselected(items=tours)
        items[:] = [item for item in items if not _is_tour(item, HttpCase)]


@pytest.fixture(autouse=True)
def odoo_current_test(request):
    from odoo.modules import module  # noqa: PLC0415

    previous = module.current_test
    module.current_test = getattr(request, "instance", None) or True
    yield
    module.current_test = previous
