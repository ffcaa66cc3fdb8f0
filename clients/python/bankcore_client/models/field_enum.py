from enum import StrEnum


class FieldEnum(StrEnum):
    BENEFICIARY_ADDRESS = "beneficiary_address"
    BENEFICIARY_COUNTRY = "beneficiary_country"
    BIC_COUNTRY = "bic_country"
    IBAN_COUNTRY = "iban_country"

    def __str__(self) -> str:
        return str(self.value)
