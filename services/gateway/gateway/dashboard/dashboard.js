/* The dashboard: reads the public API, draws the figures, and keeps them current from the
   gateway's live stream (server-sent events of objective.progress_changed): the headline
   figures change as the event arrives, the rest is read again once per change. No polling. */
"use strict";
(function () {
  const { el, number, money, share, date, status, country, table } = window.Fmt;
  const params = new URLSearchParams(location.search);
  const state = { plan: params.get("plan") || null, asOf: params.get("as_of") || null, dimension: "theme",
                  refreshing: false, again: false, source: null, retry: null, shown: null };
  const $ = (id) => document.getElementById(id);

  function url(path, extra, dated = true) {   // dated: the figures as of the date picked
    const q = new URLSearchParams();
    if (state.plan) q.set("plan", state.plan);
    if (state.asOf && dated) q.set("as_of", state.asOf);
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    const s = q.toString();
    return path + (s ? "?" + s : "");
  }

  async function get(path, withTag, dated = true) {
    const response = await fetch(url(path, {}, dated), { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || body.title || "HTTP " + response.status);
    if (withTag) state.shown = (response.headers.get("ETag") || "").replace(/^W\//, "").replace(/"/g, "") || null;
    return body;
  }

  function say(text) { $("live").textContent = text; }

  // --- targets (from GET /v1/objective/progress or a live event: the same body) ---------------
  function renderProgress(progress) {
    $("plan-title").textContent = progress.plan_title || "Progress towards the objective";
    document.title = (progress.plan_title ? progress.plan_title + ": progress" : "Progress") + " · Urban partnership platform";
    $("objective").textContent = progress.objective || "";
    $("as-of-label").textContent = progress.as_of ? "as of " + date(progress.as_of) : "today, " + date(progress.today);
    $("targets").replaceChildren(...progress.targets.map((t) => {
      const ratio = Math.min(1, Number(t.share) || 0);
      const bar = el("div", { class: "bar-track", "aria-hidden": "true" }, el("div", { class: "bar-fill " + t.status }));
      bar.firstChild.style.width = (ratio * 100).toFixed(1) + "%";
      const reach = t.direct !== undefined ? el("p", { class: "reach" },
        "Direct ", el("span", { dataset: { field: "direct", value: t.direct } }, number(t.direct)),
        " · indirect ", el("span", { dataset: { field: "indirect", value: t.indirect } }, number(t.indirect))) : null;
      return el("article", { class: "card", dataset: { target: t.code }, "aria-labelledby": "target-" + t.code },
        el("h3", { id: "target-" + t.code }, t.title),
        el("p", { class: "value" }, el("span", { dataset: { field: "value", value: t.value } }, number(t.value)),
           el("span", { class: "of" }, " of ", el("span", { dataset: { field: "target", value: t.target } },
              (t.comparison === "more_than" ? "more than " : "") + number(t.target)))),
        reach, bar,
        el("p", {}, el("span", { dataset: { field: "share", value: t.share } }, share(t.share)), " done · ",
           el("span", { class: "status " + t.status, dataset: { field: "status", value: t.status } }, status(t.status))),
        el("p", { class: "muted" }, "Projected ",
           el("span", { dataset: { field: "projected", value: t.projected_at_deadline } }, number(t.projected_at_deadline)),
           " by the deadline (" + date(progress.deadline) + ")",
           t.reached_on ? "; reached on " + date(t.reached_on)
             : t.projected_reached_on ? "; target projected for " + date(t.projected_reached_on) : ""));
    }));
    renderFunds(progress.funds || []);
  }

  // --- money ------------------------------------------------------------------------------
  function renderFunds(funds) {
    const rows = funds.map((f) => [f.currency, ...["pooled", "committed", "disbursed", "available"].map((k) =>
      ({ text: money(f[k], f.currency), numeric: true, value: f[k] })),
      { text: money(f.cost_per_person_committed, f.currency), numeric: true },
      { text: money(f.cost_per_person_disbursed, f.currency), numeric: true }]);
    const heads = ["Currency", ...["Pooled", "Committed", "Disbursed", "Available", "Cost per person (committed)",
                                   "Cost per person (disbursed)"].map((text) => ({ text, numeric: true }))];
    const total = $("money-total") || el("div", { id: "money-total" });
    total.replaceChildren(rows.length ? table("All funds, per currency", heads, rows, { id: "funds-table" })
                                      : el("p", {}, "No money pooled yet."));
    if (!total.parentNode) $("money").prepend(total);
  }

  function moneyRows(items) {
    return items.flatMap((i) => i.money.map((m) => [i.name || i.key || "–", m.currency,
      ...["pooled", "committed", "disbursed", "available"].map((k) => ({ text: money(m[k], m.currency), numeric: true, value: m[k] }))]));
  }

  function renderMoney(byFund, byWindow) {
    const heads = (first) => [first, "Currency", ...["Pooled", "Committed", "Disbursed", "Available"].map((text) => ({ text, numeric: true }))];
    const detail = $("money-detail") || el("div", { id: "money-detail", class: "two" });
    detail.replaceChildren(table("Per fund", heads("Fund"), moneyRows(byFund.items), { id: "fund-table" }),
                           table("Per funding window", heads("Window"), moneyRows(byWindow.items), { id: "window-table" }));
    if (!detail.parentNode) $("money").append(detail);
  }

  // --- history, pipeline, breakdowns, map ---------------------------------------------------
  function renderHistory(history, plan) {
    const period = (plan && plan.period) || { start: history.figures[0]?.series[0]?.period_end, end: history.today };
    $("series").replaceChildren(...history.figures.filter((f) => f.series.length).map((f) => el("figure", { class: "chart-figure" + (f.target ? "" : " no-target") },
      window.Charts.series(f, period),
      el("details", { class: "numbers" }, el("summary", {}, f.title + ": the numbers"),
        table(f.title + " by result period", ["Period ending", { text: "Value", numeric: true }, { text: "Added", numeric: true }],
          f.series.map((p) => [date(p.period_end), { text: number(p.value), numeric: true, value: p.value },
                               { text: number(p.added), numeric: true }]).concat(f.projection ? [[
            "Projected at " + date(f.projection.deadline), { text: number(f.projection.projected_at_deadline), numeric: true }, ""]] : []))))));
  }

  function renderPipeline(pipeline) {
    const rows = pipeline.figures.map((f) => [f.title,
      { text: number(f.current), numeric: true, value: f.current }, { text: number(f.pipeline), numeric: true, value: f.pipeline },
      { text: number(f.with_pipeline), numeric: true, value: f.with_pipeline },
      { text: f.target === undefined ? "–" : number(f.target), numeric: true },
      { text: share(f.share), numeric: true }, { text: share(f.share_with_pipeline), numeric: true }]);
    const requested = pipeline.requested.map((m) => money(m.amount, m.currency)).join(", ") || "nothing";
    $("pipeline").replaceChildren(
      el("p", {}, `Applications under review: ${number(pipeline.applications_under_review)}, requesting ${requested}.`),
      table("Actual figures next to the pipeline", ["Figure", ...["Actual", "Pipeline", "With the pipeline", "Target",
        "Share now", "Share with the pipeline"].map((text) => ({ text, numeric: true }))], rows, { id: "pipeline-table" }));
  }

  const FIGURES = [["people_reached", "People reached"], ["women_empowered", "Women empowered"],
                   ["cities_reached", "Cities reached"], ["countries_reached", "Countries reached"]];

  function itemName(dimension, item) {
    if (dimension === "country") return country(item.key);
    if (dimension === "sdg_goal") return "SDG " + item.key;
    return item.name || item.key;
  }

  function renderBreakdown(breakdown) {
    const label = $("dimension").selectedOptions[0].textContent;
    const items = breakdown.items.filter((i) => i.key !== null);
    const rows = items.map((i) => [{ text: itemName(breakdown.dimension, i), value: i.key }, ...FIGURES.map(([code]) => {
      const v = (i.figures[code] || {}).value || 0;
      return { text: number(v), numeric: true, value: v };
    })]);
    $("breakdown").replaceChildren(
      window.Charts.bars(`People reached by ${label.toLowerCase()}`,
        items.map((i) => ({ label: itemName(breakdown.dimension, i), value: (i.figures.people_reached || {}).value || 0 }))),
      table(`Every figure by ${label.toLowerCase()}`, [label, ...FIGURES.map(([, t]) => ({ text: t, numeric: true }))],
            rows, { id: "breakdown-table", "data-dimension": breakdown.dimension }));
  }

  async function renderMap() {
    const [map, countries] = await Promise.all([get("/v1/objective/map"), get("/v1/objective/progress/country")]);
    await window.WorldMap.draw($("map"), map.cities, countries.items.map((i) => i.key).filter(Boolean));
  }

  async function refresh() {   // everything but the headline, once per change (one at a time)
    if (state.refreshing) { state.again = true; return; }
    state.refreshing = true;
    try {
      const [plan, history, pipeline, byFund, byWindow, breakdown] = await Promise.all([
        get("/v1/plan", false, false), get("/v1/objective/history"), get("/v1/objective/pipeline"),
        get("/v1/objective/progress/fund"), get("/v1/objective/progress/window"),
        get("/v1/objective/progress/" + state.dimension)]);
      renderHistory(history, plan);
      renderPipeline(pipeline);
      renderMoney(byFund, byWindow);
      renderBreakdown(breakdown);
      await renderMap();
      document.body.dataset.refreshed = String(Date.now());
    } catch (error) {
      say("Some figures could not be loaded: " + error.message);
    } finally {
      state.refreshing = false;
      if (state.again) { state.again = false; refresh(); }
    }
  }

  // --- live -------------------------------------------------------------------------------
  function connect() {
    if (state.asOf) { say("Figures as of " + date(state.asOf) + " (history: not live)."); return; }
    // the state on screen is not sent again (EventSource sends Last-Event-ID itself when it reconnects)
    const source = state.source = new EventSource(url("/v1/objective/progress/stream",
                                                      state.shown ? { last_event_id: state.shown } : {}));
    source.addEventListener("open", () => {
      document.body.dataset.stream = "open";
      document.body.dataset.opens = String(Number(document.body.dataset.opens || 0) + 1);
      say("Live: the figures change as results are approved.");
    });
    source.addEventListener("progress", (event) => {
      renderProgress(JSON.parse(event.data));
      state.shown = document.body.dataset.live = event.lastEventId;
      document.body.dataset.liveOn = document.body.dataset.opens;   // which connection brought it
      say("Live: updated at " + window.Fmt.time(new Date()) + ".");
      refresh();
    });
    source.addEventListener("error", () => {
      delete document.body.dataset.stream;
      if (source.readyState === EventSource.CLOSED) {   // refused (e.g. 503): EventSource gives up, we do not
        say("Live updates paused; reconnecting…");
        clearTimeout(state.retry);
        state.retry = setTimeout(connect, 5000 + Math.random() * 5000);
      } else {
        say("Live updates interrupted; reconnecting…");
      }
    });
  }

  async function load(attempt) {
    try {
      const plans = (await get("/v1/plans", false, false)).items;
      if (plans.length > 1) {
        $("plan").replaceChildren(...plans.map((p) => el("option", { value: p.id, selected: p.id === state.plan }, p.title)));
        $("plan-field").hidden = false;
      }
      renderProgress(await get("/v1/objective/progress", true));
      say(state.asOf ? "" : "Connecting to live updates…");
    } catch (error) {   // e.g. 503 while a service restarts: try again, spaced out
      const seconds = Math.min(60, 5 * 2 ** attempt);
      say(`The figures could not be loaded (${error.message}); trying again in ${seconds} s.`);
      setTimeout(() => load(attempt + 1), seconds * 1000);
      return;
    }
    await refresh();
    connect();
  }

  function start() {
    $("as-of").value = state.asOf || "";
    $("live-link").href = state.plan ? "/dashboard?plan=" + encodeURIComponent(state.plan) : "/dashboard";
    $("print").addEventListener("click", () => window.print());
    window.addEventListener("beforeprint", () => {
      $("printed-at").textContent = "Printed " + new Date().toLocaleString() + " from " + location.href;
    });
    $("plan").addEventListener("change", () => $("controls").requestSubmit());
    $("dimension").addEventListener("change", async () => {
      state.dimension = $("dimension").value;
      try { renderBreakdown(await get("/v1/objective/progress/" + state.dimension)); } catch (error) { say(error.message); }
    });
    load(0);
  }

  start();
})();
