"""Packages the addons so that `pip install .` makes them importable as `odoo.addons.ec_coupang` and
`odoo.addons.ec_coupang_queue_job`; `pip install .[queue_job]` adds OCA queue_job, which the second
one needs (see README: Many workers). `pip install .[test]` adds the tools the tests run with.

`coupang_sandbox`, the stand-in for Coupang's Open API that the addons' tests start, is installed
beside them as a top-level package, so that their tests find it wherever the addons are installed.

Odoo then finds it without an extra addons path: `odoo.addons` extends its path over every
`odoo/addons` folder on sys.path, site-packages included.
"""

import ast
import os

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ADDON = "ec_coupang"
ADDONS = (ADDON, "ec_coupang_queue_job")
# The OCA queue_job release the job addon is tested with (it works with Odoo 18.0 builds of May 2025;
# later releases import test helpers of newer Odoo 18.0 builds).
QUEUE_JOB = "odoo-addon-queue-job==18.0.3.1.2"
SANDBOX = "coupang_sandbox"

with open(os.path.join(HERE, ADDON, "__manifest__.py"), encoding="utf-8") as manifest_file:
    MANIFEST = ast.literal_eval(manifest_file.read())

with open(os.path.join(HERE, "requirements-test.txt"), encoding="utf-8") as requirements_file:
    TEST_TOOLS = [line.strip() for line in requirements_file if line.strip() and not line.startswith("#")]


def addon_packages(addon):
    return [f"odoo.addons.{addon}"] + [
        f"odoo.addons.{addon}.{package}" for package in find_packages(os.path.join(HERE, addon))
    ]


def addon_data_files(addon):
    """Every non-Python file of the addon (views, data, security, translations, static), and the
    upgrade scripts, which Odoo reads from their folder, not as a package."""
    found = []
    for folder, _dirs, files in os.walk(os.path.join(HERE, addon)):
        if "__pycache__" in folder:
            continue
        relative = os.path.relpath(folder, os.path.join(HERE, addon))
        found += [
            os.path.normpath(os.path.join(relative, name))
            for name in files
            if not name.endswith(".py") or relative.startswith("migrations")
        ]
    return found


setup(
    name="odoo-addon-ec-coupang",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    license="LGPL-3.0-only",
    python_requires=">=3.10",
    packages=[package for addon in ADDONS for package in addon_packages(addon)] + [SANDBOX],
    package_dir={f"odoo.addons.{addon}": addon for addon in ADDONS},
    package_data={f"odoo.addons.{addon}": addon_data_files(addon) for addon in ADDONS},
    # Odoo 18.0 itself is a prerequisite that no package registry serves; it is not declared here.
    install_requires=["requests>=2.25", "cryptography>=3.4"],
    extras_require={"queue_job": [QUEUE_JOB], "test": TEST_TOOLS},
    zip_safe=False,
)
