from enum import StrEnum


class TransactionsListStatus(StrEnum):
    POSTED = "posted"

    def __str__(self) -> str:
        return str(self.value)
