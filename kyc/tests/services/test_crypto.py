from cryptography.fernet import Fernet

from kyc import crypto


def test_the_embedded_default_makes_one_local_key_and_keeps_it(settings, tmp_path):
    settings.KYC_LOCAL_KEY_DIR = tmp_path
    first = crypto._local_key("kyc-encryption.key", Fernet.generate_key)
    again = crypto._local_key("kyc-encryption.key", Fernet.generate_key)
    assert first == again
    assert (tmp_path / "kyc-encryption.key").stat().st_mode & 0o777 == 0o600
    Fernet(first)  # a valid key


def test_the_national_id_hash_matches_any_spelling_of_the_same_number():
    assert crypto.lookup_hash("ab 12-34") == crypto.lookup_hash("AB1234")
    assert crypto.lookup_hash("AB1234") != crypto.lookup_hash("AB1235")


def test_encrypted_bytes_round_trip_and_hide_the_plaintext():
    token = crypto.encrypt(b"AB1234")
    assert b"AB1234" not in token
    assert crypto.decrypt(token) == b"AB1234"
