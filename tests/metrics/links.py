"""Following a drill-down link of the progress API (docs/metrics.md, "Drill-down") without the
gateway: the figure, plan, as_of and filters of its URL, passed to `metrics.drilldown`."""
from urllib.parse import parse_qsl, unquote, urlsplit

from metrics import domain, drilldown

PREFIX, SUFFIX = "/v1/objective/progress/figures/", "/results"


def follow(uow, link, actor, *, limit=200):
    url = urlsplit(link)
    assert url.path.startswith(PREFIX) and url.path.endswith(SUFFIX), link
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    return drilldown.list_results(uow, unquote(url.path[len(PREFIX):-len(SUFFIX)]), query.pop("plan"),
                                  query.pop("as_of", None), actor=actor, limit=limit, filters=query)


def same(a, b):
    """Equal figures, whatever their form (an integer or a Decimal string)."""
    return domain.scale_value(a) == domain.scale_value(b)
