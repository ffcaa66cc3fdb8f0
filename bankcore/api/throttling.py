"""DRF throttles that know clients by bankcore's one client-address function.

DRF's own ``get_ident`` trusts the whole X-Forwarded-For header when NUM_PROXIES is
unset, which lets every request pick its own identity. Every throttle here counts the
address that ``client_ip`` gives the audit log, by ``client_network`` like the login limiter.
"""

from rest_framework.throttling import ScopedRateThrottle

from bankcore.observability import client_ip, client_network


class ClientAddressScopedThrottle(ScopedRateThrottle):
    def get_ident(self, request) -> str:
        return client_network(client_ip(request.META))
