"""Contains all the data models used in inputs/outputs"""

from .account_open_input_kind_enum import AccountOpenInputKindEnum
from .account_open_input_request import AccountOpenInputRequest
from .account_output import AccountOutput
from .account_output_kind_enum import AccountOutputKindEnum
from .account_output_status_enum import AccountOutputStatusEnum
from .accounts_transactions_list_status import AccountsTransactionsListStatus
from .accounts_transactions_list_type import AccountsTransactionsListType
from .amount_limit import AmountLimit
from .balance_output import BalanceOutput
from .charge_bearer_enum import ChargeBearerEnum
from .count_limit import CountLimit
from .country_enum import CountryEnum
from .currency_enum import CurrencyEnum
from .customer_limits import CustomerLimits
from .document_type_enum import DocumentTypeEnum
from .error import Error
from .error_fields import ErrorFields
from .event_object import EventObject
from .event_output import EventOutput
from .events_list_type import EventsListType
from .field_enum import FieldEnum
from .field_error import FieldError
from .kyc_document_output import KycDocumentOutput
from .kyc_document_status_enum import KycDocumentStatusEnum
from .kyc_document_upload_request import KycDocumentUploadRequest
from .kyc_profile_input_request import KycProfileInputRequest
from .kyc_profile_output import KycProfileOutput
from .kyc_status_enum import KycStatusEnum
from .kyc_status_output import KycStatusOutput
from .kyc_submit_input_request import KycSubmitInputRequest
from .ledger_entry_output import LedgerEntryOutput
from .ledger_entry_output_status_enum import LedgerEntryOutputStatusEnum
from .level_enum import LevelEnum
from .login_input_request import LoginInputRequest
from .ops_cache_stats_retrieve_response_200 import OpsCacheStatsRetrieveResponse200
from .paginated_account_output_list import PaginatedAccountOutputList
from .paginated_event_output_list import PaginatedEventOutputList
from .paginated_kyc_document_output_list import PaginatedKycDocumentOutputList
from .paginated_ledger_entry_output_list import PaginatedLedgerEntryOutputList
from .paginated_transfer_output_list import PaginatedTransferOutputList
from .paginated_wire_output_list import PaginatedWireOutputList
from .password_change_input_request import PasswordChangeInputRequest
from .register_input_request import RegisterInputRequest
from .review_reason import ReviewReason
from .rule_enum import RuleEnum
from .session_output import SessionOutput
from .transactions_list_status import TransactionsListStatus
from .transactions_list_type import TransactionsListType
from .transfer_input_request import TransferInputRequest
from .transfer_output import TransferOutput
from .transfer_output_status_enum import TransferOutputStatusEnum
from .type_enum import TypeEnum
from .user_output import UserOutput
from .wire_currency_stats import WireCurrencyStats
from .wire_input_request import WireInputRequest
from .wire_limits import WireLimits
from .wire_output import WireOutput
from .wire_output_status_enum import WireOutputStatusEnum
from .wire_stats import WireStats
from .wire_summary import WireSummary
from .wire_transfers_list_status import WireTransfersListStatus

__all__ = (
    "AccountOpenInputKindEnum",
    "AccountOpenInputRequest",
    "AccountOutput",
    "AccountOutputKindEnum",
    "AccountOutputStatusEnum",
    "AccountsTransactionsListStatus",
    "AccountsTransactionsListType",
    "AmountLimit",
    "BalanceOutput",
    "ChargeBearerEnum",
    "CountLimit",
    "CountryEnum",
    "CurrencyEnum",
    "CustomerLimits",
    "DocumentTypeEnum",
    "Error",
    "ErrorFields",
    "EventObject",
    "EventOutput",
    "EventsListType",
    "FieldEnum",
    "FieldError",
    "KycDocumentOutput",
    "KycDocumentStatusEnum",
    "KycDocumentUploadRequest",
    "KycProfileInputRequest",
    "KycProfileOutput",
    "KycStatusEnum",
    "KycStatusOutput",
    "KycSubmitInputRequest",
    "LedgerEntryOutput",
    "LedgerEntryOutputStatusEnum",
    "LevelEnum",
    "LoginInputRequest",
    "OpsCacheStatsRetrieveResponse200",
    "PaginatedAccountOutputList",
    "PaginatedEventOutputList",
    "PaginatedKycDocumentOutputList",
    "PaginatedLedgerEntryOutputList",
    "PaginatedTransferOutputList",
    "PaginatedWireOutputList",
    "PasswordChangeInputRequest",
    "RegisterInputRequest",
    "ReviewReason",
    "RuleEnum",
    "SessionOutput",
    "TransactionsListStatus",
    "TransactionsListType",
    "TransferInputRequest",
    "TransferOutput",
    "TransferOutputStatusEnum",
    "TypeEnum",
    "UserOutput",
    "WireCurrencyStats",
    "WireInputRequest",
    "WireLimits",
    "WireOutput",
    "WireOutputStatusEnum",
    "WireStats",
    "WireSummary",
    "WireTransfersListStatus",
)
