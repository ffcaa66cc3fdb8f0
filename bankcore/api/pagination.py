import binascii
from base64 import b64decode
from urllib import parse

from rest_framework import serializers
from rest_framework.pagination import Cursor, CursorPagination

from bankcore.digits import LARGEST_ID, ascii_digits, ascii_whole_number
from bankcore.errors import InvalidCursor


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pagination on the primary key: the same cost on any page of any size table.

    The primary key is unique and increases with time, so paging never skips or repeats
    a row even while new rows arrive.

    A cursor or a page size the client made up is refused with a 400 before any query:
    a cursor's position is compared with the primary key in SQL, so it must be one.
    """

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        # An empty value is no value, as for every other query parameter (allowEmptyValue).
        requested = request.query_params.get(self.page_size_query_param)
        if not requested:
            return self.page_size
        if not ascii_digits(requested) or not requested.strip("0"):
            raise serializers.ValidationError(
                {self.page_size_query_param: [f"Send a whole number from 1 to {self.max_page_size}."]},
                code="invalid",
            )
        # Any larger number is capped, however many digits it has (int() would refuse 4,300).
        digits = requested.lstrip("0")
        if len(digits) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                # Larger sizes are capped, not refused: the schema states only the floor.
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page, 1 or more; at most {self.max_page_size} are sent."
                )
        return parameters

    def decode_cursor(self, request):
        # DRF's own decoding reads the offset and direction with int(), which takes any
        # Unicode digit a percent-escape smuggles in: every number in a cursor is ASCII here.
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = parse.parse_qs(
                b64decode(encoded.encode("ascii")).decode("ascii"), keep_blank_values=True
            )
        except (UnicodeError, binascii.Error, ValueError):
            raise InvalidCursor() from None
        offset = ascii_whole_number(tokens.get("o", ["0"])[0])
        reverse = tokens.get("r", ["0"])[0]
        position = tokens.get("p", [None])[0]
        if offset is None or reverse not in ("0", "1"):
            raise InvalidCursor()
        # The position is compared with the primary key in SQL, so it must be one.
        position_id = None if position is None else ascii_whole_number(position)
        if position is not None and (position_id is None or position_id > LARGEST_ID):
            raise InvalidCursor()
        return Cursor(offset=min(offset, self.offset_cutoff), reverse=reverse == "1", position=position)


class OldestFirstCursorPagination(NewestFirstCursorPagination):
    """For short lists read in the order they were made, such as a customer's accounts."""

    ordering = "id"


class RowsRead(list):
    """Rows already read for a first page, in the pagination's order and one more than the
    page (which tells whether a next page exists): a cursor pagination orders and slices
    them as it would a queryset, with no SQL."""

    def order_by(self, *fields):
        return self
