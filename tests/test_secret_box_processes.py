"""Servers starting at once on a fresh data directory: every process must end with the same key."""

import multiprocessing

from ec_coupang.tools import secret_box

PROCESSES = 6
TRIALS = 10


def _create_after_all_started(path, started, keys):
    started.wait()
    keys.put(secret_box._load_or_create_key_file(path))


def test_processes_creating_the_key_file_at_once_all_read_the_same_key(tmp_path):
    context = multiprocessing.get_context("fork")
    for trial in range(TRIALS):
        path = str(tmp_path / str(trial) / "ec_coupang" / "encryption.key")
        started, keys = context.Barrier(PROCESSES), context.Queue()
        processes = [
            context.Process(target=_create_after_all_started, args=(path, started, keys)) for _ in range(PROCESSES)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [process.exitcode for process in processes] == [0] * PROCESSES
        with open(path, "rb") as key_file:
            stored = key_file.read()
        assert [keys.get(timeout=5) for _ in range(PROCESSES)] == [stored] * PROCESSES
