"""What a button or a failed run shows a person: a notification, a to-do for the account's
responsible user, a line in a record's chatter."""

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


def company_language_env(record):
    """``record``'s environment in its company's working language: the language of the company's
    partner (English when it has none), whoever acts."""
    company = record.company_id if "company_id" in record._fields and record.company_id else record.env.company
    return record.with_context(lang=company.partner_id.lang or "en_US").env


def chatter_text(record, stored):
    """The text of ``stored`` (a message) as ``record``'s chatter keeps it: in its company's language."""
    return render(company_language_env(record), stored)


def post_in_chatter(records, stored, log=False):
    """Posts ``stored`` (a message) on each record's chatter. Odoo keeps a chatter line as it was
    written and cannot show it in each reader's language: it is written in the language of the
    record's company (its partner's), the warehouse's working language, whoever acts.
    ``log``: a note no mail failure can stop (a user without an e-mail address cannot send one)."""
    for record in records:
        body = chatter_text(record, stored)
        if log:
            record._message_log(body=body)
        else:
            record.message_post(body=body)


def close_activities(activities, record, stored):
    """Marks ``activities`` of ``record`` done with ``stored`` (a message) as their feedback, which
    Odoo posts on the record's chatter: in its company's language, as :func:`post_in_chatter`."""
    if activities:
        activities.action_feedback(feedback=chatter_text(record, stored))
