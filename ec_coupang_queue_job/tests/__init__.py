from . import test_i18n
from . import test_job_reasons
from . import test_queue_jobs
from . import test_page_commits
