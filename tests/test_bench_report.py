"""The benchmark's requests row: the request lists apart from the minimum and its ratio."""

from bench.bench_flow import import_requests_row, minimum_import_requests


def test_minimum_is_three_calls_per_page_of_fifty():
    assert minimum_import_requests(1) == 3
    assert minimum_import_requests(50) == 3
    assert minimum_import_requests(51) == 6
    assert minimum_import_requests(2000) == 120


def test_request_lists_stand_apart_from_the_ratio():
    requests = {"order_sheets": 8, "acknowledge": 4, "order_sheet": 1, "return_requests": 8, "vendor": 2}

    row = import_requests_row(200, requests, rate_limited=0)

    size, lists, acks, reads, other, request_lists, total, minimum, ratio, per_order, limited = row
    assert (size, lists, acks, reads, other, request_lists) == (200, 8, 4, 1, 2, 8)
    assert (total, minimum, limited) == (23, 12, 0)
    assert ratio == (23 - 8) / 12
    assert per_order == 23 / 200
