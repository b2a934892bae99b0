"""The TopoJSON decoder and the Equal Earth projection, on a hand-made topology whose
answer is known, and on the real Natural Earth file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spcomms.reprisals.worldmap import (
    HEIGHT,
    WIDTH,
    GeometryMissing,
    country_rings,
    decode_arcs,
    equal_earth,
    project,
    read_geometry,
)

# Two squares sharing one edge (arc 1), quantised with a transform.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [-10, -10]},
    "arcs": [
        [[20, 20], [0, 20], [20, 0]],  # (0,0) -> (0,10) -> (10,10)
        [[40, 40], [0, -20]],  # (10,10) -> (10,0)
        [[40, 20], [-20, 0]],  # (10,0) -> (0,0)
        [[40, 40], [20, 0], [0, -20], [-20, 0]],  # (10,10) -> (20,10) -> (20,0) -> (10,0)
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "048", "arcs": [[0, 1, 2]], "properties": {"name": "A"}},
                {"type": "MultiPolygon", "id": "462", "arcs": [[[3, ~1]]]},
                {"type": "Polygon", "arcs": [[0, 1, 2]]},  # no id: left out
                {"type": "Polygon", "id": "010", "arcs": [[0, 1, 2]]},  # Antarctica: left out
            ],
        }
    },
}


def test_arcs_are_made_absolute_and_scaled() -> None:
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[0] == [(0.0, 0.0), (0.0, 10.0), (10.0, 10.0)]
    assert arcs[1] == [(10.0, 10.0), (10.0, 0.0)]


def test_rings_are_stitched_and_reversed_arcs_run_backwards() -> None:
    arcs = decode_arcs(TOPOLOGY)
    geometries = TOPOLOGY["objects"]["countries"]["geometries"]  # type: ignore[index]
    assert country_rings(geometries[0], arcs) == [
        [(0.0, 0.0), (0.0, 10.0), (10.0, 10.0), (10.0, 0.0), (0.0, 0.0)]
    ]
    assert country_rings(geometries[1], arcs) == [
        [(10.0, 10.0), (20.0, 10.0), (20.0, 0.0), (10.0, 0.0), (10.0, 10.0)]
    ]


def test_the_projection_matches_published_equal_earth_values() -> None:
    # Šavrič et al. (2018): the equator spans +-2.7066 radii; the pole is at 1.3173.
    assert equal_earth(180, 0)[0] == pytest.approx(2.70663, abs=1e-4)
    assert equal_earth(0, 90)[1] == pytest.approx(1.31733, abs=1e-4)
    assert equal_earth(0, 0) == (0.0, 0.0)
    assert project(-180, 0)[0] == pytest.approx(0.0, abs=1e-6)
    assert project(180, 0)[0] == pytest.approx(WIDTH, abs=1e-6)
    assert project(0, 90)[1] == pytest.approx(0.0, abs=1e-6)
    assert project(0, -90)[1] == pytest.approx(HEIGHT, abs=0.1)


def test_a_topology_file_becomes_shapes(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TOPOLOGY), encoding="utf-8")
    shapes = read_geometry(path).by_numeric()
    assert sorted(shapes) == ["048", "462"]
    assert shapes["048"].path.startswith("M")
    assert shapes["048"].path.endswith("z")
    assert shapes["048"].name == "A"


@pytest.mark.parametrize(
    "content",
    ["", "[]", '{"objects": {"countries": {}}}', '{"objects": {"countries": {"geometries": []}}}'],
)
def test_an_unusable_file_raises_geometry_missing(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GeometryMissing):
        read_geometry(path)


def test_a_missing_file_raises_geometry_missing(tmp_path: Path) -> None:
    with pytest.raises(GeometryMissing, match="missing"):
        read_geometry(tmp_path / "nowhere.json")


def test_the_natural_earth_file_has_small_states(settings: object) -> None:
    from django.conf import settings as django_settings

    path = Path(django_settings.SPCOMMS_WORLD_GEOMETRY)
    assert path.exists(), "`make test` installs world-atlas's countries-50m.json"
    shapes = read_geometry(path).by_numeric()
    assert len(shapes) > 200
    for numeric in ("048", "462", "702", "156", "682"):  # Bahrain, Maldives, Singapore, ...
        assert shapes[numeric].path.count("M") >= 1
    assert shapes["048"].small
    assert not shapes["156"].small


def test_a_ring_across_the_antimeridian_does_not_cross_the_map(tmp_path: Path) -> None:
    """Like eastern Russia: a ring running from 170 to -170 degrees of longitude must stay
    a small shape at the map's edge, not a band across the whole map."""
    topology = {
        "type": "Topology",
        "arcs": [[[170, 60], [180, 60], [-170, 60], [-170, 65], [180, 65], [170, 65], [170, 60]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Polygon", "id": "643", "arcs": [[0]]}],
            }
        },
    }
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(topology), encoding="utf-8")
    shape = read_geometry(path).by_numeric()["643"]
    left = project(170, 60)[0]
    assert shape.centre[0] > left  # its box starts at 170 degrees, not at -170
    assert shape.centre[0] - left < 60  # and is a few units wide, not the whole map
