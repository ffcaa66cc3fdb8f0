from rest_framework.negotiation import DefaultContentNegotiation

# What clients of a JSON API send, or nothing: these need no parsing of media types.
_PLAIN_ACCEPT = frozenset({"", "*/*", "application/json"})


class JSONFirstContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with the answer to a plain Accept header known in advance.

    Almost every API request accepts JSON in one of a few spellings (or says nothing); for
    those, the first renderer (JSON) is chosen without parsing the header and walking every
    renderer's media types, which cost 4% of a cached read's CPU. Any other Accept header,
    a ``format`` suffix or query parameter goes through DRF's full negotiation, so a client
    that accepts only HTML still gets its 406.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "")
        if (
            format_suffix is None
            and accept in _PLAIN_ACCEPT
            # No query string, no format parameter: asked first, as parsing one costs more
            # than the rest of this check.
            and (
                not request.META.get("QUERY_STRING")
                or self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            )
            and renderers
            and renderers[0].media_type == "application/json"
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
