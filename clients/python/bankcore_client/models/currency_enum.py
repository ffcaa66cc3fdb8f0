from enum import StrEnum


class CurrencyEnum(StrEnum):
    CHF = "CHF"
    EUR = "EUR"
    GBP = "GBP"
    JPY = "JPY"
    KWD = "KWD"
    USD = "USD"

    def __str__(self) -> str:
        return str(self.value)
