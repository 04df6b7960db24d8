"""Valid programmes bodies and the steps to an approved result, for tests of any area that
need a programme (over RPC or over HTTP)."""
from shared.actors import SYSTEM

ORGANISATION = {"ref": "XM-TEST-1", "name": "Test partner", "type": "21"}
JINJA = {"name": "Jinja", "country": "UG"}
KISUMU = {"name": "Kisumu", "country": "KE"}
PERIOD = {"start": "2020-01-01", "end": "2020-06-30"}
_counter = iter(range(1, 10 ** 9))


def programme_body(title="Secondary cities of Lake Victoria", *, org=ORGANISATION, own_id=None, **changes):
    """A valid POST /v1/programmes body (country/city window, Uganda and Kenya, Jinja and
    Kisumu, the plan's two indicators); `changes` replace fields."""
    body = {"iati_identifier": f"{org['ref']}-{own_id or next(_counter)}", "reporting_org": org, "title": title,
            "funding_window": "country_city", "instrument": "country_programme",
            "themes": ["gender_equality"], "countries": ["UG", "KE"], "cities": [JINJA, KISUMU],
            "indicators": [{"code": "people_reached"}, {"code": "women_empowered"}]}
    body.update(changes)
    return body


def city_id(programme: dict, name: str) -> str:
    return next(c["id"] for c in programme["cities"] if c["name"] == name)


def result_body(programme: dict, value, *, city="Jinja", indicator="people_reached", period=PERIOD, **extra):
    return {"indicator": indicator, "city_id": city_id(programme, city), "period": dict(period), "value": value,
            **extra}


# --- over RPC (nameko ClusterRpcProxy) ---------------------------------------------------------

class _AsSystem:
    """The programmes service's RPC methods, called as the platform itself (`actor` SYSTEM
    unless the call names one): an RPC without an actor is refused."""

    def __init__(self, proxy):
        self._proxy = proxy

    def __getattr__(self, name):
        method = getattr(self._proxy, name)
        return lambda *args, **kwargs: method(*args, **{"actor": SYSTEM.to_wire(), **kwargs})


def programmes(rpc) -> _AsSystem:
    """`programmes(rpc).create_programme(body)`: rpc.programmes as the system."""
    return _AsSystem(rpc.programmes)

def started_over_rpc(rpc, body=None, **changes) -> dict:
    """A programme created and moved to implementation (results are reported from then on)."""
    programme = programmes(rpc).create_programme(body or programme_body(**changes))
    return programmes(rpc).change_status(programme["id"], {"status": "implementation"})


def approved_over_rpc(rpc, programme: dict, value, **kwargs) -> dict:
    result = programmes(rpc).create_result(programme["id"], result_body(programme, value, **kwargs))
    programmes(rpc).submit_result(result["id"], {})
    return programmes(rpc).approve_result(result["id"], {})
