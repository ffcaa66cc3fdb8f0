from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pagination on the primary key: the same cost on any page of any size table.

    The primary key is unique and increases with time, so paging never skips or repeats
    a row even while new rows arrive.
    """

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class OldestFirstCursorPagination(NewestFirstCursorPagination):
    """For short lists read in the order they were made, such as a customer's accounts."""

    ordering = "id"
