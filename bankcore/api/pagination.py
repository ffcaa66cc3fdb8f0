import re

from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from bankcore.errors import InvalidCursor

_WHOLE_NUMBER = re.compile(r"[0-9]+")
_LARGEST_ID = 2**63 - 1


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
        if not _WHOLE_NUMBER.fullmatch(requested) or int(requested) == 0:
            raise serializers.ValidationError(
                {self.page_size_query_param: [f"Send a whole number from 1 to {self.max_page_size}."]},
                code="invalid",
            )
        return min(int(requested), self.max_page_size)

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
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise InvalidCursor() from None
        position = cursor.position if cursor is not None else None
        if position is not None and not (_WHOLE_NUMBER.fullmatch(position) and int(position) <= _LARGEST_ID):
            raise InvalidCursor()
        return cursor


class OldestFirstCursorPagination(NewestFirstCursorPagination):
    """For short lists read in the order they were made, such as a customer's accounts."""

    ordering = "id"
