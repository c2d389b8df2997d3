# The context key of the addon's jobs: the fetch run enqueues its pages, and Coupang's errors
# become the job's failure instead of a log line.
JOB_CONTEXT = "ec_coupang_job"
FETCH_CHANNEL = "root.coupang.fetch"
PUSH_CHANNEL = "root.coupang.push"
RESERVE_CHANNEL = "root.coupang.reserve"
# queue_job's priority of a reservation job (smaller runs first; queue_job's default is 10): a page's
# reservation runs before the page jobs waiting, so reservations spread between the pages.
RESERVE_PRIORITY = 5
# New boxes a fetch job acknowledges at least before it lists their part of a backfill again and
# queues its pages (10 acknowledgements): fewer would cost a call more per part for little.
ACKNOWLEDGEMENT_PART = 500
