from datetime import timezone


def to_naive_utc(moment):
    """An aware datetime as Odoo stores it: naive, in UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
