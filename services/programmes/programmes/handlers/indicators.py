"""Use cases of a programme's results framework: define, change and list its indicators.
A change of an indicator moves its programme in the sync order (`touch`)."""
from typing import Any

from programmes import domain
from programmes.access import programme_for, require_writer
from programmes.plans import corporate_titles
from programmes.views import indicator_view
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import InvalidInput, NotFound, validate
from shared.events.fields import utcnow

_indicator_in, _indicator_update = api.IndicatorIn(), api.IndicatorUpdate()


def define_indicator(uow: Any, programme_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    spec = validate(_indicator_in, data)
    now = utcnow()
    with uow:
        programme = programme_for(uow, programme_id, actor, for_update=True)
        programme.check_can_define()
        if uow.indicators.get(programme.id, spec["code"]) is not None:
            raise InvalidInput({"code": [f"{spec['code']!r} is already an indicator of this programme; "
                                         "PATCH it to change it"]})
        indicator = domain.define_indicator(programme.id, spec, corporate_titles=corporate_titles(), now=now,
                                            city_ids={c.id for c in programme.cities})
        indicator.defined(programme.ref(), previous=None, at=now)
        uow.indicators.add(uow.track(indicator))
        uow.programmes.touch(programme.id, now)
        uow.commit()
    return indicator_view(indicator)


def update_indicator(uow: Any, programme_id: Any, code: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    changes = validate(_indicator_update, data)
    now = utcnow()
    with uow:
        programme = programme_for(uow, programme_id, actor, for_update=True)
        programme.check_can_define()
        indicator = uow.indicators.get(programme.id, code) if isinstance(code, str) else None
        if indicator is None:
            raise NotFound("indicator", code)
        if not uow.track(indicator).change(changes, programme.ref(), now=now,
                                           city_ids={c.id for c in programme.cities}):
            return indicator_view(indicator)
        uow.indicators.save(indicator)
        uow.programmes.touch(programme.id, now)
        uow.commit()
    return indicator_view(indicator)


def list_indicators(uow: Any, programme_id: Any, *, actor: Actor) -> dict[str, Any]:
    with uow:
        programme = programme_for(uow, programme_id, actor)
        return {"items": [indicator_view(i) for i in uow.indicators.of(programme.id)]}
