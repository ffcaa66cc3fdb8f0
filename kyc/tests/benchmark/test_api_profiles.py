"""What the KYC endpoints cost in SQL: status, profile, documents, writes and downloads."""

from kyc.models import KycDocument
from kyc.tests import files
from kyc.tests.helpers import PROFILE, upload


class TestStatus:
    def test_warm_status_read_runs_no_sql(self, customer_client, django_assert_num_queries):
        with django_assert_num_queries(2):
            customer_client.get("/api/kyc/status")
        with django_assert_num_queries(0):
            assert customer_client.get("/api/kyc/status").status_code == 200


class TestProfile:
    def test_get_profile_reads_one_row_and_shows_only_the_last_four(
        self, customer_client, django_assert_num_queries
    ):
        customer_client.put("/api/kyc/profile", PROFILE, format="json")
        with django_assert_num_queries(1):
            body = customer_client.get("/api/kyc/profile").json()
        assert body["national_id_last4"] == "5678"
        assert "national_id" not in body


class TestOwnership:
    def test_document_list_and_detail_query_counts(self, customer_client, django_assert_num_queries):
        for color in range(3):
            upload(customer_client, files.png(color=(color, 0, 0)), "selfie")
        with django_assert_num_queries(1):
            assert len(customer_client.get("/api/kyc/documents").json()["results"]) == 3
        document_id = KycDocument.objects.first().pk
        with django_assert_num_queries(1):
            assert customer_client.get(f"/api/kyc/documents/{document_id}").status_code == 200


class TestQueryCounts:
    def test_writes_and_the_file_download_run_a_fixed_number_of_queries(
        self, customer_client, assert_num_queries_excluding_savepoints
    ):
        with assert_num_queries_excluding_savepoints(5):
            customer_client.put("/api/kyc/profile", PROFILE, format="json")
        # One of them counts the customer's active documents against the cap.
        with assert_num_queries_excluding_savepoints(6):
            document_id = upload(customer_client, files.png(), "passport").json()["id"]
        upload(customer_client, files.jpeg(), "selfie")
        # Three of them screen the name: the newest list version, the matches already recorded
        # for the profile, and the screening's audit event. One reads the sanctioned
        # jurisdictions setting (cached afterwards) to screen residence and nationality. One
        # writes the kyc.submitted event.
        with assert_num_queries_excluding_savepoints(13):
            customer_client.post("/api/kyc/submit", {}, format="json")
        with assert_num_queries_excluding_savepoints(2):
            customer_client.get(f"/api/kyc/documents/{document_id}/file")
