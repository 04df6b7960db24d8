"""The live dashboard (/dashboard) as a person uses it, in a real headless Chromium, over the
whole platform (one SQLite platform, two plans, the demo data of scripts/dashboard_demo.py):
no console error and no request to another host; the figures the API returns; an approval
on screen within a second without a reload; reconnection; the cities on the map; screenshots
at phone and laptop width (tests/artifacts/); no WCAG 2.1 A/AA violation (axe-core); the
keyboard; a one-page print; the plan selector and the as-of date. And the live stream itself,
over HTTP: open streams hold no worker, and are bounded; Last-Event-ID."""
import os
import re
import socket
import time
from urllib.parse import urlparse

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from scripts import dashboard_demo
from tests.e2e import browser
from tests.e2e.conftest import ADMIN_KEY, running_platform

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
MAX_STREAMS = 60          # above the gateway's 50 nameko workers: streams must not need one each
# A second plan (after the first by id: the first stays the default), for the plan selector.
NEXT_PLAN = """
id: strategic-plan-2022-2025
title: Strategic Plan 2022-2025
period: {start: "2022-01-01", end: "2025-12-31"}
objective:
  statement: Reach 5000 people in more than 2 cities by 2025.
  deadline: "2025-12-31"
  targets:
    - {code: people, title: People, indicator: people_reached, measure: sum, comparison: at_least, value: 5000}
    - {code: cities, title: Cities, indicator: "*", measure: distinct_cities, comparison: more_than, value: 2}
indicators:
  - {code: people_reached, title: People}
themes: [{code: gender_equality, title: Gender}, {code: resilience_climate, title: Resilience}]
windows: [{code: global, title: Global}, {code: country_city, title: Country/City}]
"""
COUNTRY_NAMES = {"UG": "Uganda", "KE": "Kenya", "GH": "Ghana", "BD": "Bangladesh", "PE": "Peru"}   # the demo's
STREAM_SECONDS = 8        # a stream's lifetime here (DASHBOARD_STREAM_SECONDS): they end and are reopened
LIVE_WITHIN = 1.0         # seconds from the approval's answer to the figure on screen (the bound)


@pytest.fixture(scope="module")
def dashboard(request, vhost_factory, postgres_database_factory, tmp_path_factory):
    """(gateway URL, the demo's programmes by country) on a platform with two plans."""
    from shared import plan
    second = tmp_path_factory.mktemp("plans") / "next.yaml"
    second.write_text(NEXT_PLAN)
    plan_files = os.pathsep.join([str(plan.PLANS_DIR / "strategic-plan-2018-2021.yaml"), str(second)])
    with running_platform("sqlite", vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session, PLAN_FILES=plan_files, DASHBOARD_MAX_STREAMS=str(MAX_STREAMS),
                          DASHBOARD_HEARTBEAT_SECONDS="1",
                          DASHBOARD_STREAM_SECONDS=str(STREAM_SECONDS)) as base:
        yield base, dashboard_demo.load(base, ADMIN_KEY)


@pytest.fixture(scope="module")
def chromium():
    reason = browser.missing()
    if reason:
        pytest.skip(reason)
    driver = browser.start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def page(dashboard, chromium):
    """The dashboard loaded and drawn (every section read once), with its logs emptied."""
    base, _ = dashboard
    chromium.get_log("browser"), chromium.get_log("performance")
    chromium.set_window_size(1366, 900)
    chromium.get(f"{base}/dashboard")
    wait_until(chromium, lambda d: d.execute_script(
        "return document.body.dataset.refreshed && document.body.dataset.stream === 'open'"), 15)
    return chromium


def wait_until(driver, condition, seconds):
    return WebDriverWait(driver, seconds, poll_frequency=0.02).until(condition)


def api(base, path, **params):
    response = requests.get(base + path, params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def on_screen(driver, target, field):
    return driver.find_element(By.CSS_SELECTOR, f'[data-target="{target}"] [data-field="{field}"]')


def shown(driver, target, field):
    """(raw value, text on screen) of a target's field, read at once (the page redraws it live)."""
    return driver.execute_script(
        "const e = document.querySelector(`[data-target='${arguments[0]}'] [data-field='${arguments[1]}']`);"
        "return e && [e.dataset.value, e.textContent];", target, field)


def test_the_page_loads_with_no_console_error_and_no_request_to_another_host(dashboard, page):
    base, _ = dashboard
    assert browser.console_errors(page) == []
    urls = browser.requested_urls(page)
    assert f"{base}/dashboard/assets/dashboard.js" in urls and f"{base}/dashboard/assets/world-110m.json" in urls
    assert browser.foreign(urls, base) == []
    resources = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and browser.foreign(resources, base) == []


def test_the_figures_on_screen_are_the_apis(dashboard, page):
    base, _ = dashboard
    progress = api(base, "/v1/objective/progress")
    for target in progress["targets"]:
        for field, key in (("value", "value"), ("target", "target"), ("projected", "projected_at_deadline"),
                           ("status", "status"), ("share", "share")):
            element = on_screen(page, target["code"], field)
            assert element.get_attribute("data-value") == str(target[key]), (target["code"], field)
        assert on_screen(page, target["code"], "value").text == f"{target['value']:,}"   # en-US, as Chromium runs
    people = next(t for t in progress["targets"] if t["code"] == "people_reached")
    assert on_screen(page, "people_reached", "direct").text == f"{people['direct']:,}"
    assert on_screen(page, "people_reached", "indirect").text == f"{people['indirect']:,}"

    funds = page.find_elements(By.CSS_SELECTOR, "#funds-table tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "th").text for r in funds] == [f["currency"] for f in progress["funds"]]
    pooled = funds[0].find_elements(By.CSS_SELECTOR, "td")[0]
    assert pooled.get_attribute("data-value") == progress["funds"][0]["pooled"]
    assert pooled.text == "${:,.2f}".format(float(progress["funds"][0]["pooled"]))

    pipeline = api(base, "/v1/objective/pipeline")
    rows = page.find_elements(By.CSS_SELECTOR, "#pipeline-table tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "th").text for r in rows] == [f["title"] for f in pipeline["figures"]]
    assert [r.find_elements(By.CSS_SELECTOR, "td")[2].get_attribute("data-value") for r in rows] \
        == [str(f["with_pipeline"]) for f in pipeline["figures"]]

    for dimension in ("theme", "window", "country", "city", "sdg_goal"):
        Select(page.find_element(By.ID, "dimension")).select_by_value(dimension)
        selector = f'#breakdown-table[data-dimension="{dimension}"]'
        table = wait_until(page, lambda d, selector=selector: d.find_element(By.CSS_SELECTOR, selector), 5)
        items = [i for i in api(base, f"/v1/objective/progress/{dimension}")["items"] if i["key"] is not None]
        rows = [(r.find_element(By.CSS_SELECTOR, "th"), r.find_elements(By.CSS_SELECTOR, "td"))
                for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
        assert {th.get_attribute("data-value"): tds[0].get_attribute("data-value") for th, tds in rows} \
            == {i["key"]: str(i["figures"]["people_reached"]["value"]) for i in items}, dimension
        names = {th.get_attribute("data-value"): th.text for th, _ in rows}
        for item in items:   # named for a reader: countries by name (en-US here), goals as "SDG n"
            expected = {"country": COUNTRY_NAMES.get(item["key"]), "sdg_goal": f"SDG {item['key']}"}.get(
                dimension, item["name"] or item["key"])
            assert names[item["key"]] == expected, (dimension, item)


def test_an_approval_is_on_screen_within_a_second_without_a_reload(dashboard, page):
    base, programmes = dashboard
    page.execute_script("window.notReloaded = true")
    before = int(shown(page, "people_reached", "value")[0])
    approve = dashboard_demo.Api(base, ADMIN_KEY)
    ghana = programmes["GH"]
    approved = dashboard_demo.approve(approve, ghana, "Tamale", 4321, ("2020-07-01", "2020-12-31"))
    answered = time.monotonic()
    assert approved["status"] == "approved"
    expected = str(before + 4321)
    wait_until(page, lambda d: shown(d, "people_reached", "value")[0] == expected, LIVE_WITHIN)
    latency = time.monotonic() - answered
    print(f"\napproval answered -> figure on screen: {latency * 1000:.0f} ms")
    assert shown(page, "people_reached", "value") == [expected, f"{before + 4321:,}"]
    assert page.execute_script("return window.notReloaded") is True
    assert api(base, "/v1/objective/progress")["figures"]["people_reached"]["value"] == before + 4321
    # the rest follows once per change: the history's last point is the new total
    wait_until(page, lambda d: d.execute_script(
        "return [...document.querySelectorAll('#series td.num')].some(c => c.dataset.value === arguments[0])",
        expected), 5)


def test_a_stream_that_ends_is_reopened_and_a_change_missed_meanwhile_arrives(dashboard, page):
    """Streams last STREAM_SECONDS here: EventSource reconnects (retry: 2000) with what it has."""
    base, programmes = dashboard
    state = "return [document.body.dataset.stream || null, Number(document.body.dataset.opens)]"
    before = int(shown(page, "people_reached", "value")[0])
    opened = page.execute_script(state)[1]
    wait_until(page, lambda d: d.execute_script(state)[0] is None, STREAM_SECONDS * 2)   # the stream ended
    dashboard_demo.approve(dashboard_demo.Api(base, ADMIN_KEY), programmes["KE"], "Nakuru", 777,
                           ("2020-07-01", "2020-12-31"))
    wait_until(page, lambda d: shown(d, "people_reached", "value")[0] == str(before + 777), STREAM_SECONDS * 2)
    brought_by = page.execute_script("return Number(document.body.dataset.liveOn)")
    assert page.execute_script(state)[1] > opened and brought_by > opened   # a later connection brought it


def test_the_map_shows_the_cities_reached(dashboard, page):
    base, _ = dashboard
    cities = api(base, "/v1/objective/map")["cities"]
    assert {c["name"] for c in cities} >= {"Jinja", "Kisumu", "Tamale", "Khulna", "Piura"}
    dots = {d.get_attribute("data-key"): d.get_attribute("class")
            for d in page.find_elements(By.CSS_SELECTOR, "#map svg circle.city")}
    assert set(dots) == {c["key"] for c in cities}
    for city in cities:   # by its coordinates when the platform has them, else by its country
        assert dots[city["key"]] == ("city coordinates" if city["latitude"] is not None else "city country"), city
    countries = {i["key"] for i in api(base, "/v1/objective/progress/country")["items"] if i["key"]}
    shaded = {p.get_attribute("data-country") for p in page.find_elements(By.CSS_SELECTOR, "#map path.reached")}
    assert shaded == countries
    rows = page.find_elements(By.CSS_SELECTOR, "#cities-table tbody tr")
    assert len(rows) == len(cities)


def test_screenshots_at_phone_and_laptop_width(page):
    for width in (390, 1366):
        path = browser.screenshot(page, "dashboard", width)
        print(f"\nscreenshot: {path}")
        assert browser.png_size(path)[0] == width
        # readable on a phone: nothing wider than the screen
        assert page.execute_script("return document.documentElement.scrollWidth") <= width


def test_no_wcag_21_aa_violation(page):
    for details in page.find_elements(By.CSS_SELECTOR, "details"):
        page.execute_script("arguments[0].open = true", details)   # the tables too
    for width in (1366, 390):   # laptop and phone layouts
        page.set_window_size(width, 900)
        violations = browser.axe_violations(page)
        assert violations == [], (width, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                                          for v in violations])


def test_the_keyboard_reaches_every_control_in_order_and_skips_to_the_figures(page):
    page.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = page.switch_to.active_element
    assert focused.get_attribute("class") == "skip" and focused.is_displayed()   # shown once focused
    reached = []
    for _ in range(60):
        page.switch_to.active_element.send_keys(Keys.TAB)
        element = page.switch_to.active_element
        name = element.get_attribute("id") or element.text
        if name and name not in reached:
            reached.append(name)
        if name == "dimension":
            break
    wanted = ["plan", "as-of", "Show", "live-link", "print", "dimension"]
    assert [r for r in reached if r in wanted] == wanted
    page.find_element(By.CSS_SELECTOR, "a.skip").send_keys(Keys.ENTER)
    assert page.current_url.endswith("#main")


def test_the_print_stylesheet_gives_a_one_page_report(page):
    pdf = browser.print_pdf(page)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"{pages} pages"


def test_a_plan_selector_and_an_as_of_date_for_history(dashboard, page):
    base, _ = dashboard
    options = [o.get_attribute("value") for o in Select(page.find_element(By.ID, "plan")).options]
    assert options == [p["id"] for p in api(base, "/v1/plans")["items"]] and len(options) == 2
    page.get(f"{base}/dashboard?as_of=2019-06-30")
    wait_until(page, lambda d: d.execute_script("return document.body.dataset.refreshed"), 15)
    then = api(base, "/v1/objective/progress", as_of="2019-06-30")
    assert shown(page, "people_reached", "value")[0] == str(then["figures"]["people_reached"]["value"])
    assert "not live" in page.find_element(By.ID, "live").text
    Select(page.find_element(By.ID, "plan")).select_by_value("strategic-plan-2022-2025")   # submits the form
    wait_until(page, lambda d: "plan=strategic-plan-2022-2025" in d.current_url, 5)
    wait_until(page, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-target="people"]'), 15)
    assert browser.console_errors(page) == []


# --- the stream itself, over HTTP -----------------------------------------------------------------

def open_stream(base, headers=None):
    """A raw connection reading the stream: (socket, status line, what came first)."""
    parts = urlparse(base)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    sock.sendall(f"GET /v1/objective/progress/stream HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data or (data.startswith(b"HTTP/1.1 200") and b"retry:" not in data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return sock, data.split(b"\r\n", 1)[0].decode(), data


def admitted_stream(base, headers=None):
    """A stream once the gateway has room: the streams of an earlier test are let go when a
    heartbeat finds them closed (DASHBOARD_HEARTBEAT_SECONDS=1 here)."""
    found = []

    def attempt(_):
        sock, status, data = open_stream(base, headers)
        if status == "HTTP/1.1 200 OK":
            found.append((sock, data))
            return True
        sock.close()
        return False
    wait_until(None, attempt, 10)
    return found[0]


def test_open_streams_hold_no_worker_and_are_bounded(dashboard):
    base, _ = dashboard
    streams = []
    try:
        refused = None
        for _ in range(MAX_STREAMS + 5):
            sock, status, data = open_stream(base)
            streams.append(sock)
            if status != "HTTP/1.1 200 OK":
                refused = data
                break
        # more open streams than the gateway has workers (50), and the API still answers at once
        assert len(streams) > 50
        with requests.Session() as http:
            for path in ("/v1/plan", "/v1/objective/progress", "/health", "/v1/objective/progress/theme"):
                assert http.get(base + path, timeout=5).status_code == 200, path
        assert refused is not None, "no bound on the open streams"
        assert b" 503 " in refused.split(b"\r\n", 1)[0] and b"Retry-After: 5" in refused
        assert b"application/problem+json" in refused
    finally:
        for sock in streams:
            sock.close()
    # closed streams are let go: a new one is admitted
    admitted_stream(base)[0].close()


def test_the_stream_sends_the_state_then_heartbeats_and_skips_what_the_client_has(dashboard):
    base, _ = dashboard
    sock, data = admitted_stream(base)
    try:
        assert b"text/event-stream" in data
        while b"\nevent: progress\ndata: " not in data:
            data += sock.recv(65536)
        event_id = re.search(rb"\nid: ([0-9a-f]+)\n", data).group(1).decode()
        etag = requests.get(base + "/v1/objective/progress", timeout=5).headers["ETag"]
        assert etag == f'W/"{event_id}"'
    finally:
        sock.close()
    # reconnecting with the state it has, a client is sent nothing but heartbeats
    sock, data = admitted_stream(base, {"Last-Event-ID": event_id})
    try:
        while data.count(b": keep-alive") < 1:
            data += sock.recv(65536)
        assert b"event: progress" not in data
    finally:
        sock.close()
