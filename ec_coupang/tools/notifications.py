"""What a button or a failed run shows a person: a notification, a to-do for the account's
responsible user."""

from odoo.tools import plaintext2html

from .coupang_errors import render


def display_notification(title, message, kind):
    """The notification a button returns; ``kind``: success, info, warning or danger."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "title": title,
            "message": message,
            "type": kind,
            # Never sticky: the form's banner keeps a failure, and a sticky one would stay
            # beside the success banner of a later test.
            "sticky": False,
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }


def ask_responsible(record, summary, note):
    """A to-do on ``record`` for the responsible user of its EC account, unless one is open already.
    ``summary`` and ``note`` are messages: Odoo stores the activity's text, so it is written in the
    responsible user's language."""
    record.ensure_one()
    todo = record.env.ref("mail.mail_activity_data_todo")
    if record.activity_ids.filtered(lambda activity: activity.activity_type_id == todo):
        return
    account = record.account_id
    user = account.user_id or account.create_uid
    env = record.with_context(lang=user.lang).env
    # The note quotes Coupang's texts (item names): shown as text, never as HTML.
    record.activity_schedule(
        "mail.mail_activity_data_todo",
        user_id=user.id,
        summary=render(env, summary),
        note=plaintext2html(render(env, note)),
    )
