from . import models
from . import wizard
from .tools import log_redaction

log_redaction.install()
