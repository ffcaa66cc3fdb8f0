from accounts.cache import request_scopes
from bankcore.cache import prefetch


class CachePrefetchMiddleware:
    """Fetch every cache generation a request will need in one round trip, before its view.

    A warm balance read then costs one Redis call in all: the session's and the account's
    generations together, with the values themselves in this process's memory.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scopes = request_scopes(request, view_func, view_kwargs)
        if scopes:
            prefetch(*scopes)
