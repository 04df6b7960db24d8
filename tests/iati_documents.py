"""Small IATI 2.03 documents for the import's tests and benchmark: schema-valid activities
with valid codes, built as text so a test can break exactly one thing."""
from pathlib import Path

SAMPLES = Path(__file__).parent / "data" / "iati"


def activity(identifier: str, org: str = "XM-IMP", *, country: str = "KE", city: str = "Kisumu",
             status: str = "2", extra: str = "", title: str = "Imported programme", periods: int = 1) -> str:
    """One activity of `org` in `city` with one indicator and `periods` quarters of actuals."""
    period = "".join(
        f'<period><period-start iso-date="{2023 + q // 4}-{1 + 3 * (q % 4):02d}-01"/>'
        f'<period-end iso-date="{2023 + q // 4}-{3 + 3 * (q % 4):02d}-28"/><target value="100"/>'
        f'<actual value="{40 + q}"><dimension name="reach" value="direct"/></actual>'
        f'<actual value="{20 + q}"><dimension name="sex" value="female"/></actual></period>' for q in range(periods))
    return f"""<iati-activity default-currency="USD" last-updated-datetime="2024-01-01T00:00:00Z" hierarchy="1">
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="{org}" type="21"><narrative>Importing organisation</narrative></reporting-org>
  <title><narrative>{title}</narrative></title>
  <description type="1"><narrative>A programme from a file.</narrative></description>
  <participating-org ref="{org}" role="4" type="21"><narrative>Importing organisation</narrative></participating-org>
  <activity-status code="{status}"/>
  <activity-date type="1" iso-date="2023-01-01"/>
  <activity-date type="3" iso-date="2026-12-31"/>
  <recipient-country code="{country}" percentage="100"/>
  <location ref="{country}-{city[:3].upper()}"><name><narrative>{city}</narrative></name>
   <point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>-0.1 34.75</pos></point></location>
  <sector vocabulary="1" code="43030" percentage="100"/>
  <policy-marker vocabulary="1" code="1" significance="1"/>
  <budget type="1" status="1"><period-start iso-date="2023-01-01"/><period-end iso-date="2023-12-31"/>
   <value currency="USD" value-date="2023-01-01">50000</value></budget>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2023-02-01"/>
   <value currency="USD" value-date="2023-02-01">20000</value>
   <provider-org ref="{org}"><narrative>Importing organisation</narrative></provider-org></transaction>
  {extra}
  <result type="1" aggregation-status="1"><title><narrative>People reached</narrative></title>
   <indicator measure="1" ascending="1"><title><narrative>People reached</narrative></title>
    <reference vocabulary="99" code="people_reached"/>
    <baseline year="2022" iso-date="2022-01-01" value="10"/>{period}</indicator></result>
</iati-activity>"""


def document(*activities: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03" '
            'generated-datetime="2024-01-01T00:00:00Z">\n' + "\n".join(activities) + "\n</iati-activities>\n").encode()
