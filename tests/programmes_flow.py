"""Valid programmes bodies and the steps to an approved result, for tests of any area that
need a programme (over RPC or over HTTP)."""

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

def started_over_rpc(rpc, body=None, **changes) -> dict:
    """A programme created and moved to implementation (results are reported from then on)."""
    programme = rpc.programmes.create_programme(body or programme_body(**changes))
    return rpc.programmes.change_status(programme["id"], {"status": "implementation"})


def approved_over_rpc(rpc, programme: dict, value, **kwargs) -> dict:
    result = rpc.programmes.create_result(programme["id"], result_body(programme, value, **kwargs))
    rpc.programmes.submit_result(result["id"], {})
    return rpc.programmes.approve_result(result["id"], {})
