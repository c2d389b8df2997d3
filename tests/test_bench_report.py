"""The benchmark's requests row: the request lists apart from the minimum and its ratio."""

from bench.bench_flow import floor_halves_row, import_requests_row, joined, minimum_import_requests


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


def test_the_floor_s_halves_add_their_times_and_keep_the_higher_peak():
    first = {
        "seconds": 10.0,
        "cpu_seconds": 9.0,
        "sandbox_cpu_seconds": 0.0,
        "orders": 500,
        "peak_kib": 10,
        "load": 1.0,
    }
    second = {
        "seconds": 12.0,
        "cpu_seconds": 11.0,
        "sandbox_cpu_seconds": 0.0,
        "orders": 500,
        "peak_kib": 8,
        "load": 1.2,
    }

    floor = joined(first, second)

    assert floor == {
        "seconds": 22.0,
        "cpu_seconds": 20.0,
        "sandbox_cpu_seconds": 0.0,
        "orders": 1000,
        "peak_kib": 10,
        "load": 1.2,
    }
    assert floor_halves_row(1000, (first, second)) == (1000, 18.0, 22.0, 22.0 / 18.0)
