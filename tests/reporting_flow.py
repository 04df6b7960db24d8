"""Reporting windows end to end (tests/e2e/test_reporting.py): the plans the platform runs with,
and requests its tests repeat."""
import os
from datetime import date, timedelta

import requests
import yaml
from lxml import etree

from shared.plan import PLANS_DIR
from tests.e2e.test_programmes import started
from tests.programmes_flow import PERIOD

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
SOON = (date.today() + timedelta(days=7)).isoformat()
LATER = {"start": "2022-01-01", "end": "2022-06-30"}   # under the 2022-2025 plan: open, the first level counts


def plan_files(tmp_path_factory, **later_reporting) -> str:
    """PLAN_FILES: the shipped plan with two levels counting at the secretariat's and 60 days'
    grace, and a plan for 2022-2025 (LATER periods) whose first approval level counts and which
    locks by approval only, unless `later_reporting` says otherwise."""
    shipped = yaml.safe_load((PLANS_DIR / "strategic-plan-2018-2021.yaml").read_text())
    later = {**shipped, "id": "strategic-plan-2022-2025", "period": {"start": "2022-01-01", "end": "2025-12-31"},
             "reporting": {"approval_levels": 2, "first_level_counts": True, **later_reporting}}
    shipped["reporting"] = {"grace_days": 60, "approval_levels": 2, "first_level_counts": False}
    paths = []
    for plan in (shipped, later):
        paths.append(tmp_path_factory.mktemp("plans") / f"{plan['id']}.yaml")
        paths[-1].write_text(yaml.safe_dump(plan))
    return os.pathsep.join(map(str, paths))


def reopened(partner, admin, org):
    programme = started(partner, org)
    admin.post(f"/v1/programmes/{programme['id']}/reopenings", {"period": PERIOD, "until": SOON, "reason": "late"})
    return programme


def upload(api, url, data, content_type, filename, expect=None):
    response = requests.post(api.base + url, params={"filename": filename}, data=data, timeout=15,
                             headers={"Authorization": f"Bearer {api.key}", "Content-Type": content_type})
    assert expect is None or response.status_code == expect, response.text
    return response


def events(api, types: str, programme_id: str) -> list:
    items = api.get("/v1/events", params={"type": types, "limit": 500})["items"]
    return [e for e in items if e["payload"].get("programme_id") == programme_id]


def exported_actuals(api, org, programme) -> list[str]:
    """The actual values the IATI export gives the programme's people_reached in LATER."""
    doc = etree.fromstring(api.call("GET", "/v1/iati/activities.xml", params={"organisation": org["ref"]},
                                    expect=200).content)
    found = next(a for a in doc.iter("iati-activity") if a.findtext("iati-identifier") == programme["iati_identifier"])
    return found.xpath(f".//indicator[reference/@code='people_reached']/period"
                       f"[period-start/@iso-date='{LATER['start']}']/actual/@value")
