"""Coupang's split-shipping rules (``ec_coupang.coupang.shipping``): a delivery of a shipment box in,
the invoice entries of its call out, without Odoo or a server."""

from dataclasses import dataclass, replace
from datetime import date

import pytest

from ec_coupang.coupang import (
    UNPLANNED_ITEMS,
    WHOLE_BOX_NOTE,
    InvoiceEntry,
    Parcel,
    Refusal,
    box_holding,
    plan_update,
    plan_upload,
)

TEA, GREEN_TEA, TEAPOT = "80000000001", "80000000002", "80000000003"
BOX, ORDER = "642538971006401429", "27000012345678"
TODAY = date(2025, 3, 10)


def parcel(shipped, box_items=(TEA, GREEN_TEA, TEAPOT), **values):
    return Parcel(
        shipment_box_id=BOX,
        order_id=ORDER,
        box_items=box_items,
        invoice_number="TW200000001",
        delivery_company_code="KERRYTJ",
        shipped=frozenset(shipped),
        today=TODAY,
        **values,
    )


def entry(item, number="TW200000001", box=BOX, **values):
    return InvoiceEntry(box, ORDER, item, "KERRYTJ", number, **values)


def test_one_parcel_sends_every_item_with_its_number():
    plan = plan_upload(parcel({TEAPOT, TEA, GREEN_TEA}))
    assert (plan.update, plan.invoice_number, plan.delivery_company_code) == (False, "TW200000001", "KERRYTJ")
    assert plan.vendor_item_ids == (TEA, GREEN_TEA, TEAPOT), "in the box's order"
    assert plan.entries == (entry(TEA), entry(GREEN_TEA), entry(TEAPOT))
    assert (plan.shipment_box_id, plan.note) == (BOX, "")


def test_first_parcel_splits_the_box_and_dates_the_items_left_behind():
    shipped = parcel({TEA}, planned={GREEN_TEA: date(2025, 3, 14), TEAPOT: date(2025, 3, 12)})
    assert shipped.opens_split
    plan = plan_upload(shipped)
    assert plan.vendor_item_ids == (TEA,), "Coupang has the number of the tea only"
    split = {"split_shipping": True, "pre_split_shipped": False}
    assert plan.entries == (
        entry(TEA, **split),
        entry(GREEN_TEA, "", estimated_shipping_date="2025-03-12", **split),
        entry(TEAPOT, "", estimated_shipping_date="2025-03-12", **split),
    ), "the earliest delivery of the items left behind"


def test_items_left_behind_are_not_dated_before_today():
    plan = plan_upload(parcel({TEA}, box_items=(TEA, TEAPOT), planned={TEAPOT: date(2025, 3, 1)}))
    assert plan.entries[1].estimated_shipping_date == TODAY.isoformat()


def test_later_parcels_of_a_split_box_say_it_was_split_before():
    middle = parcel({GREEN_TEA}, reported=frozenset({TEA}), planned={TEAPOT: date(2025, 3, 11)})
    assert not middle.opens_split, "Coupang's permission was read for the first parcel"
    plan = plan_upload(middle, split_allowed=False)
    split = {"split_shipping": True, "pre_split_shipped": True}
    assert plan.entries == (
        entry(GREEN_TEA, **split),
        entry(TEAPOT, "", estimated_shipping_date="2025-03-11", **split),
    )
    last = plan_upload(parcel({TEAPOT}, reported=frozenset({TEA, GREEN_TEA})))
    assert last.vendor_item_ids == (TEAPOT,)
    assert last.entries == (entry(TEAPOT, **split),)


def test_box_coupang_does_not_split_ships_whole_with_the_first_number():
    plan = plan_upload(parcel({TEA}), split_allowed=False)
    assert plan.vendor_item_ids == (TEA, GREEN_TEA, TEAPOT), "Coupang has the number of each item"
    assert plan.entries == (entry(TEA), entry(GREEN_TEA), entry(TEAPOT))
    assert plan.note == WHOLE_BOX_NOTE


@pytest.mark.parametrize(
    ("shipped", "values"),
    [
        ({TEA, GREEN_TEA, TEAPOT}, {}),
        ({TEAPOT}, {"reported": frozenset({TEA, GREEN_TEA})}),
        (set(), {}),
        ({TEA}, {"pushed_number": "TW200000001", "pushed_items": frozenset({TEA})}),
    ],
    ids=["whole box", "last parcel", "nothing shipped", "already uploaded"],
)
def test_only_a_first_partial_parcel_asks_whether_the_box_may_be_split(shipped, values):
    assert not parcel(shipped, **values).opens_split


def test_nothing_goes_when_coupang_has_each_shipped_item():
    assert plan_upload(parcel({TEA}, reported=frozenset({TEA}))) is None
    assert plan_upload(parcel(set())) is None
    assert plan_upload(parcel({"80000000099"})) is None, "an item no longer in the box (canceled) is not sent"


def test_items_neither_shipped_nor_planned_are_refused():
    shipped = parcel({TEA}, planned={GREEN_TEA: date(2025, 3, 12)})
    assert plan_upload(shipped) == Refusal(UNPLANNED_ITEMS, {"vendor_item_ids": (TEAPOT,)})
    backorder = parcel({GREEN_TEA}, reported=frozenset({TEA}))
    assert plan_upload(backorder, split_allowed=False) == Refusal(UNPLANNED_ITEMS, {"vendor_item_ids": (TEAPOT,)})
    assert plan_upload(shipped, split_allowed=False).note == WHOLE_BOX_NOTE, "an unsplit box ships them all"


def test_corrected_number_goes_for_the_items_already_sent():
    corrected = replace(
        parcel({TEA}), invoice_number="TW200000011", pushed_number="TW200000001", pushed_items=frozenset({TEAPOT, TEA})
    )
    plan = plan_update(corrected, "742538971006401430")
    assert (plan.update, plan.vendor_item_ids) == (True, (TEA, TEAPOT))
    assert plan.entries == (
        entry(TEA, "TW200000011", box="742538971006401430"),
        entry(TEAPOT, "TW200000011", box="742538971006401430"),
    )


@dataclass(frozen=True)
class Sheet:
    shipment_box_id: str
    invoice_number: str


def test_a_split_parcel_is_found_in_the_box_with_its_number():
    whole = parcel(
        {TEA, GREEN_TEA, TEAPOT}, pushed_number="TW200000001", pushed_items=frozenset({TEA, GREEN_TEA, TEAPOT})
    )
    assert not whole.left_its_box, "the box was not split: no need to read the order"
    first = parcel({TEA}, pushed_number="TW200000001", pushed_items=frozenset({TEA}))
    assert first.left_its_box
    sheets = [Sheet(BOX, "TW200000002"), Sheet("742538971006401430", "TW200000001")]
    assert box_holding(first, sheets) == "742538971006401430", "Coupang moved the first parcel to a new box"
    assert box_holding(first, [Sheet(BOX, "")]) == BOX
