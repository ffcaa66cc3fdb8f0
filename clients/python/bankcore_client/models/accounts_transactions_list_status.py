from enum import StrEnum


class AccountsTransactionsListStatus(StrEnum):
    POSTED = "posted"

    def __str__(self) -> str:
        return str(self.value)
