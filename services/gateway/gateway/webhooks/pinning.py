"""An HTTP session that connects to the address the policy checked instead of resolving the
URL's host again (DNS rebinding), while the request still names the host: Host header, TLS
SNI and certificate verification are for the name in the URL, as if it had been resolved.

Or, when operators set WEBHOOK_EGRESS_PROXY, every delivery goes through that proxy and the
proxy connects by name: it is then the proxy's job to refuse private networks."""
import requests
from requests.adapters import HTTPAdapter

from gateway.webhooks.policy import Target


class PinnedAdapter(HTTPAdapter):
    """Connects to `request.pinned` (a Target) when the request carries one."""

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        target: Target | None = getattr(request, "pinned", None)
        if target is not None:
            host_params["host"] = str(target.addresses[0])
            if host_params["scheme"] == "https":
                pool_kwargs["server_hostname"] = target.host
                pool_kwargs["assert_hostname"] = target.host
        return host_params, pool_kwargs

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        target: Target | None = getattr(request, "pinned", None)
        if target is not None:
            # urllib3 would name the connection's host (the address); the server wants the URL's
            default = {"http": 80, "https": 443}[requests.utils.urlparse(request.url).scheme]
            host = f"[{target.host}]" if ":" in target.host else target.host
            request.headers["Host"] = host if target.port == default else f"{host}:{target.port}"
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)


def session(egress_proxy: str | None = None) -> requests.Session:
    """The deliveries' session: pinned connections, or all through `egress_proxy`."""
    http = requests.Session()
    http.trust_env = False  # no proxies or .netrc from the environment
    adapter = PinnedAdapter()
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    if egress_proxy:
        http.proxies = {"http": egress_proxy, "https": egress_proxy}
    return http


def post(http: requests.Session, target: Target, **kwargs) -> requests.Response:
    """POST to `target`, over the checked address unless an egress proxy carries it."""
    prepared = http.prepare_request(requests.Request("POST", target.url, headers=kwargs.pop("headers", None),
                                                     data=kwargs.pop("data", None)))
    if not http.proxies:
        prepared.pinned = target  # type: ignore[attr-defined]
    # stream: the body is never read (nothing of it is kept or shown)
    return http.send(prepared, proxies=http.proxies, allow_redirects=False, stream=True, **kwargs)
