from enum import StrEnum


class AccountOutputKindEnum(StrEnum):
    CHECKING = "checking"
    SAVINGS = "savings"
    SYSTEM = "system"

    def __str__(self) -> str:
        return str(self.value)
