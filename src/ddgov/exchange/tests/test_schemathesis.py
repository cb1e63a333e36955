"""Schemathesis against the live gateway's own OpenAPI document: no 5xx, answers as documented.

Every operation of ``/x/openapi.json`` is exercised with positive and negative data, half of the
cases aimed at a registered service (so generated paths, purposes and bodies reach the path
matcher, the grant and purpose checks and the provider), half at generated identifiers, always
with a registered client's token.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ddgov.exchange.tests.factories import (
    ExternalServiceFactory,
    GrantFactory,
    PurposeFactory,
    SubsystemFactory,
)
from ddgov.exchange.tests.test_gateway import provider_openapi

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 30


def test_no_server_errors(exchange_server: str, provider_server: str, issue_token: Any) -> None:
    provider = SubsystemFactory(code="registry")
    service = ExternalServiceFactory(
        subsystem=provider, code="person", base_url=provider_server, openapi=provider_openapi()
    )
    consumer = SubsystemFactory(code="welfare")
    GrantFactory(
        service=service, client=consumer, purposes=[PurposeFactory(code="welfare-eligibility")]
    )
    headers = {
        "Authorization": f"Bearer {issue_token(consumer)}",
        "X-Road-Client": f"TH/GOV/{consumer.member.code}/welfare",
    }
    target = {"member": provider.member.code, "subsystem": "registry", "service": "person"}

    session = requests.Session()
    session.trust_env = False  # loopback only: no proxies from the environment
    schema = schemathesis.openapi.from_url(f"{exchange_server}/x/openapi.json", timeout=30)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9  # 4 directory + 5 call methods

    calls = 0
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in target.items() if k in names}
        strategies = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies.append(operation.as_strategy(mode))
            if fixed:
                strategies.append(operation.as_strategy(mode, path_parameters=fixed))
            if "path" in names:
                # Down to the provider: a real operation and a granted purpose.
                strategies.extend(
                    operation.as_strategy(
                        mode,
                        path_parameters={**fixed, "path": path},
                        headers={"X-Purpose": "welfare-eligibility"},
                    )
                    for path in ("echo", "search", "big")
                )

        @hypothesis.given(case=st.one_of(strategies))
        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        def exercise(case: Any) -> None:
            nonlocal calls
            response = case.call(
                base_url=exchange_server, session=session, headers=headers, timeout=30
            )
            calls += 1
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                response.text[:500],
            )
            case.validate_response(response, checks=CHECKS)

        exercise()
    assert calls >= len(operations) * 10
