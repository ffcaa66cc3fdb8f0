"""Queries per request (docs/api.md): each row's request is made in the state it names and
its SQL statements counted."""

import pytest

from bankcore.tests.helpers import QUERY_COUNT_CASES, documented_query_counts


@pytest.mark.django_db
@pytest.mark.parametrize("row", sorted(QUERY_COUNT_CASES), ids=" ".join)
def test_each_documented_query_count_is_what_the_request_runs(
    row,
    django_assert_num_queries,
    client,
    api_client,
    customer,
    customer_client,
    bearer_client,
    funded_account,
    transfer,
):
    documented = documented_query_counts()[row]
    prepare, requests = QUERY_COUNT_CASES[row]
    fixtures = {
        "client": client,
        "api_client": api_client,
        "customer": customer,
        "customer_client": customer_client,
        "bearer_client": bearer_client,
        "funded_account": funded_account,
        "transfer": transfer,
    }
    request = prepare(fixtures)
    with django_assert_num_queries(documented * requests):
        responses = request()
    for response in responses if isinstance(responses, tuple) else (responses,):
        assert response.status_code == 200, response.content
