from enum import StrEnum


class AccountsTransactionsListType(StrEnum):
    ADJUSTMENT = "adjustment"
    DEPOSIT = "deposit"
    FEE = "fee"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    WIRE_OUT = "wire_out"
    WIRE_REVERSAL = "wire_reversal"

    def __str__(self) -> str:
        return str(self.value)
