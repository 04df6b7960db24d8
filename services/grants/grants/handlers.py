"""Use cases of the grants service, as plain functions of a unit of work."""
from shared.errors import NotFound, validate
from shared.events.fields import utcnow
from grants import domain, schemas

_grant_in, _grant_out = schemas.GrantInput(), schemas.GrantOut()


def _view(grant: domain.Grant) -> dict:
    return _grant_out.dump({**grant.__dict__, "amount": {"amount": grant.amount, "currency": grant.currency}})


def award_grant(uow, data: dict) -> dict:
    fields = validate(_grant_in, data)
    grant = domain.Grant.award(**fields, now=utcnow())
    with uow:
        uow.grants.add(grant)
        uow.emit("grant.awarded", {
            "grant_id": grant.id, "programme_id": grant.programme_id, "recipient": grant.recipient,
            "amount": grant.amount, "currency": grant.currency, "awarded_at": grant.awarded_at})
        uow.commit()
    return _view(grant)


def get_grant(uow, grant_id: str) -> dict:
    with uow:
        grant = uow.grants.get(grant_id)
        if grant is None:
            raise NotFound("grant", grant_id)
        return _view(grant)
