/* Numbers, money, dates in the reader's locale (Intl), and a small DOM builder.
   Figures arrive as integers or Decimal strings, money as Decimal strings: Intl formats a
   string exactly, so no amount goes through a float. */
"use strict";
(function () {
  const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
  const day = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric",
                                                    timeZone: "UTC" });
  const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const regions = new Intl.DisplayNames(undefined, { type: "region", fallback: "code" });
  const moneyFormats = {};

  function number(value) {
    if (value === null || value === undefined || value === "") return "–";
    const text = String(value);
    return (text.includes(".") ? decimal : integer).format(text);
  }

  function money(amount, currency) {
    if (amount === null || amount === undefined) return "–";
    if (!moneyFormats[currency]) {
      moneyFormats[currency] = new Intl.NumberFormat(undefined, { style: "currency", currency: currency });
    }
    return moneyFormats[currency].format(String(amount));
  }

  function share(value) {
    return value === null || value === undefined ? "–" : percent.format(String(value));
  }

  function date(iso) {
    if (!iso) return "–";
    const parsed = new Date(iso.length === 10 ? iso + "T00:00:00Z" : iso);
    return isNaN(parsed) ? iso : day.format(parsed);
  }

  function country(code) {   // "UG" -> "Uganda", in the reader's language
    try { return code ? regions.of(code) : "–"; } catch (error) { return code; }
  }

  const STATUS = { achieved: "Achieved", on_track: "On track", at_risk: "At risk", off_track: "Off track" };

  function status(code) {
    return STATUS[code] || (code ? code.replace(/_/g, " ") : "–");
  }

  /* el("td", {class: "num", dataset: {value: 3}}, "text", child, ...) */
  function el(tag, attributes, ...children) {
    const svg = ["svg", "g", "path", "line", "circle", "rect", "text", "title", "desc", "polyline"].includes(tag);
    const node = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* A table: caption, column headings, rows of cells ({text, value, numeric} or a string). */
  function table(caption, headings, rows, attributes) {
    const cell = (tag, content, scope) => {
      const c = typeof content === "object" && content !== null && !(content instanceof Node) ? content : { text: content };
      return el(tag, { class: c.numeric ? "num" : null, scope: scope, dataset: c.value !== undefined ? { value: c.value } : null },
                c.text);
    };
    // a region that can take focus: a table wider than a phone scrolls, by keyboard too
    return el("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption },
      el("table", attributes || {},
        el("caption", {}, caption),
        el("thead", {}, el("tr", {}, headings.map((h) => cell("th", h, "col")))),
        el("tbody", {}, rows.map((row) => el("tr", {}, row.map((c, i) => cell(i === 0 ? "th" : "td", c, i === 0 ? "row" : null)))))));
  }

  window.Fmt = { number, money, share, date, status, country, time: (d) => clock.format(d), el, table };
})();
