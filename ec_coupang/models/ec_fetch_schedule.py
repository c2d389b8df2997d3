from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.fetch_times import MINUTES_PER_DAY, format_minute, next_occurrence


class EcFetchSchedule(models.Model):
    """One daily time, in UTC, at which orders are fetched, and the ir.cron that runs it.

    Fetch slots are grouped by the UTC time they fall on (two companies with different time zones
    at the same local time run at different UTC times), so the number of crons follows the
    distinct times, not the accounts. The addon keeps these records in line with the slots itself
    (``_sync``); nobody edits them by hand.
    """

    _name = "ec.fetch.schedule"
    _description = "EC Order Fetch Schedule"
    _order = "utc_minute"

    name = fields.Char(compute="_compute_name")
    utc_minute = fields.Integer(
        string="Minute of the Day (UTC)", required=True, readonly=True, help="00:00 UTC is 0, 23:59 UTC is 1439."
    )
    cron_id = fields.Many2one(
        "ir.cron", string="Scheduled Action", readonly=True, ondelete="set null", groups="base.group_system"
    )
    nextcall = fields.Datetime(related="cron_id.nextcall", string="Next Run")
    slot_ids = fields.One2many("ec.fetch.slot", "schedule_id", string="Fetch Times", readonly=True)

    _sql_constraints = [
        ("utc_minute_unique", "UNIQUE(utc_minute)", "One schedule per time of day."),
        (
            "utc_minute_range",
            f"CHECK(utc_minute >= 0 AND utc_minute < {MINUTES_PER_DAY})",
            "A schedule runs at a minute of the day.",
        ),
    ]

    # === COMPUTE METHODS === #

    @api.depends("utc_minute")
    def _compute_name(self):
        for schedule in self:
            schedule.name = self.env._("Fetch Coupang orders at %s UTC", format_minute(schedule.utc_minute))

    # === CRUD METHODS === #

    def unlink(self):
        crons = self.sudo().cron_id
        result = super().unlink()
        crons.unlink()
        return result

    # === BUSINESS METHODS === #

    @api.model
    def _sync(self):
        """Puts every fetching slot on the schedule of its UTC time and gives each used time one cron.

        Called whenever something that decides when (or whether) an account fetches changes. A
        schedule no account uses any more is moved to a newly needed time when possible (its cron
        keeps its id), otherwise removed; a cron whose next run was moved by hand is put back on its
        time. A cron running right now is left alone until the next sync, so a user's change never
        waits for a fetch to end.
        """
        Schedule = self.sudo()
        slots = (
            self.env["ec.fetch.slot"]
            .sudo()
            .with_context(active_test=False)
            .search(["|", ("schedule_id", "!=", False), ("account_id.fetch_orders", "=", True)])
        )
        minute_of_slot = {slot: slot._utc_minute() for slot in slots if not slot.account_id._fetch_blocked_reason()}
        used_minutes = sorted(set(minute_of_slot.values()))
        schedules = Schedule.search([])  # pylint: disable=no-search-all
        by_minute = {schedule.utc_minute: schedule for schedule in schedules}
        idle = schedules._not_running()
        movable = idle.filtered(lambda schedule: schedule.utc_minute not in used_minutes)
        for minute in used_minutes:
            schedule = by_minute.get(minute)
            if not schedule and movable:
                schedule, movable = movable[0], movable[1:]
                schedule._move_to(minute)
            elif not schedule:
                schedule = Schedule.create({"utc_minute": minute})
            elif schedule in idle and schedule._cron_drifted():
                schedule._move_to(minute)
            if not schedule.cron_id:
                schedule.cron_id = schedule._create_cron()
            by_minute[minute] = schedule
        for slot in slots:
            schedule = by_minute[minute_of_slot[slot]] if slot in minute_of_slot else Schedule
            if slot.schedule_id != schedule:
                slot.schedule_id = schedule
        movable.unlink()

    def _not_running(self):
        """The schedules whose cron no worker is running, locked until the end of the transaction."""
        with_cron = self.filtered("cron_id")
        if not with_cron:
            return self
        self.env.cr.execute(
            SQL("SELECT id FROM ir_cron WHERE id IN %s FOR UPDATE SKIP LOCKED", tuple(with_cron.cron_id.ids))
        )
        free_cron_ids = {row[0] for row in self.env.cr.fetchall()}
        return self.filtered(lambda schedule: not schedule.cron_id or schedule.cron_id.id in free_cron_ids)

    def _cron_drifted(self):
        """Whether the cron no longer runs at the schedule's time (e.g. its next run was edited)."""
        nextcall = self.sudo().cron_id.nextcall
        return bool(nextcall) and (nextcall.hour * 60 + nextcall.minute, nextcall.second) != (self.utc_minute, 0)

    def _move_to(self, minute):
        self.ensure_one()
        self.utc_minute = minute
        if self.cron_id:
            self.cron_id.sudo().write(self._cron_timing_values())

    def _create_cron(self):
        self.ensure_one()
        return (
            self.env["ir.cron"]
            .sudo()
            .create(
                {
                    "model_id": self.env["ir.model"]._get_id(self._name),
                    "state": "code",
                    "code": f"model._cron_fetch_orders({self.id})",
                    "user_id": self.env.ref("base.user_root").id,
                    "interval_number": 1,
                    "interval_type": "days",
                    **self._cron_timing_values(),
                }
            )
        )

    def _cron_timing_values(self):
        self.ensure_one()
        return {
            "name": self.with_context(lang="en_US").name,
            "nextcall": next_occurrence(self.utc_minute, fields.Datetime.now()),
        }

    @api.model
    def _cron_fetch_orders(self, schedule_id):
        """Entry point of the slot crons: fetches every account on the schedule, one after another."""
        schedule = self.browse(schedule_id).exists()
        if not schedule:
            return
        accounts = schedule.slot_ids.account_id
        if any(slot._utc_minute() != schedule.utc_minute for slot in schedule.slot_ids):
            # A daylight saving time change moved some slots to another UTC time.
            self._sync()
            accounts = schedule.slot_ids.account_id
        for account in accounts.filtered(lambda account: not account._fetch_blocked_reason()):
            account._fetch_scheduled(schedule)
