from enum import StrEnum


class TransferOutputStatusEnum(StrEnum):
    COMPLETED = "completed"

    def __str__(self) -> str:
        return str(self.value)
