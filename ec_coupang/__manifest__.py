{
    "name": "Coupang Connector",
    "summary": "Fetch Coupang (Wing Open API) orders into sale orders and push tracking numbers back",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ec_coupang",
    "website": "https://github.com/ec-coupang/ec_coupang",
    "license": "LGPL-3",
    "depends": ["mail", "sale_management", "sale_stock", "stock_delivery"],
    "data": [
        "security/ec_coupang_groups.xml",
        "security/ec_coupang_security.xml",
        "security/ir.model.access.csv",
        "views/ec_account_views.xml",
        "views/ec_location_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["ec_coupang/static/tests/tours/*.js"],
    },
    "external_dependencies": {"python": ["requests", "cryptography"]},
}
