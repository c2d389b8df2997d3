"""The Python that runs Odoo: what its servers need from the environment scripts/setup builds."""

import subprocess
import sys


def test_the_prefork_server_s_gevent_process_can_patch_the_standard_library():
    """Odoo's prefork server starts its websocket process with gevent's patch_all, which loads the
    gevent plugins through pkg_resources: an old setuptools does not find a dependency installed
    under its normalized name (zope_interface) and the process dies at start, again and again."""
    patch = "import gevent.monkey; gevent.monkey.patch_all(); print('patched')"
    result = subprocess.run([sys.executable, "-c", patch], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-800:]
    assert result.stdout.strip() == "patched"
