/* The map of the cities reached: Natural Earth 1:110m country outlines shipped with the
   gateway (world-110m.json, see its README), an equirectangular projection, the countries
   reached shaded, each city a dot at its coordinates, or at its country's centre when the
   platform has none. A table lists the same cities. */
"use strict";
(function () {
  const { el, number, country, table } = window.Fmt;
  const W = 960, H = 400, NORTH = 84, SOUTH = -58;
  let world = null;

  const x = (lon) => (lon + 180) / 360 * W;
  const y = (lat) => (NORTH - lat) / (NORTH - SOUTH) * H;

  async function outlines() {
    if (!world) {
      const response = await fetch("/dashboard/assets/world-110m.json");
      if (!response.ok) throw new Error("map data: HTTP " + response.status);
      world = await response.json();
    }
    return world;
  }

  function ringPath(ring) {
    return "M" + ring.map(([lon, lat]) => x(lon).toFixed(1) + "," + y(lat).toFixed(1)).join("L") + "Z";
  }

  /* cities: GET /v1/objective/map's; countries: the country codes reached. */
  async function draw(container, cities, countries) {
    const data = await outlines();
    const reached = new Set(countries);
    const centres = Object.fromEntries(data.countries.filter((c) => c.id).map((c) => [c.id, c.centre]));
    const placedBy = {};
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "map-title map-desc", class: "map" },
      el("title", { id: "map-title" }, "Map of the cities reached"),
      el("desc", { id: "map-desc" }, `${cities.length} cities in ${reached.size} countries; the table below lists them.`));
    const land = el("g", { class: "land" });
    for (const country of data.countries) {
      land.append(el("path", { d: country.rings.map(ringPath).join(""), class: reached.has(country.id) ? "reached" : null,
                               dataset: { country: country.id || "" } }));
    }
    svg.append(land);
    const dots = el("g", { class: "cities" });
    const perCountry = {};
    for (const city of cities) {
      let lon, lat, how;
      if (city.latitude !== null && city.longitude !== null) {
        lon = Number(city.longitude); lat = Number(city.latitude); how = "coordinates";
      } else if (centres[city.country]) {
        const n = perCountry[city.country] = (perCountry[city.country] || 0) + 1;
        [lon, lat] = centres[city.country]; lon += (n - 1) * 1.5; how = "country";   // side by side, not on top
      } else {
        how = "unplaced";
      }
      placedBy[city.key] = how;
      if (how === "unplaced") continue;
      const people = (city.figures.people_reached || {}).value;
      dots.append(el("circle", { cx: x(lon).toFixed(1), cy: y(lat).toFixed(1), r: 6, class: "city " + how,
                                 dataset: { key: city.key, name: city.name || "" } },
        el("title", {}, `${city.name} (${country(city.country)}): ${number(people || 0)} people reached`)));
    }
    svg.append(dots);
    const rows = cities.map((c) => [{ text: c.name || c.key, value: c.key }, country(c.country),
      { text: number((c.figures.people_reached || {}).value || 0), numeric: true, value: (c.figures.people_reached || {}).value || 0 },
      { text: number((c.figures.women_empowered || {}).value || 0), numeric: true, value: (c.figures.women_empowered || {}).value || 0 },
      { coordinates: "its coordinates", country: "its country", unplaced: "not on the map" }[placedBy[c.key]]]);
    container.replaceChildren(
      el("figure", { class: "map-figure" }, svg, el("figcaption", { class: "muted" },
        "Dots: cities reached (hollow: placed at the country's centre, coordinates unknown). Shaded: countries reached.")),
      el("details", { class: "numbers" }, el("summary", {}, "The cities as a table"),
        table("Cities reached", ["City", "Country", { text: "People reached", numeric: true },
                                 { text: "Women empowered", numeric: true }, "Placed by"], rows, { id: "cities-table" })));
  }

  window.WorldMap = { draw };
})();
