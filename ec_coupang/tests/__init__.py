from . import test_ec_account_connection
from . import test_ec_account_security
from . import test_ec_account_tour
from . import test_i18n
from . import test_push_tracking
from . import test_push_split
from . import test_push_concurrency
