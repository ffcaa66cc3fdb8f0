from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deeper than any body bankcore accepts, far below what Python's recursion can take
# when the parsed data is later walked (serializers, error rendering, fingerprints).
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit: too-deep input is a 400 ``parse_error``."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(self._too_deep()) from None
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(self._too_deep())
        return data

    @staticmethod
    def _too_deep() -> str:
        return f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep."


def _depth_exceeds(data, limit: int) -> bool:
    """Whether ``data`` nests lists and objects deeper than ``limit``, walked without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
