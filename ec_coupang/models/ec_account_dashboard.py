from odoo import api, fields, models
from odoo.tools.misc import get_lang

from ..tools.coupang_errors import render
from ..tools.dates import day_start_utc, in_time_zone, without_seconds

# The groups that read sale orders and deliveries, whose counts the account shows.
ORDER_READERS = "sales_team.group_sale_salesman,stock.group_stock_user"
# The groups that read the buyers' inquiries, whose count the account shows.
INQUIRY_READERS = "sales_team.group_sale_salesman,ec_coupang.group_ec_manager"
INQUIRIES_TO_ANSWER_DOMAIN = [("state", "in", ("to_answer", "to_confirm"))]
# A buyer's stop-shipment request that needs someone: not applied yet (the delivery must not leave),
# failed, waiting for its answer in Wing (Taiwan) or for a person. Answered and done ones do not.
STOP_REQUESTS_TO_HANDLE_DOMAIN = [("kind", "=", "stop"), ("state", "not in", ("answered", "done"))]


class EcAccountDashboard(models.AbstractModel):
    """The counts of an EC account and the lists they open: the smart buttons of its form and the
    card of the EC Integrations dashboard (its kanban view). Each count is one grouped query for all
    the accounts shown (`_count_per_account`)."""

    _name = "ec.account.dashboard"
    _description = "EC Account Dashboard"

    # === FIELDS === #

    location_count = fields.Integer(compute="_compute_location_count")
    sale_order_count = fields.Integer(compute="_compute_sale_order_counts", groups=ORDER_READERS)
    fetch_log_count = fields.Integer(compute="_compute_fetch_counts")
    order_import_count = fields.Integer(
        string="Orders to Review", compute="_compute_fetch_counts", help="Coupang orders held or failed."
    )

    # Dashboard: counted for every card at once, under the user's access rules.
    order_today_count = fields.Integer(
        string="Orders Today",
        compute="_compute_sale_order_counts",
        groups=ORDER_READERS,
        help="Coupang orders placed today, in your time zone.",
    )
    push_pending_count = fields.Integer(
        string="Tracking Not Pushed",
        compute="_compute_delivery_counts",
        groups=ORDER_READERS,
        help="Validated deliveries whose tracking number Coupang does not have yet.",
    )
    return_to_receive_count = fields.Integer(
        string="Returns to Receive",
        compute="_compute_delivery_counts",
        groups=ORDER_READERS,
        help="Returns of Coupang orders whose goods have not arrived yet.",
    )
    stop_request_count = fields.Integer(
        string="Stop-Shipment Requests",
        compute="_compute_stop_request_count",
        help="Buyers' requests to stop a shipment that need someone: not applied yet (do not ship these "
        "deliveries), failed, or to answer in Wing.",
    )
    inquiry_to_answer_count = fields.Integer(
        string="Inquiries to Answer",
        compute="_compute_inquiry_to_answer_count",
        groups=INQUIRY_READERS,
        help="Buyers' inquiries waiting for an answer, or call-center inquiries to confirm.",
    )
    last_fetch_counts = fields.Char(
        compute="_compute_last_fetch_counts",
        help="What the last fetch read, created and held for review.",
    )
    fetch_next_text = fields.Char(
        string="Next Fetch Time",
        compute="_compute_fetch_next_text",
        help="The next scheduled fetch, in the company's time zone like the Fetch Schedule.",
    )

    # === COMPUTE METHODS === #

    def _compute_location_count(self):
        counts = self._count_per_account("ec.location", [])  # active ones: archived are no longer on Coupang
        for account in self:
            account.location_count = counts.get(account, 0)

    @api.depends_context("lang")
    def _compute_fetch_next_text(self):
        lang = get_lang(self.env)
        minutes = f"{lang.date_format} {without_seconds(lang.time_format)}"
        for account in self:
            tz_name = account._fetch_tz()
            next_call = account.fetch_nextcall and in_time_zone(account.fetch_nextcall, tz_name)
            account.fetch_next_text = next_call and f"{next_call.strftime(minutes)} ({tz_name})"

    @api.depends_context("lang")
    def _compute_last_fetch_counts(self):
        for account in self:
            log = account.last_fetch_log_id
            ended = log and log.state not in ("queued", "running")
            account.last_fetch_counts = ended and render(self.env, log._counts_message("fetch_counts_brief"))

    # The counts follow the user's access rules and companies, and "today" the user's time zone.
    @api.depends_context("uid", "allowed_company_ids", "tz")
    def _compute_sale_order_counts(self):
        orders = self._count_per_account("sale.order", [], account_field="ec_account_id")
        today = self._count_per_account("sale.order", self._orders_today_domain(), account_field="ec_account_id")
        for account in self:
            account.sale_order_count = orders.get(account, 0)
            account.order_today_count = today.get(account, 0)

    def _compute_fetch_counts(self):
        logs = self._count_per_account("ec.fetch.log", [])
        imports = self._count_per_account("ec.order.import", [("state", "in", ("held", "failed"))])
        for account in self:
            account.fetch_log_count = logs.get(account, 0)
            account.order_import_count = imports.get(account, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_delivery_counts(self):
        pushes = self._count_per_account("ec.tracking.push", [("state", "in", ("pending", "error"))])
        returns = self._count_per_account(
            "ec.coupang.request",
            [("state", "!=", "done"), ("return_picking_id.state", "not in", ("done", "cancel"))],
            aggregate="return_picking_id:count_distinct",
        )
        for account in self:
            account.push_pending_count = pushes.get(account, 0)
            account.return_to_receive_count = returns.get(account, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_stop_request_count(self):
        stop_requests = self._count_per_account("ec.coupang.request", STOP_REQUESTS_TO_HANDLE_DOMAIN)
        for account in self:
            account.stop_request_count = stop_requests.get(account, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_inquiry_to_answer_count(self):
        inquiries = self._count_per_account("ec.coupang.inquiry", INQUIRIES_TO_ANSWER_DOMAIN)
        for account in self:
            account.inquiry_to_answer_count = inquiries.get(account, 0)

    def _count_per_account(self, model, domain, account_field="account_id", aggregate="__count"):
        """{account: aggregate} of the ``model`` records in ``domain``: one query for all the accounts."""
        domain = [(account_field, "in", self.ids), *domain]
        return dict(self.env[model]._read_group(domain, [account_field], [aggregate]))

    def _orders_today_domain(self):
        tz_name = self.env.context.get("tz") or self.env.user.tz
        return [("date_order", ">=", day_start_utc(fields.Date.context_today(self), tz_name))]

    # === ACTION METHODS === #

    def action_view_locations(self):
        return self._account_action(
            "ec_coupang.ec_location_action", [("account_id", "=", self.id)], {"default_account_id": self.id}
        )

    def action_view_sale_orders(self):
        return self._account_action("sale.action_orders", [("ec_account_id", "=", self.id)], {"create": False})

    def action_view_orders_today(self):
        action = self.action_view_sale_orders()
        action["domain"] += self._orders_today_domain()
        return action

    def action_view_push_pending(self):
        return self._account_action(
            "stock.action_picking_tree_all",
            [("ec_account_id", "=", self.id), ("ec_push_state", "in", ("pending", "error"))],
            {"create": False},
        )

    def action_view_returns_to_receive(self):
        return self._account_action(
            "stock.action_picking_tree_all",
            [
                ("ec_return_request_ids", "any", [("account_id", "=", self.id), ("state", "!=", "done")]),
                ("state", "not in", ("done", "cancel")),
            ],
            {"create": False},
        )

    def action_view_stop_requests(self):
        return self._account_action(
            "ec_coupang.ec_coupang_request_action", [("account_id", "=", self.id), *STOP_REQUESTS_TO_HANDLE_DOMAIN], {}
        )

    def action_view_inquiries_to_answer(self):
        return self._account_action(
            "ec_coupang.ec_coupang_inquiry_action",
            [("account_id", "=", self.id), *INQUIRIES_TO_ANSWER_DOMAIN],
            {"create": False},
        )

    def action_view_fetch_logs(self):
        return self._account_action("ec_coupang.ec_fetch_log_action", [("account_id", "=", self.id)])

    def action_view_order_imports(self):
        return self._account_action(
            "ec_coupang.ec_order_import_action", [("account_id", "=", self.id)], {"search_default_filter_to_review": 1}
        )

    def _account_action(self, xml_id, domain, context=None):
        """The window action ``xml_id`` showing the records of ``domain``; ``context`` replaces its own."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["domain"] = domain
        if context is not None:
            action["context"] = context
        return action
