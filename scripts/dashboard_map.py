"""Builds the dashboard's world map (services/gateway/gateway/dashboard/world-110m.json) from
Natural Earth 1:110m country outlines as the npm package world-atlas ships them (TopoJSON,
countries-110m.json) and ISO 3166-1 codes (Debian's iso-codes, iso_3166-1.json):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m scripts.dashboard_map package/countries-110m.json /usr/share/iso-codes/json/iso_3166-1.json

Writes each country once, keyed by its ISO alpha-2 code (as the platform names countries),
as rings of [longitude, latitude] rounded to 0.1 degree (what a 110m map shows), with the
centre of its largest ring, where the page places a city whose coordinates are unknown."""
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "services/gateway/gateway/dashboard/world-110m.json"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    out: list[list[float]] = []
    for lon, lat in points:
        p = [round(lon, 1), round(lat, 1)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def area(points: list[list[float]]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(points, points[1:] + points[:1], strict=True))) / 2


def centre(points: list[list[float]]) -> list[float]:
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [round((min(lons) + max(lons)) / 2, 1), round((min(lats) + max(lats)) / 2, 1)]


def build(topology: dict, iso: dict) -> dict:
    alpha2 = {c["numeric"]: (c["alpha_2"], c.get("common_name") or c["name"]) for c in iso["3166-1"]}
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code, name = alpha2.get(str(geometry.get("id")), (None, geometry["properties"]["name"]))
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [r for polygon in polygons for r in (ring(arcs, part) for part in polygon) if len(r) >= 3]
        if not rings:
            continue
        countries.append({"id": code, "name": name, "centre": centre(max(rings, key=area)), "rings": rings})
    countries.sort(key=lambda c: (c["id"] is None, c["id"] or "", c["name"]))
    return {"source": "Natural Earth 1:110m admin 0 countries (public domain), via world-atlas 2.0.2",
            "countries": countries}


def main() -> None:
    topology = json.loads(Path(sys.argv[1]).read_text())
    iso = json.loads(Path(sys.argv[2]).read_text())
    OUT.write_text(json.dumps(build(topology, iso), separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
