from enum import StrEnum


class LevelEnum(StrEnum):
    BASIC = "basic"
    FULL = "full"

    def __str__(self) -> str:
        return str(self.value)
