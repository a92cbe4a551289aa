"""`--behind-proxy` configures waitress itself (no mock): a real waitress server believes
X-Forwarded-For/Proto from the trusted proxy address only, and without the flag from nobody."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from flask import Flask, jsonify, request
from waitress import create_server, wasyncore

from admin.cli import waitress_options

PORT = 5134


def _probe_app() -> Flask:
    app = Flask("probe")

    @app.get("/who")
    def who():
        return jsonify(addr=request.remote_addr, secure=request.is_secure)

    return app


@pytest.mark.parametrize(("behind_proxy", "proxy", "expected"), [
    (True, "127.0.0.1", {"addr": "203.0.113.7", "secure": True}),
    (False, "127.0.0.1", {"addr": "127.0.0.1", "secure": False}),
    (True, "192.0.2.1", {"addr": "127.0.0.1", "secure": False}),  # not the trusted proxy
])
def test_waitress_trusts_forwarded_headers_only_from_the_proxy(behind_proxy, proxy, expected):
    server = create_server(_probe_app(), host="127.0.0.1", port=PORT, threads=1,
                           **waitress_options(behind_proxy=behind_proxy, proxy=proxy))
    answers: list[dict] = []

    def ask() -> None:
        req = urllib.request.Request(f"http://127.0.0.1:{PORT}/who", headers={
            "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(req, timeout=10) as response:
            answers.append(json.load(response))

    client = threading.Thread(target=ask)
    client.start()
    try:
        while client.is_alive():  # serve in this thread until the client has its answer
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
    finally:
        client.join()
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)  # the listener and any channel still open
    assert answers == [expected]
