from enum import StrEnum


class RuleEnum(StrEnum):
    AMOUNT_THRESHOLD = "amount_threshold"
    DAILY_TOTAL_THRESHOLD = "daily_total_threshold"
    SANCTIONED_JURISDICTION = "sanctioned_jurisdiction"
    SANCTIONS_SCREENING = "sanctions_screening"
    UNVERIFIED_BIC = "unverified_bic"

    def __str__(self) -> str:
        return str(self.value)
