"""The catalogue: the bundled demo lines, and refusal of every kind of bad file."""

import copy
import json
import re
from pathlib import Path

import pytest

from fitting.catalogue import (
    BUNDLED_CATALOGUE_DIR,
    CatalogueInvalid,
    DirectoryCatalogue,
    check_catalogue,
    load_catalogue,
)
from fitting.errors import LegFitError
from fitting.json_lines import value_lines

from .helpers import product_dict


def test_the_bundled_demo_catalogue_has_the_four_lines_and_says_it_is_illustrative():
    catalogue = load_catalogue()
    assert catalogue.illustrative and all(p.illustrative for p in catalogue.products)
    assert all(s.ok and s.illustrative for s in catalogue.sources)
    by_id = {p.id: p for p in catalogue.products}
    travel = by_id["demo-travel-sock"]
    assert (travel.style, travel.class_mmhg, travel.requires_prescription) == (
        "sock", (15, 20), False)
    everyday = by_id["demo-everyday-knee-high"]
    assert everyday.style == "knee-high" and everyday.class_mmhg == (15, 20)
    assert all(len(s.lengths) == 2 for s in everyday.sizes)
    class2 = by_id["demo-class2-knee-high"]
    assert class2.class_mmhg == (20, 30) and class2.requires_prescription
    assert not class2.self_service
    assert by_id["demo-thigh-high"].style == "thigh-high"
    for p in catalogue.products:
        assert "illustrative" in p.chart.source and p.chart.date.year >= 2026


def test_demo_charts_are_plausible_against_the_population():
    """Ankle sizes span the ANSUR II range (1st-99th percentile ~185-268 mm) without gaps."""
    for p in load_catalogue().products:
        assert p.sizes[0].ankle_mm[0] <= 190 and p.sizes[-1].ankle_mm[1] >= 270, p.id
        for a, b in zip(p.sizes, p.sizes[1:], strict=False):
            assert a.ankle_mm[1] == b.ankle_mm[0], f"{p.id}: gap between {a.size}, {b.size}"
            assert b.calf_mm[0] >= a.calf_mm[0] and b.calf_mm[1] >= a.calf_mm[1]
        for s in p.sizes:
            # calf girth is 1.5-1.9 x ankle girth in ANSUR II (1st-99th percentile)
            assert s.calf_mm[0] <= 1.6 * s.ankle_mm[0] and s.calf_mm[1] >= 1.75 * s.ankle_mm[1]


def test_directory_repository_and_missing_folders(tmp_path):
    assert DirectoryCatalogue(None).load().products == load_catalogue().products
    with pytest.raises(CatalogueInvalid, match="does not exist"):
        load_catalogue(tmp_path / "nope")
    with pytest.raises(CatalogueInvalid, match="holds no product files"):
        load_catalogue(tmp_path)


def _dumps(data) -> str:
    """Indented JSON with number pairs on one line, the way the bundled files are written."""
    text = json.dumps(data, indent=2)
    return re.sub(r"\[\s*([^\[\]{}]*?)\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]",
                  text)


def _write(folder: Path, name: str, data) -> str:
    text = data if isinstance(data, str) else _dumps(data)
    (folder / name).write_text(text, encoding="utf-8")
    return text


def _mutated(change):
    data = copy.deepcopy(product_dict())
    change(data)
    return data


def _set(*path_and_value):
    *path, value = path_and_value

    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(*path):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


BAD_FILES = [
    # a range whose low end is not below its high end
    (_set("sizes", 1, "calf_mm", [777, 333]), "sizes[1].calf_mm", "777", "low < high"),
    # sizes overlap at the ankle
    (_set("sizes", 2, "ankle_mm", [235, 260]), "sizes[2].ankle_mm", "235", "not overlap"),
    # sizes listed from large to small
    (_set("sizes", 0, "ankle_mm", [262, 280]), "sizes[1].ankle_mm", "[220, 240]",
     "small to large"),
    # two sizes with one name
    (_set("sizes", 0, "size", "M"), "sizes[1].size", ('"size": "M"', 2), "appears twice"),
    # overlapping lengths inside a size
    (_set("sizes", 0, "lengths", 1, "knee_high_length_mm", [390, 450]),
     "sizes[0].lengths[1].knee_high_length_mm", "390", "overlap"),
    # a knee-high length without its lD range
    (_delete("sizes", 1, "lengths", 0, "knee_high_length_mm"),
     "sizes[1].lengths[0].knee_high_length_mm", None, "needs knee_high_length_mm"),
    # above 20 mmHg without a prescription flag: the cap is a catalogue rule too
    (_set("compression", "mmhg", [20, 30]), "requires_prescription", "requires_prescription",
     "self-service cap"),
    # a future schema
    (_set("schema_version", 2), "schema_version", "schema_version", "not supported"),
    # an unknown style
    (_set("style", "tights"), "style", "tights", "sock"),
    # strict types: a string where a number belongs
    (_set("sizes", 0, "ankle_mm", ["200", 220]), "sizes[0].ankle_mm[0]", '"200"', "number"),
    # strict types: "yes" is not a boolean
    (_set("illustrative", "yes"), "illustrative", '"illustrative"', "boolean"),
    # the chart's date must be a date
    (_set("chart", "date", "last spring"), "chart.date", "last spring", "date"),
    # the illustrative flag is required, not assumed
    (_delete("illustrative"), "illustrative", None, "is missing"),
    # the chart's source is required
    (_delete("chart", "source"), "chart.source", None, "is missing"),
    # a typo'd field is not silently ignored
    (_set("sizes", 0, "calf_mn", [1, 2]), "sizes[0].calf_mn", "calf_mn", "not a known field"),
    # a product without sizes
    (_set("sizes", []), "sizes", '"sizes"', "at least 1"),
    # an id with spaces
    (_set("id", "my product"), "id", "my product", "pattern"),
    # a thigh-high without thigh ranges
    (_set("style", "thigh-high"), "sizes[0].thigh_mm", None, "thigh_mm"),
]


@pytest.mark.parametrize(("change", "field", "marker", "message"), BAD_FILES)
def test_an_invalid_file_is_refused_naming_file_line_and_field(tmp_path, change, field,
                                                               marker, message):
    text = _write(tmp_path, "line.json", _mutated(change))
    with pytest.raises(CatalogueInvalid) as exc:
        load_catalogue(tmp_path)
    err = exc.value
    assert isinstance(err, LegFitError)
    assert err.file == "line.json" and err.field == field
    said = str(err)
    assert said.startswith("catalogue file line.json: ") and f"field {field}:" in said
    assert message in said and "\n" not in said
    if marker is not None:
        # The line is where the offending text sits in the file, found by plain search.
        marker, nth = marker if isinstance(marker, tuple) else (marker, 1)
        hits = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
        expected = hits[nth - 1]
        assert err.line == expected and f"line {expected}," in said


def test_broken_json_names_its_line(tmp_path):
    _write(tmp_path, "broken.json", '{\n  "id": "x",\n  "brand": oops\n}\n')
    with pytest.raises(CatalogueInvalid, match=r"broken.json: line 3: not valid JSON"):
        load_catalogue(tmp_path)


def test_duplicate_product_ids_across_files(tmp_path):
    _write(tmp_path, "a.json", product_dict())
    _write(tmp_path, "b.json", product_dict())
    with pytest.raises(CatalogueInvalid, match=r"b.json: line 3, field id: .*already used by "
                                               r"a.json"):
        load_catalogue(tmp_path)


def test_lenient_load_keeps_good_lines_and_reports_bad_ones(tmp_path):
    _write(tmp_path, "good.json", product_dict())
    _write(tmp_path, "bad.json", _mutated(_set("style", "tights")))
    catalogue = load_catalogue(tmp_path, strict=False)
    assert [p.id for p in catalogue.products] == ["test-knee-high"]
    status = {s.file: s for s in catalogue.sources}
    assert status["good.json"].ok and not status["bad.json"].ok
    assert status["bad.json"].to_dict()["errors"][0].startswith("catalogue file bad.json")
    products, statuses = check_catalogue(tmp_path)
    assert len(products) == 1 and len(statuses) == 2


def test_every_problem_in_a_file_is_listed(tmp_path):
    data = _mutated(_delete("brand"))
    data["sizes"][0]["calf_mm"] = [400, 300]
    _write(tmp_path, "two.json", data)
    (_, (status,)) = check_catalogue(tmp_path)
    assert {p.field for p in status.problems} == {"brand", "sizes[0].calf_mm"}


def test_summary_is_the_normalised_json_shape():
    summary = load_catalogue().product("demo-everyday-knee-high").to_summary()
    assert {"id", "name", "style", "class_mmhg", "requires_prescription", "illustrative",
            "sizes"} <= set(summary)
    size = summary["sizes"][0]
    assert set(size) == {"size", "ankle_mm", "calf_mm", "lengths"}
    assert size["ankle_mm"] == [180, 200] and isinstance(size["ankle_mm"][0], int)
    assert set(size["lengths"][0]) == {"name", "knee_high_length_mm"}


def test_bundled_files_are_the_only_json_in_the_folder():
    names = sorted(p.name for p in BUNDLED_CATALOGUE_DIR.glob("*.json"))
    assert names == ["class2_knee_high.json", "everyday_knee_high.json", "thigh_high.json",
                     "travel_sock.json"]


@pytest.mark.parametrize(("text", "path", "line"), [
    ('{"a": 1}', ("a",), 1),                                  # a key on the first line
    ('{\n "a": {\n  "b": [\n   1,\n   2\n  ]\n }\n}', ("a", "b", 1), 5),  # nested item
    ('[\n {"x": 1},\n {"x": 2}\n]', (1, "x"), 3),            # array of objects
    ('{"s": "a\\n\\"b", \n "t": 2}', ("t",), 2),              # escapes do not count lines
])
def test_value_lines(text, path, line):
    assert value_lines(text)[path] == line


def test_value_lines_of_broken_text_is_empty():
    assert value_lines('{"a": ') == {}
