from odoo.addons.ec_coupang.models import ec_bulk_retry
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .fetch_common import EcFetchCase, EcFetchMixin


class HeldBoxesMixin(EcFetchMixin):
    """Boxes held at their first read, each for an item of its own whose seller SKU is unknown."""

    def held_boxes(self, skus):
        """{sku: (box, its item's mapping, its record to review)}, each box held."""
        boxes = {}
        for sku in skus:
            box = self.sandbox.add_order(delivery="home", items=[(sku, 1)])
            box.lines[0].external_vendor_sku_code = f"OLD-{sku}"
            boxes[sku] = box
        self.fetch()
        held = {}
        for sku, box in boxes.items():
            review = self.env["ec.order.import"].search([("shipment_box_id", "=", str(box.shipment_box_id))])
            self.assertEqual(review.state, "held")
            mapping = self.env["ec.product.mapping"].search(
                [("account_id", "=", self.account.id), ("seller_sku", "=", f"OLD-{sku}")]
            )
            held[sku] = (box, mapping, review)
        return held

    def map_item(self, held, sku):
        held[sku][1].product_id = self.products[sku]


@tagged("post_install", "-at_install")
class TestFetchReviewBulkRetry(HeldBoxesMixin, EcFetchCase):
    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()

    def test_mixed_selection_is_retried_record_by_record_with_one_summary(self):
        held = self.held_boxes(["CP-TEA-001", "CP-TEA-002", "CP-TEA-003"])
        (fixed, _mapping, fixed_review), (_still, _, still_review), (refused, _, refused_review) = held.values()
        self.map_item(held, "CP-TEA-001")
        self.map_item(held, "CP-TEA-003")
        self.sandbox.inject(
            "acknowledge", "box_failure", box_ids={refused.shipment_box_id}, message="box locked", times=None
        )
        # First in the selection: a record whose retry cannot even start (its account lost its key).
        other = self._create_account(self.add_store(), name="Coupang TW 2")
        other.coupang_access_key = False
        keyless = self.env["ec.order.import"].create(
            {"account_id": other.id, "shipment_box_id": "1", "state": "held", "reason": "x", "payload": "{}"}
        )

        action = (keyless | fixed_review | still_review | refused_review).action_retry_selected()

        self.assertEqual(fixed_review.state, "done")
        self.assertEqual(fixed_review.sale_order_id, self.sale_order(fixed))
        self.assertEqual(self.sandbox.order(fixed.shipment_box_id).status, "INSTRUCT")
        self.assertEqual(still_review.state, "held")
        self.assertEqual(refused_review.state, "failed")
        self.assertIn("box locked", refused_review.reason)
        self.assertFalse(self.sale_order(refused))
        self.assertEqual(keyless.state, "held")
        self.assertEqual((action["tag"], action["params"]["type"]), ("display_notification", "warning"))
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload", "the list stays, reloaded")
        summary = action["params"]["message"]
        self.assertIn("Held: 2, Failed: 1, Imported: 1.", summary)
        self.assertIn(f"{keyless.display_name}: Enter the Vendor ID and the Access Key first.", summary)
        self.assertIn(f"{still_review.display_name}: {still_review.reason}", summary)
        self.assertIn(f"{refused_review.display_name}: ", summary)
        self.assertIn("box locked", summary)
        self.assertNotIn(fixed_review.display_name, summary)

    def test_a_click_retries_a_bounded_number_and_says_so(self):
        self.patch(ec_bulk_retry, "BULK_RETRY_LIMIT", 2)
        held = self.held_boxes(["CP-TEA-001", "CP-TEA-002", "CP-TEA-003", "CP-TEA-004"])
        for sku in held:
            self.map_item(held, sku)
        boxes = [box for box, _mapping, _review in held.values()]
        reviews = self.env["ec.order.import"].browse([review.id for _box, _mapping, review in held.values()])
        reviews[0].action_retry()

        summary = reviews.action_retry_selected()["params"]["message"]

        self.assertEqual(reviews.mapped("state"), ["done", "done", "done", "held"])
        self.assertEqual(self.sandbox.order(boxes[3].shipment_box_id).status, "ACCEPT", "never sent to Coupang")
        self.assertIn("Imported: 2.", summary)
        self.assertIn("1 selected were done already.", summary)
        self.assertIn("1 more selected were not retried: at most 2 are retried at a time.", summary)

    def test_a_user_without_rights_sends_nothing(self):
        held = self.held_boxes(["CP-TEA-001", "CP-TEA-002"])
        for sku in held:
            self.map_item(held, sku)
        reviews = self.env["ec.order.import"].browse([review.id for _box, _mapping, review in held.values()])
        self.sandbox.clear_requests()
        with self.assertRaises(AccessError):
            reviews.with_user(self.ec_user).action_retry_selected()
        self.assertFalse(self.sandbox.requests)
        self.assertEqual(reviews.mapped("state"), ["held", "held"])
