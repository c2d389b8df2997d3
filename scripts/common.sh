# Shared helpers for the project's scripts (sourced, not run).
# find_odoo makes sure a Python with Odoo 18.0 is there: the project's .venv/, prepared by
# scripts/setup (which installs what a fresh machine lacks); or ODOO_PYTHON, a Python that already
# has Odoo 18.0; or ODOO_PATH, an Odoo 18.0 source folder for python3.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB_ROLE=ec_coupang

die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# find_odoo [--tests]: --tests also installs what the test command needs (test tools, chromium, wkhtmltopdf).
find_odoo() {
    if [ -n "${ODOO_PYTHON:-}" ]; then
        PYTHON=$ODOO_PYTHON
        "$ROOT/scripts/setup" "$@" || exit 2
    elif [ -n "${ODOO_PATH:-}" ]; then
        PYTHON=${PYTHON:-python3}
        [ -f "$ODOO_PATH/odoo/__init__.py" ] || die "ODOO_PATH=$ODOO_PATH holds no odoo/ package"
        export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
    else
        "$ROOT/scripts/setup" "$@" || exit 2
        PYTHON=$ROOT/.venv/bin/python
    fi
    "$PYTHON" - <<'PY' || die "Odoo 18.0 is not importable by $PYTHON. Unset ODOO_PYTHON and ODOO_PATH to have scripts/setup install it into .venv/, or point them at an Odoo 18.0 (see README: Quick start)."
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
    # scripts/setup may just have installed PostgreSQL.
    PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
}

free_port() {
    "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# pg_start DIR PORT [OPTIONS]: a PostgreSQL cluster of its own under DIR, listening on 127.0.0.1:PORT
# only; OPTIONS: more server options (e.g. "-c track_commit_timestamp=on").
pg_start() {
    local dir=$1 port=$2 options=${3:-}
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found (set PG_BIN to the folder holding initdb and pg_ctl)"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off${options:+ $options}" start >/dev/null \
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

# Odoo's command line, as an array so that `"${ODOO[@]}" ... &` makes $! the Odoo process itself.
odoo_argv() { ODOO=("$PYTHON" -c 'import sys, odoo.cli; sys.argv[0] = "odoo"; odoo.cli.main()'); }

odoo_cmd() {
    local ODOO
    odoo_argv
    "${ODOO[@]}" "$@"
}
