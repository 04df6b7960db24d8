/* Inline SVG charts drawn from the API's figures; each has a title and a description for
   screen readers, and the page shows the same numbers in a table next to it. */
"use strict";
(function () {
  const { el, number, date } = window.Fmt;
  const W = 560, H = 240, PAD = { left: 56, right: 16, top: 22, bottom: 36 };
  const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
  let ids = 0;

  function days(iso) { return Date.parse(iso + "T00:00:00Z") / 86400000; }

  function niceMax(value) {
    if (value <= 0) return 1;
    const step = Math.pow(10, Math.floor(Math.log10(value)));
    return Math.ceil(value / step) * step;
  }

  /* The series of one figure (period_end, value), its least-squares projection to the
     deadline and the target, over the plan's period. */
  function series(figure, period) {
    const id = "chart-" + (++ids);
    const points = figure.series.map((p) => ({ x: days(p.period_end), y: Number(p.value) }));
    const projection = figure.projection || {};
    const deadline = projection.deadline || period.end;
    const x0 = days(period.start), x1 = Math.max(days(deadline), ...points.map((p) => p.x));
    const top = niceMax(Math.max(Number(figure.target || 0), Number(projection.projected_at_deadline || 0),
                                 ...points.map((p) => p.y), 1));
    const sx = (x) => PAD.left + (x - x0) / (x1 - x0 || 1) * (W - PAD.left - PAD.right);
    const sy = (y) => H - PAD.bottom - y / top * (H - PAD.top - PAD.bottom);
    const summary = `${figure.title}: ${points.length ? number(figure.series[figure.series.length - 1].value) : "no value"}` +
      (figure.target ? ` of a target of ${number(figure.target)}` : "") +
      (projection.projected_at_deadline !== undefined ? `; projected ${number(projection.projected_at_deadline)} by ${date(deadline)}` : "");
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": `${id}-t ${id}-d`, class: "chart" },
      el("title", { id: id + "-t" }, figure.title), el("desc", { id: id + "-d" }, summary));
    const ticks = [0, top / 2, top];
    for (const t of ticks) {
      svg.append(el("line", { x1: PAD.left, x2: W - PAD.right, y1: sy(t), y2: sy(t), class: "grid" }),
                 el("text", { x: PAD.left - 6, y: sy(t) + 4, class: "axis", "text-anchor": "end" }, compact.format(t)));
    }
    for (const [x, label, anchor] of [[x0, date(period.start), "start"], [x1, date(deadline), "end"]]) {
      svg.append(el("text", { x: sx(x), y: H - 12, class: "axis", "text-anchor": anchor }, label));
    }
    if (figure.target) {
      svg.append(el("line", { x1: PAD.left, x2: W - PAD.right, y1: sy(figure.target), y2: sy(figure.target), class: "target" }),
                 el("text", { x: W - PAD.right, y: sy(figure.target) - 6, class: "axis", "text-anchor": "end" },
                    "target " + number(figure.target)));
    }
    if (points.length) {
      const last = points[points.length - 1];
      if (projection.projected_at_deadline !== undefined && projection.projected_at_deadline !== null) {
        svg.append(el("line", { x1: sx(last.x), y1: sy(last.y), x2: sx(days(deadline)),
                                y2: sy(Number(projection.projected_at_deadline)), class: "projection" }));
      }
      svg.append(el("polyline", { points: points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(" "), class: "line" }));
      for (const p of points) svg.append(el("circle", { cx: sx(p.x), cy: sy(p.y), r: 3.5, class: "dot" }));
    }
    return svg;
  }

  /* Horizontal bars: [{label, value}] (the breakdowns). */
  function bars(title, items) {
    const id = "chart-" + (++ids), row = 26, width = 720, left = 300;
    const max = niceMax(Math.max(1, ...items.map((i) => Number(i.value) || 0)));
    const svg = el("svg", { viewBox: `0 0 ${width} ${Math.max(row, items.length * row) + 8}`, role: "img",
                            "aria-labelledby": id, class: "chart bars" }, el("title", { id: id }, title));
    const short = (text) => text.length > 30 ? text.slice(0, 29) + "…" : text;   // the table has it whole
    items.forEach((item, i) => {
      const y = i * row + 4, w = (Number(item.value) || 0) / max * (width - left - 90);
      svg.append(el("text", { x: left - 8, y: y + 16, class: "axis", "text-anchor": "end" }, short(String(item.label))),
                 el("rect", { x: left, y: y + 3, width: Math.max(w, 1), height: row - 10, class: "bar" }),
                 el("text", { x: left + w + 6, y: y + 16, class: "axis" }, number(item.value)));
    });
    return svg;
  }

  window.Charts = { series, bars };
})();
