from . import test_ec_account_connection
from . import test_ec_account_security
from . import test_ec_account_tour
from . import test_fetch_cancel
from . import test_fetch_faults
from . import test_fetch_import
from . import test_fetch_review
from . import test_fetch_schedule
