"""The gateway's HTTP API as platformctl uses it: the admin key as a bearer key, one line per
failure (the gateway unreachable, or its problem+json answer with the fields it names)."""
import argparse
from collections.abc import Iterator
from typing import Any

import requests

from platformctl.errors import CtlError

TIMEOUT = 30.0


class Gateway:
    def __init__(self, base_url: str, key: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        if key:
            self.session.headers["Authorization"] = f"Bearer {key}"

    @classmethod
    def from_args(cls, args: argparse.Namespace, *, key_required: bool = True) -> "Gateway":
        if key_required and not args.admin_key:
            raise CtlError("no API key: set PLATFORM_ADMIN_KEY or pass --admin-key")
        return cls(args.gateway, args.admin_key)

    def request(self, method: str, path: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else self.base_url + path
        kwargs.setdefault("timeout", TIMEOUT)
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.ConnectionError:
            raise CtlError(f"the gateway at {self.base_url} does not answer (set PLATFORM_URL or --gateway)") from None
        except requests.Timeout:
            raise CtlError(f"the gateway at {self.base_url} did not answer within {TIMEOUT:g}s") from None
        if response.status_code not in ok:
            raise CtlError(problem_line(response))
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated list, following its `next` links."""
        page = self.json("GET", path, params=params)
        yield from page["items"]
        while page.get("next"):
            page = self.json("GET", page["next"])
            yield from page["items"]


def problem_line(response: requests.Response) -> str:
    """`HTTP 422: <detail> (field: message; ...)` from a problem+json answer, else its status."""
    try:
        problem = response.json()
    except ValueError:
        return f"the gateway answered HTTP {response.status_code}"
    if not isinstance(problem, dict):
        return f"the gateway answered HTTP {response.status_code}"
    line = f"HTTP {response.status_code}: {problem.get('detail') or problem.get('title', '')}"
    fields = [f"{e.get('field')}: {' '.join(map(str, e.get('messages', [])))}" for e in problem.get("errors", [])
              if isinstance(e, dict) and "field" in e]
    if fields:
        line += f" ({'; '.join(fields)})"
    if response.headers.get("Retry-After"):
        line += f"; retry after {response.headers['Retry-After']}s"
    return line
