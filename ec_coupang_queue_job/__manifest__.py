{
    "name": "Coupang Connector: Job Queue",
    "summary": "Run the Coupang fetch, page imports, requests checks and tracking pushes as OCA queue jobs",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ec_coupang",
    "website": "https://github.com/ec-coupang/ec_coupang",
    "license": "LGPL-3",
    "depends": ["ec_coupang", "queue_job"],
    "auto_install": True,
    "data": [
        "security/ir.model.access.csv",
        "security/ec_coupang_queue_job_security.xml",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
        "views/ec_account_views.xml",
        "views/queue_job_views.xml",
    ],
}
