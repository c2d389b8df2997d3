"""Replays a store's recorded Coupang exchanges (files of ``ec_coupang.coupang.recorder``).

    with ReplayServer("recorded/TW-1") as replay:
        client = CoupangClient(vendor_id, "any", "any", base_url=replay.base_url, market="TW")

A request is answered with the response recorded for the same method, path, query and request
body; requests met several times are answered in the recorded order, the last answer again once
they are used up. Anything not recorded is refused with 404. The keys were cut out of the files,
so signatures are not checked; the recorded Vendor ID (or its placeholder) is in the paths.

Run on its own: ``python -m coupang_sandbox.replay FOLDER [--port 8766]``.
"""

import argparse
import json
import threading
from collections import defaultdict
from http.server import ThreadingHTTPServer
from pathlib import Path

from .server import _Handler

NOT_RECORDED_STATUS = 404


def _key(method, path, query, body):
    return method, path, query or "", json.dumps(body, sort_keys=True, ensure_ascii=False)


def _encoded(body):
    if body is None:
        return b""
    return body.encode("utf-8") if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode("utf-8")


def load_exchanges(folder):
    """The recorded exchanges of ``folder``, in the order they were recorded (their names sort so)."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.json"))]


class Recording:
    """The recorded answers by request; thread-safe."""

    def __init__(self, exchanges):
        self._answers = defaultdict(list)
        for exchange in exchanges:
            key = _key(exchange["method"], exchange["path"], exchange["query"], exchange.get("request_body"))
            self._answers[key].append((exchange["status"], _encoded(exchange.get("response_body"))))
        self._lock = threading.Lock()

    def answer(self, method, path, query, body):
        """``(status, body)`` recorded for this request, or ``None`` when it was not recorded."""
        with self._lock:
            answers = self._answers.get(_key(method, path, query, body))
            if not answers:
                return None
            return answers.pop(0) if len(answers) > 1 else answers[0]


class _ReplayHandler(_Handler):
    """The sandbox's handler, answering from the recording instead of the sandbox."""

    def _serve(self):
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        answer = self.server.recording.answer(self.command, path, query, body)
        if answer is None:
            message = f"Not recorded: {self.command} {self.path}"
            answer = (NOT_RECORDED_STATUS, json.dumps({"code": NOT_RECORDED_STATUS, "message": message}).encode())
        status, content = answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)


class ReplayServer(ThreadingHTTPServer):
    """An HTTP server on loopback answering with the exchanges recorded in ``folder``; it serves
    while in its ``with`` block."""

    daemon_threads = True

    def __init__(self, folder, *, host="127.0.0.1", port=0):
        super().__init__((host, port), _ReplayHandler)
        self.recording = Recording(load_exchanges(folder))

    def __enter__(self):
        threading.Thread(target=self.serve_forever, args=(0.05,), name="coupang-replay", daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.shutdown()
        self.server_close()

    @property
    def base_url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def main():
    parser = argparse.ArgumentParser(description="Replay recorded Coupang exchanges on loopback.")
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=8766)
    options = parser.parse_args()
    with ReplayServer(options.folder, port=options.port) as server:
        print(f"Replaying {options.folder} on {server.base_url}; Ctrl-C stops.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
