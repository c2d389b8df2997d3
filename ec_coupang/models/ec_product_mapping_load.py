import difflib
from collections import Counter, defaultdict

from odoo import api, models

from ..coupang import UnreadableSellerProduct, get_market

# Products read to suggest one for an item without a match: those whose name shares the item's
# first word, at most this many.
SUGGESTION_CANDIDATES = 20


class EcProductMappingLoad(models.Model):
    """Load Products from Coupang: the store's vendor items listed in Product Mappings, matched to
    products by internal reference (the seller SKU), then by barcode; the others left to map, with a
    suggestion."""

    _inherit = "ec.product.mapping"

    @api.model
    def _load_from_coupang(self, account, client, created_from=None, created_to=None):
        """Lists the store's vendor items (those of the products created from ``created_from`` to
        ``created_to``, else every product), then matches the items still without a product.

        Korea: the product list, then each product's lookup for its items. Taiwan: Coupang's
        product list carries no vendor item and the lookup is Korea's only, so nothing is read: the
        items already listed (those orders named) are matched again.

        :return: Counter of ``items`` (vendor items read), ``products``, ``unreadable`` rows,
            ``reference``, ``barcode`` (matched now), ``to_map``
        """
        counts = Counter()
        if get_market(account.coupang_market).offers("seller_product"):
            mappings = self._read_store_items(account, client, created_from, created_to, counts)
        else:
            mappings = self.search([("account_id", "=", account.id), ("product_id", "=", False)])
        counts.update(mappings.filtered(lambda mapping: not mapping.product_id)._match_products())
        return counts

    @api.model
    def _read_store_items(self, account, client, created_from, created_to, counts):
        if created_from:
            rows = client.iter_seller_products_created(created_from, created_to)
        else:
            rows = client.iter_seller_products()
        product_ids = []
        for row in rows:
            if isinstance(row, UnreadableSellerProduct):
                counts["unreadable"] += 1
            elif row.seller_product_id not in product_ids:  # a product may come in two windows
                product_ids.append(row.seller_product_id)
        counts["products"] = len(product_ids)
        existing = {mapping.vendor_item_id: mapping for mapping in self.search([("account_id", "=", account.id)])}
        mappings = self.browse()
        to_create = []
        for product_id in product_ids:
            product = client.get_seller_product(product_id)
            for item in product.items:
                if not item.vendor_item_id:  # not approved yet: no option ID to order
                    continue
                counts["items"] += 1
                values = {
                    "seller_product_id": product.seller_product_id,
                    "seller_product_name": product.name or False,
                    "vendor_item_name": item.item_name or product.name or False,
                    "item_options": item.options or False,
                    "seller_sku": item.external_vendor_sku or False,
                    "barcode": item.barcode or False,
                }
                mapping = existing.get(item.vendor_item_id)
                if mapping:
                    mapping.write(values)
                    mappings |= mapping
                else:
                    to_create.append(dict(values, account_id=account.id, vendor_item_id=item.vendor_item_id))
                    existing[item.vendor_item_id] = True
        return mappings | self.create(to_create)

    def _match_products(self):
        """Gives each mapping the product of its company whose internal reference is its seller SKU,
        else whose barcode is its barcode; several or none: left to map, with a suggestion.

        :return: Counter of ``reference``, ``barcode`` and ``to_map``
        """
        counts = Counter()
        Product = self.env["product.product"].sudo()
        for company, mappings in self.grouped("company_id").items():
            company_domain = Product._check_company_domain(company)
            by_sku = self._products_by(Product, "default_code", mappings.mapped("seller_sku"), company_domain)
            by_barcode = self._products_by(Product, "barcode", mappings.mapped("barcode"), company_domain)
            for mapping in mappings:
                sku_products = by_sku[mapping.seller_sku] if mapping.seller_sku else Product
                barcode_products = by_barcode[mapping.barcode] if mapping.barcode else Product
                if len(sku_products) == 1:
                    mapping.write({"product_id": sku_products.id, "match_method": "reference"})
                    counts["reference"] += 1
                elif len(barcode_products) == 1:
                    mapping.write({"product_id": barcode_products.id, "match_method": "barcode"})
                    counts["barcode"] += 1
                else:
                    candidates = sku_products | barcode_products
                    suggestion = mapping._closest_product(
                        candidates or mapping._name_candidates(Product, company_domain)
                    )
                    mapping.suggested_product_id = suggestion
                    counts["to_map"] += 1
        return counts

    @staticmethod
    def _products_by(Product, field, values, company_domain):
        """{value: the products with ``field`` = value} in one query."""
        found = defaultdict(lambda: Product)
        values = [value for value in set(values) if value]
        if values:
            for product in Product.search([(field, "in", values), *company_domain]):
                found[product[field]] |= product
        return found

    def _name_candidates(self, Product, company_domain):
        words = (self.vendor_item_name or self.seller_product_name or "").split()
        if not words:
            return Product
        return Product.search([("name", "ilike", words[0]), *company_domain], limit=SUGGESTION_CANDIDATES)

    def _closest_product(self, candidates):
        """The candidate whose name is closest to the item's (the only one when there is one)."""
        if len(candidates) <= 1:
            return candidates
        name = (self.vendor_item_name or self.seller_product_name or "").casefold()
        return max(
            candidates,
            key=lambda product: (difflib.SequenceMatcher(None, name, product.name.casefold()).ratio(), -product.id),
        )
