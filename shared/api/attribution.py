"""Public API of donor attribution (GET /v1/objective/progress/contributor): the query and the
response, for the OpenAPI document; the body is built by metrics.domain.attribution and the
rule is docs/metrics.md, "Donor attribution"."""
from marshmallow import fields, validate

from shared.api.metrics import ProgressQuery
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema


class AttributionQuery(ProgressQuery):
    contributor = Text(validate=validate.Length(min=1, max=300),
                       metadata={"description": "only this contributor (as the grants service names it)"})


class ContributorOut(StrictSchema):
    contributor = Text()
    figures = fields.Dict(metadata={"description": "credited value of each summed figure (adds up exactly)"})
    paths = fields.List(fields.Dict(), metadata={
        "description": "contributor -> fund (contributed / fund_received = contributor_share) -> grant "
                       "(disbursed / programme_disbursed = grant_share) -> programme (results) -> credited"})
    links = fields.Dict(metadata={"description": "per figure: the URL of the results of the programmes credited "
                                                 "(the drill-down with `contributor=`; its summary explains it)"})


class AttributionOut(StrictSchema):
    plan_id = Text()
    as_of = Text(allow_none=True)
    today = Text()
    money = Text(metadata={"description": "the grant money results are attributed by: disbursed"})
    figures = fields.List(Text(), metadata={"description": "the attributed figures (the plan's sums)"})
    total = fields.Dict(metadata={"description": "each figure's value (= attributed + unattributed)"})
    attributed = fields.Dict()
    unattributed = fields.Dict()
    items = fields.List(fields.Nested(ContributorOut))
    unattributed_programmes = fields.List(fields.Dict(), metadata={
        "description": "programme, reason (no grant disbursed, several currencies, fund without receipts), figures"})
    updated_at = UTCDateTime(allow_none=True)
