from enum import StrEnum


class AccountOpenInputKindEnum(StrEnum):
    CHECKING = "checking"
    SAVINGS = "savings"

    def __str__(self) -> str:
        return str(self.value)
