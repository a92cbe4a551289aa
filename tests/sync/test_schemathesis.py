"""Property-based API testing with Schemathesis against the served OpenAPI document (WSGI, no
network): no request the schema allows — or breaks — gets a 5xx, and every response conforms
to the document. Bounded to a few examples per operation so it runs in well under a minute."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from sync_support import make_api_app, make_community

from safezone.app_context import Database
from safezone.config import Settings
from safezone.sync import tokens

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.negative_data_rejection,
    schemathesis.checks.ignored_auth,
]


@pytest.fixture
def api_app(settings: Settings, database: Database, clock, now) -> Iterator[Flask]:
    with database.sessions() as s:
        make_community(s, now, residents=3)
        ticket = tokens.create_kiosk(s, "schemathesis", now=now, rng=random.Random(11))
        s.commit()
    app = make_api_app(settings, clock)
    token = app.test_client().post("/api/v1/enrol", json={"code": ticket.code}).json["token"]
    app.config["SYNC_TEST_TOKEN"] = token
    yield app
    app.extensions["safezone"].database.dispose()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_document(api_app: Flask, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    headers = {"Authorization": f"Bearer {api_app.config['SYNC_TEST_TOKEN']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"POST /api/v1/push", "GET /api/v1/roster"} <= {op.label for op in operations}
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=8, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
