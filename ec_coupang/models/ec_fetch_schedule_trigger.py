from odoo import api, models


class EcFetchScheduleTrigger(models.AbstractModel):
    """Records that decide when, or whether, accounts fetch: changing them moves the fetch crons."""

    _name = "ec.fetch.schedule.trigger"
    _description = "EC Fetch Schedule Trigger"

    # The fields whose change moves the crons.
    _fetch_schedule_fields = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["ec.fetch.schedule"]._sync()
        return records

    def write(self, vals):
        result = super().write(vals)
        if self._fetch_schedule_fields & vals.keys():
            self.env["ec.fetch.schedule"]._sync()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["ec.fetch.schedule"]._sync()
        return result
