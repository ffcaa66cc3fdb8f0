from enum import StrEnum


class ChargeBearerEnum(StrEnum):
    CRED = "CRED"
    DEBT = "DEBT"
    SHAR = "SHAR"

    def __str__(self) -> str:
        return str(self.value)
