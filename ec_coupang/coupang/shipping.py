"""Coupang's split-shipping rules: what one delivery of a shipment box tells Coupang.

Coupang keeps one invoice per vendor item of a box, and an invoice call lists every item of the box
(Coupang docs: delivery-api/invoice-upload-processing). A delivery that ships part of a box splits
it: the items shipped now go with their number, the items still to ship with an estimated shipping
date instead (one or the other, never both), all with ``splitShipping``; the box's later parcels
go with ``preSplitShipped`` as well. Coupang says per box whether it may be split
(``ableSplitShipping``). After a split, the items shipped first are in a new box, found by reading
the whole order.

Plain data in, a plan out: the Odoo model gathers a ``Parcel`` from its deliveries, asks Coupang
only what the rules need (``Parcel.opens_split``, ``Parcel.left_its_box``) and sends the plan.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .datatypes import InvoiceEntry

# Why a plan went as it did, or was refused; the model turns each into the user's text.
WHOLE_BOX_NOTE = "whole_box"  # Coupang does not allow this box to be split: the first number went for all
UNPLANNED_ITEMS = "unplanned_items"  # params: vendor_item_ids, items neither shipped nor planned


@dataclass(frozen=True)
class Parcel:
    """One delivery of a shipment box, as the planner needs it."""

    shipment_box_id: str
    order_id: str
    box_items: tuple[str, ...]  # the Coupang vendor items of the box, in order line order
    invoice_number: str
    delivery_company_code: str
    shipped: frozenset[str] = frozenset()  # the items this delivery shipped
    reported: frozenset[str] = frozenset()  # the items whose invoice Coupang has from the box's other deliveries
    pushed_number: str = ""  # the number Coupang has from this delivery; empty until its first upload
    pushed_items: frozenset[str] = frozenset()  # the items Coupang has that number for
    # For the items of the box in other deliveries (shipped or still to ship): the earliest date of one.
    planned: Mapping[str, date] = field(default_factory=dict)
    today: date | None = None

    @property
    def new_items(self):
        """The items this delivery shipped whose invoice Coupang does not have yet, in box order."""
        return tuple(item for item in self.box_items if item in self.shipped and item not in self.reported)

    @property
    def later_items(self):
        """The items of the box that neither this delivery nor an earlier parcel shipped."""
        return tuple(item for item in self.box_items if item not in self.reported and item not in self.shipped)

    @property
    def opens_split(self):
        """Whether uploading this delivery would split the box first: Coupang's ableSplitShipping decides."""
        return not self.pushed_number and bool(self.new_items) and not self.reported and bool(self.later_items)

    @property
    def left_its_box(self):
        """Whether the items this delivery reported may be in a new box, after the box was split."""
        return set(self.pushed_items) != set(self.box_items)


@dataclass(frozen=True)
class InvoicePlan:
    """One delivery's invoice entries for one call, and what to remember of it once Coupang took them."""

    update: bool
    invoice_number: str
    delivery_company_code: str
    vendor_item_ids: tuple[str, ...]  # the items whose invoice Coupang has from this delivery afterwards
    entries: tuple[InvoiceEntry, ...]
    note: str = ""  # WHOLE_BOX_NOTE, or empty

    @property
    def shipment_box_id(self):
        return self.entries[0].shipment_box_id


@dataclass(frozen=True)
class Refusal:
    """What only a person can solve before this delivery's invoice can go: a code and its parameters."""

    code: str
    params: Mapping = field(default_factory=dict)


def plan_upload(parcel, split_allowed=True):
    """The first upload of this delivery's number.

    :param split_allowed: Coupang's ableSplitShipping of the box; only read when ``parcel.opens_split``
    :return: an ``InvoicePlan``; a ``Refusal``; None when Coupang already has the invoice of each item
        this delivery shipped (Coupang keeps one invoice per item)
    """
    shipped, later = parcel.new_items, parcel.later_items
    if not shipped:
        return None
    if not parcel.reported and not later:
        return _plan(parcel, shipped, _entries(parcel, shipped, parcel.invoice_number))
    if parcel.opens_split and not split_allowed:
        entries = _entries(parcel, parcel.box_items, parcel.invoice_number)
        return _plan(parcel, parcel.box_items, entries, note=WHOLE_BOX_NOTE)
    unplanned = sorted(set(later) - set(parcel.planned))
    if unplanned:
        return Refusal(UNPLANNED_ITEMS, {"vendor_item_ids": tuple(unplanned)})
    pre_split_shipped = bool(parcel.reported)
    entries = _entries(parcel, shipped, parcel.invoice_number, split=True, pre_split_shipped=pre_split_shipped)
    if later:
        entries += _entries(
            parcel,
            later,
            "",
            split=True,
            pre_split_shipped=pre_split_shipped,
            estimated_date=estimated_shipping_date(parcel, later).isoformat(),
        )
    return _plan(parcel, shipped, entries)


def plan_update(parcel, shipment_box_id):
    """A corrected number of a delivery Coupang has: it goes for the same items, in the box now holding
    them (see ``box_holding``)."""
    items = tuple(sorted(parcel.pushed_items))
    entries = _entries(parcel, items, parcel.invoice_number, shipment_box_id=shipment_box_id)
    return InvoicePlan(True, parcel.invoice_number, parcel.delivery_company_code, items, entries)


def box_holding(parcel, order_sheets):
    """The shipment box, among the order's sheets, that holds the items this delivery reported: the one
    with its number; the delivery's own box when none has it."""
    return next(
        (sheet.shipment_box_id for sheet in order_sheets if sheet.invoice_number == parcel.pushed_number),
        parcel.shipment_box_id,
    )


def estimated_shipping_date(parcel, vendor_item_ids):
    """When the items that stay behind ship: their earliest other delivery, not before today (a later
    delivery may have shipped already, while this one waited for Coupang)."""
    return max(parcel.today, min(parcel.planned[item] for item in vendor_item_ids))


def _plan(parcel, vendor_item_ids, entries, note=""):
    return InvoicePlan(
        False, parcel.invoice_number, parcel.delivery_company_code, tuple(vendor_item_ids), entries, note
    )


def _entries(
    parcel,
    vendor_item_ids,
    invoice_number,
    split=False,
    pre_split_shipped=False,
    estimated_date="",
    shipment_box_id="",
):
    return tuple(
        InvoiceEntry(
            shipment_box_id=shipment_box_id or parcel.shipment_box_id,
            order_id=parcel.order_id,
            vendor_item_id=vendor_item_id,
            delivery_company_code=parcel.delivery_company_code,
            invoice_number=invoice_number,
            split_shipping=split,
            pre_split_shipped=pre_split_shipped,
            estimated_shipping_date=estimated_date,
        )
        for vendor_item_id in vendor_item_ids
    )
