"""A requests transport that answers the client's calls with given bodies, one per call, in turn.

It lets a documented example go through the whole reading of the real client (status, business
code, paging, parsing) without a server.
"""

import json
from pathlib import Path

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "coupang_docs"


def doc_example(name):
    """The bytes of ``tests/fixtures/coupang_docs/<name>.json``, as Coupang would send them."""
    return (FIXTURES / f"{name}.json").read_bytes()


def doc_json(name):
    return json.loads(doc_example(name))


class CannedAnswers(BaseAdapter):
    """Answers each request with the next of ``bodies`` (HTTP 200, or ``(status, body)``); keeps
    the requests sent."""

    def __init__(self, *bodies):
        super().__init__()
        self._bodies = list(bodies)
        self.sent = []

    def send(self, request, **kwargs):
        if not self._bodies:
            raise AssertionError(f"unexpected call: {request.method} {request.url}")
        self.sent.append(request)
        answer = self._bodies.pop(0)
        status, content = answer if isinstance(answer, tuple) else (200, answer)
        response = requests.Response()
        response.status_code = status
        response._content = content
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json;charset=UTF-8"})
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


def answering(client, *bodies):
    """Mounts the answers on ``client``'s session and returns them (to read what was sent)."""
    answers = CannedAnswers(*bodies)
    client._session.mount("https://", answers)
    return answers
