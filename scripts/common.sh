# Shared helpers for the project's scripts (sourced, not run).
# They take an installed Odoo 18 as they find it: an importable `odoo` package in python3,
# or a source folder named by ODOO_PATH. They never install or build Odoo.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
DB_ROLE=ec_coupang

die() { printf 'error: %s\n' "$*" >&2; exit 2; }

find_odoo() {
    if [ -n "${ODOO_PATH:-}" ]; then
        [ -f "$ODOO_PATH/odoo/__init__.py" ] || die "ODOO_PATH=$ODOO_PATH holds no odoo/ package"
        export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
    fi
    "$PYTHON" - <<'PY' || die "Odoo 18.0 is not importable by $PYTHON. Install Odoo 18.0 into this Python, or set ODOO_PATH to an Odoo 18.0 source folder (see README: Prerequisites)."
import odoo.release as r
assert r.version_info[:2] == (18, 0), "found Odoo %s, need 18.0" % r.version
PY
    # The addons folders Odoo ships with (odoo/addons, plus addons/ beside it in a git checkout).
    ODOO_ADDONS=$("$PYTHON" - <<'PY'
import os, odoo
base = os.path.dirname(odoo.__file__)
paths = [os.path.join(base, "addons"), os.path.join(os.path.dirname(base), "addons")]
print(",".join(p for p in paths if os.path.isdir(p)))
PY
)
    export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
}

free_port() {
    "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# pg_start DIR PORT: a PostgreSQL cluster of its own under DIR, listening on 127.0.0.1:PORT only.
pg_start() {
    local dir=$1 port=$2
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found (set PG_BIN to the folder holding initdb and pg_ctl)"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null \
        || { cat "$dir/server.log" >&2; die "PostgreSQL did not start"; }
    "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc \
        "SELECT 1 FROM pg_roles WHERE rolname='$DB_ROLE'" | grep -q 1 \
        || "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE ROLE $DB_ROLE LOGIN SUPERUSER"
}

pg_stop() {
    local dir=$1
    [ -f "$dir/data/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
    return 0
}

# write_odoo_config FILE PORT DATA_DIR [EXTRA LINES...]
write_odoo_config() {
    local file=$1 port=$2 data_dir=$3; shift 3
    {
        echo "[options]"
        echo "addons_path = $ODOO_ADDONS,$ROOT"
        echo "data_dir = $data_dir"
        echo "db_host = 127.0.0.1"
        echo "db_port = $port"
        echo "db_user = $DB_ROLE"
        echo "db_password = False"
        echo "list_db = False"
        printf '%s\n' "$@"
    } >"$file"
}

odoo_cmd() {
    "$PYTHON" -c 'import sys, odoo.cli; sys.argv[0] = "odoo"; odoo.cli.main()' "$@"
}
