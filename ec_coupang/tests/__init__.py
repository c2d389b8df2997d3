from . import test_fetch_import
from . import test_fetch_schedule
from . import test_fetch_review
from . import test_fetch_cancel
from . import test_fetch_faults
