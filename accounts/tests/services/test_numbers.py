from accounts.numbers import account_number_generate, account_number_is_valid


def test_generated_numbers_are_twelve_digits_with_valid_check_digits():
    numbers = {account_number_generate() for _ in range(200)}
    assert all(len(number) == 12 and number.isdigit() for number in numbers)
    assert all(account_number_is_valid(number) for number in numbers)


def test_numbers_with_check_digits_97_and_98_stay_valid():
    # Numbers already issued keep their check digits, at the top of MOD 97-10's range too.
    assert account_number_is_valid("100000003197")
    assert account_number_is_valid("100000006398")


def test_letters_spaces_and_other_lengths_are_refused():
    for number in ("12345678909A", "1234 5678 9092", "12345678909", "1234567890920", "", None):
        assert not account_number_is_valid(number)
    assert account_number_is_valid("123456789092")
