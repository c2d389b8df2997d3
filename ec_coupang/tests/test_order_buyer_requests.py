from odoo import Command
from odoo.tests import tagged

from .common import pdf_text
from .fetch_common import EcFetchCase

DELIVERY_SLIP = "stock.action_report_delivery"


@tagged("post_install", "-at_install")
class TestOrderBuyerRequests(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()

    def import_order(self, **changes):
        order = self.sandbox.add_order(delivery="seven_eleven", items=[("CP-TEA-001", 2)])
        for name, value in changes.items():
            setattr(order, name, value)
        log = self.fetch()
        self.assertEqual(log.state, "done", log.summary)
        return order, self.sale_order(order)

    def test_cod_order_keeps_the_amount_to_collect_and_the_e_invoice_request(self):
        sale_order = self.cod_order()
        self.assertTrue(sale_order.coupang_is_cod)
        self.assertEqual(sale_order.coupang_cod_amount, sale_order.amount_total)
        self.assertEqual(sale_order.coupang_parcel_message, "到店請簡訊通知")
        self.assertEqual(
            (sale_order.coupang_receipt_option, sale_order.coupang_receipt_type, sale_order.coupang_receipt_value),
            ("E-GUI", "BUSINESS", "24536806"),
        )
        picking = sale_order.picking_ids
        self.assertTrue(picking.ec_is_cod)
        self.assertEqual(picking.ec_cod_amount, sale_order.amount_total)
        self.assertEqual(picking.ec_parcel_message, "到店請簡訊通知")
        self.assertEqual(picking.ec_delivery_kind, "seven_eleven")
        self.assertTrue(picking.ec_store_name)

    def test_the_invoice_of_the_order_carries_the_e_invoice_request(self):
        sale_order = self.cod_order()
        invoice = sale_order._create_invoices(final=True)
        self.assertEqual(
            (invoice.coupang_receipt_option, invoice.coupang_receipt_type, invoice.coupang_receipt_value),
            ("E-GUI", "BUSINESS", "24536806"),
        )

    def test_prepaid_order_has_nothing_to_collect(self):
        _order, sale_order = self.import_order(is_cod=False, parcel_print_message="")
        self.assertFalse(sale_order.coupang_is_cod)
        self.assertEqual(sale_order.coupang_cod_amount, 0)
        self.assertFalse(sale_order.coupang_parcel_message)

    def test_unknown_e_invoice_carrier_does_not_stop_the_import(self):
        receipt = {"receiptOption": "E-GUI", "appliedType": "CITIZEN_CERTIFICATE", "appliedValue": "AB12345678901234"}
        _order, sale_order = self.import_order(extra_properties={"taxReceiptInfo": receipt})
        self.assertEqual(sale_order.coupang_receipt_option, "E-GUI")
        self.assertFalse(sale_order.coupang_receipt_type)
        self.assertEqual(sale_order.coupang_receipt_value, "AB12345678901234")

    def test_korean_order_has_no_e_invoice_request(self):
        _order, sale_order = self.import_order(extra_properties={})
        self.assertFalse(sale_order.coupang_receipt_option)

    def test_delivery_slip_pdf_shows_the_amount_to_collect_and_the_parcel_message(self):
        sale_order = self.cod_order()
        picking = sale_order.picking_ids
        # Tests render reports as HTML unless told to make the PDF with wkhtmltopdf. Its fetches of
        # the report's styles go nowhere: under Odoo's test runner, the HTTP server would wait for the
        # registry, which the runner holds (the tour of test_ec_dashboard_tour prints it styled).
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, kind = Report._render_qweb_pdf(DELIVERY_SLIP, picking.ids)
        self.assertEqual(kind, "pdf")
        text = pdf_text(pdf)
        self.assertIn("Cash on Delivery: Amount to Collect", text)
        self.assertIn(f"{sale_order.amount_total:,.0f}", text)
        self.assertIn("Parcel Message", text)
        self.assertIn("到店請簡訊通知", text)
        self.assertIn(picking.ec_store_name, text)

    def test_delivery_slip_of_a_prepaid_order_asks_nothing_to_collect(self):
        _order, sale_order = self.import_order(is_cod=False, parcel_print_message="")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(DELIVERY_SLIP, sale_order.picking_ids.ids)
        self.assertNotIn("Amount to Collect", html.decode())
        self.assertNotIn("Parcel Message", html.decode())

    def test_coupang_order_number_finds_the_order(self):
        _order, sale_order = self.import_order()
        found = self.env["sale.order"].search(
            [("coupang_order_id", "ilike", sale_order.coupang_order_id[-6:]), ("ec_account_id", "=", self.account.id)]
        )
        self.assertEqual(found, sale_order)

    def test_imported_order_has_the_accounts_responsible_as_salesperson(self):
        salesman_group = self.env.ref("sales_team.group_sale_salesman")
        salesman = self.env["res.users"].create(
            {"name": "Store manager", "login": "store_manager", "groups_id": [Command.link(salesman_group.id)]}
        )
        self.account.user_id = salesman
        _order, sale_order = self.import_order()
        self.assertEqual(sale_order.user_id, salesman)
