"""An Odoo worker process for the crash and concurrency runs: runs one scheduled job and exits.

    python3 -m reliability.worker --conf odoo.conf --db DB fetch SCHEDULE_ID [--ready FILE --go FILE]
    python3 -m reliability.worker --conf odoo.conf --db DB push

``fetch`` runs the fetch slot's cron method (orders committed one by one, as under the scheduler);
``push`` runs the tracking push scheduled action. With ``--ready``/``--go``, the worker loads Odoo,
creates the ready file, and waits for the go file before it starts, so two workers start together.
"""

import argparse
import os
import sys
import time

from testbed import harness


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--logfile")
    parser.add_argument("--ready")
    parser.add_argument("--go")
    parser.add_argument("job", choices=("fetch", "push"))
    parser.add_argument("schedule_id", type=int, nargs="?")
    args = parser.parse_args()
    registry = harness.open_registry(args.conf, args.db, log_level="warn", logfile=args.logfile)
    if args.ready:
        open(args.ready, "w").close()  # noqa: SIM115
        while not os.path.exists(args.go):
            time.sleep(0.005)
    with harness.environment(registry) as env:
        if args.job == "fetch":
            env["ec.fetch.schedule"]._cron_fetch_orders(args.schedule_id)
        else:
            harness.run_push_cron(env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
