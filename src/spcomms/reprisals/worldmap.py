"""A world map drawn on the server as SVG, from a TopoJSON file on disk.

No script, no tile server, no content delivery network: the browser receives paths.
The geometry is Natural Earth's countries at 1:50 million as the npm package
``world-atlas`` ships it (``countries-50m.json``, installed by the Makefile). Only
this resolution keeps small States such as Bahrain and the Maldives. Countries carry
their ISO 3166-1 numeric code as ``id``.

How: TopoJSON stores each shared border once, as an *arc* of delta-encoded integer
points; a polygon lists its rings as arc indices (``~i`` means arc ``i`` reversed).
``decode_arcs`` undoes the quantisation, ``country_rings`` stitches rings from arcs,
and ``project`` applies the Equal Earth projection (Šavrič, Patterson and Jenny, 2018),
an equal-area projection, so that no country looks larger than it is. Points closer
than half a unit to the previous one are dropped, which keeps the page small;
a State too small to see at that scale gets a marker at its centre instead.

This module imports no Django: it takes a path and returns plain data.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

WIDTH = 960.0
MIN_STEP = 0.5  # drop points closer than this to the previous one (map units)
SMALL = 4.0  # a country whose box is smaller than this across gets a marker
EXCLUDED = {"010"}  # Antarctica: no State, and a quarter of the map's height

# Equal Earth constants.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2

Point = tuple[float, float]
Ring = list[Point]


class GeometryMissing(Exception):
    """The TopoJSON file is absent or unreadable; the message says which and why."""


def equal_earth(longitude: float, latitude: float) -> Point:
    """Equal Earth projection of a point in degrees, in units of the Earth's radius."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


# The projected extent of the whole sphere, to fit the map into WIDTH.
_X_MAX = equal_earth(180.0, 0.0)[0]
_Y_MAX = equal_earth(0.0, 90.0)[1]
SCALE = WIDTH / (2 * _X_MAX)
HEIGHT = round(2 * _Y_MAX * SCALE, 1)
SOUTH = -60.0  # the map stops here: below lies only Antarctica, which is not drawn


def project(longitude: float, latitude: float) -> Point:
    """A point in degrees as SVG coordinates: x to the right, y downwards."""
    x, y = equal_earth(longitude, latitude)
    return (x + _X_MAX) * SCALE, (_Y_MAX - y) * SCALE


def decode_arcs(topology: dict[str, object]) -> list[list[Point]]:
    """The arcs in longitude and latitude: quantised deltas made absolute and scaled."""
    transform = topology.get("transform")
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        raise GeometryMissing("the file has no arcs: it is not a TopoJSON topology")
    if isinstance(transform, dict):
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    else:
        sx = sy = 1.0
        tx = ty = 0.0
    decoded = []
    for arc in arcs:
        x = y = 0
        points = []
        for position in arc:
            if isinstance(transform, dict):
                x += position[0]
                y += position[1]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(position[0]), float(position[1])))
        decoded.append(points)
    return decoded


def _ring(indices: Sequence[int], arcs: list[list[Point]]) -> Ring:
    ring: Ring = []
    for index in indices:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        # Consecutive arcs share their end and start point: keep it once.
        ring.extend(points[1:] if ring else points)
    return _unwrapped(ring)


def _unwrapped(ring: Ring) -> Ring:
    """A ring that crosses the antimeridian (eastern Russia, Fiji) jumps from +180 to
    -180 degrees; drawn as is, it would cross the whole map. Make its longitudes
    continuous, then move it back by 360 degrees if most of it lies beyond +180: the
    part past the edge is cut off by the map's frame."""
    if not ring:
        return ring
    unwrapped = [ring[0]]
    shift = 0.0
    for (previous, _lat), (longitude, latitude) in itertools.pairwise(ring):
        step = longitude - previous
        if step > 180:
            shift -= 360
        elif step < -180:
            shift += 360
        unwrapped.append((longitude + shift, latitude))
    middle = sum(point[0] for point in unwrapped) / len(unwrapped)
    if middle > 180:
        return [(longitude - 360, latitude) for longitude, latitude in unwrapped]
    if middle < -180:
        return [(longitude + 360, latitude) for longitude, latitude in unwrapped]
    return unwrapped


def country_rings(geometry: dict[str, object], arcs: list[list[Point]]) -> list[Ring]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon, in degrees."""
    kind = geometry.get("type")
    parts = geometry.get("arcs") or []
    polygons: Iterable[Sequence[Sequence[int]]]
    if kind == "Polygon":
        polygons = [parts]  # type: ignore[list-item]  # TopoJSON: a list of rings
    elif kind == "MultiPolygon":
        polygons = parts  # type: ignore[assignment]  # TopoJSON: a list of polygons
    else:
        return []
    return [_ring(ring, arcs) for polygon in polygons for ring in polygon]


def _path(rings: Iterable[Ring]) -> tuple[str, tuple[float, float, float, float] | None]:
    """SVG path data for the rings, projected and thinned, and the projected box."""
    commands = []
    left = top = math.inf
    right = bottom = -math.inf
    largest: list[Point] = []
    for ring in rings:
        projected = [project(longitude, latitude) for longitude, latitude in ring]
        if len(projected) > len(largest):
            largest = projected
        kept: list[Point] = []
        for point in projected:
            left, right = min(left, point[0]), max(right, point[0])
            top, bottom = min(top, point[1]), max(bottom, point[1])
            if kept and abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) < MIN_STEP:
                continue
            kept.append(point)
        if len(kept) >= 3:
            commands.append(_commands(kept, digits=1))
    if not commands and len(largest) >= 3:
        # Every ring is smaller than the thinning step (islands such as the Maldives):
        # keep the largest one whole, with more digits, so the State is still drawn.
        commands.append(_commands(largest, digits=2))
    box = (left, top, right, bottom) if left != math.inf else None
    return "".join(commands), box


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _commands(points: Sequence[Point], *, digits: int) -> str:
    """A closed ring as an absolute move, then relative lines between rounded points
    (the rounding is done on the absolute points, so no error accumulates)."""
    rounded = [(round(x, digits), round(y, digits)) for x, y in points]
    head = rounded[0]
    parts = [f"M{_number(head[0])},{_number(head[1])}l"]
    previous = head
    steps = []
    for point in rounded[1:]:
        dx, dy = point[0] - previous[0], point[1] - previous[1]
        if dx or dy:
            first = _number(dx)
            second = _number(dy)
            steps.append(first + ("" if second.startswith("-") else ",") + second)
        previous = point
    return parts[0] + ",".join(steps).replace(",-", "-") + "z"


@dataclass(frozen=True)
class Shape:
    """One country as the map draws it."""

    numeric: str  # ISO 3166-1 numeric, three digits
    name: str  # Natural Earth's English name, as a fallback label
    path: str  # SVG path data; may be empty for a State smaller than the thinning step
    centre: Point
    small: bool  # too small to see: the map adds a marker at ``centre``


@dataclass(frozen=True)
class WorldGeometry:
    width: float
    height: float
    shapes: tuple[Shape, ...]

    def by_numeric(self) -> dict[str, Shape]:
        return {shape.numeric: shape for shape in self.shapes}


def read_geometry(path: Path) -> WorldGeometry:
    """The projected countries of the TopoJSON file at ``path``; cached while the file
    is unchanged. Raises ``GeometryMissing`` with the reason when it cannot be used."""
    try:
        stat = path.stat()
    except OSError as missing:
        raise GeometryMissing(f"{path} is missing ({missing.strerror})") from missing
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _read(path: Path, _mtime: int, _size: int) -> WorldGeometry:
    try:
        topology = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as bad:
        raise GeometryMissing(f"{path} cannot be read as JSON ({bad})") from bad
    try:
        countries = topology["objects"]["countries"]["geometries"]
    except (KeyError, TypeError) as bad:
        raise GeometryMissing(f"{path} has no countries object") from bad
    arcs = decode_arcs(topology)
    shapes = []
    for geometry in countries:
        numeric = str(geometry.get("id") or "")
        if not numeric.isdigit() or numeric in EXCLUDED:
            continue
        try:
            rings = country_rings(geometry, arcs)
        except (IndexError, TypeError) as bad:
            raise GeometryMissing(f"{path} has a broken geometry for {numeric}") from bad
        data, box = _path(rings)
        if box is None:
            continue
        left, top, right, bottom = box
        shapes.append(
            Shape(
                numeric=numeric.zfill(3),
                name=str((geometry.get("properties") or {}).get("name", "")),
                path=data,
                centre=((left + right) / 2, (top + bottom) / 2),
                small=max(right - left, bottom - top) < SMALL,
            )
        )
    return WorldGeometry(width=WIDTH, height=round(project(0.0, SOUTH)[1], 1), shapes=tuple(shapes))
