# The context key of the addon's jobs: the fetch run enqueues its pages, and Coupang's errors
# become the job's failure instead of a log line.
JOB_CONTEXT = "ec_coupang_job"
FETCH_CHANNEL = "root.coupang.fetch"
PUSH_CHANNEL = "root.coupang.push"
