#!/usr/bin/env python3
"""geo_simplify.py: derive the dashboard's ward maps from the vn-city-wards-geojson data set.

    scripts/geo_simplify.py SRC_DIR dashboard/static/geo

Reads <city>_wards_2025.geojson (MIT, Thang Le Quoc; see NOTICE section 2) and writes one small
FeatureCollection per province code (79.json, 31.json, 92.json): every ring simplified with
Douglas-Peucker at TOLERANCE degrees (about 40 m), coordinates rounded to 4 decimals (about 11 m),
rings that collapse dropped (a ward always keeps its largest ring), properties cut to
{code, name, nameEn}. Feature.id and properties.code are the official ward code. The product
reads only the derived files (embedded in the binary), never the source set.
"""
import json, os, sys

TOLERANCE = 0.0004
DECIMALS = 4
CITIES = {"79": "hcmc", "31": "haiphong", "92": "cantho"}


def perp(p, a, b):
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def dp(pts, tol):
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, -1
        for k in range(i + 1, j):
            d = perp(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [p for p, k in zip(pts, keep) if k]


def ring(r):
    out = []
    for x, y in dp(r, TOLERANCE):
        q = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != q:
            out.append(q)
    if len(out) < 4:
        return None
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def area(r):
    return abs(sum(r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1] for i in range(len(r) - 1))) / 2


def main(src, dst):
    for prov, city in CITIES.items():
        with open(os.path.join(src, f"{city}_wards_2025.geojson"), encoding="utf-8") as f:
            fc = json.load(f)
        feats = []
        for ft in fc["features"]:
            g = ft["geometry"]
            polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            out = []
            for poly in polys:
                rings = [ring(r) for r in poly]
                if rings[0] is None:
                    continue
                out.append([r for r in rings if r is not None])
            if not out:  # a tiny ward: keep its largest outer ring unsimplified (rounded)
                big = max((p[0] for p in polys), key=area)
                out = [[[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in big]]]
            pr = ft["properties"]
            feats.append({"type": "Feature", "id": pr["code"],
                          "properties": {"code": pr["code"], "name": pr["name"], "nameEn": pr["nameEn"]},
                          "geometry": {"type": "MultiPolygon", "coordinates": out}})
        feats.sort(key=lambda f: f["id"])
        path = os.path.join(dst, f"{prov}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"type": "FeatureCollection", "features": feats}, f, ensure_ascii=False, separators=(",", ":"))
        print(f"{path}: {len(feats)} wards, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
