from enum import StrEnum


class LedgerEntryOutputStatusEnum(StrEnum):
    POSTED = "posted"

    def __str__(self) -> str:
        return str(self.value)
