from odoo.tests import HttpCase, tagged

from .test_fetch_review_bulk import HeldBoxesMixin


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestFetchReviewTour(HeldBoxesMixin, HttpCase):
    def test_bulk_retry_of_two_held_orders_stays_on_the_list(self):
        self.clear_sandbox_orders()
        held = self.held_boxes(["CP-TEA-001", "CP-TEA-002"])
        self.map_item(held, "CP-TEA-001")
        self.start_tour(
            "/odoo/action-ec_coupang.ec_order_import_action", "ec_coupang_review_bulk_retry_tour", login="admin"
        )
        (fixed, _mapping, fixed_review), (_still, _, still_review) = held.values()
        self.assertEqual(fixed_review.state, "done")
        self.assertEqual(fixed_review.sale_order_id, self.sale_order(fixed))
        self.assertEqual(still_review.state, "held")
