"""The fitting commands as a black box: `legfit recommend`, `catalogue`, `screener`."""

import json
import shutil

import pytest

from fitting.catalogue import BUNDLED_CATALOGUE_DIR
from fitting.screener import QUESTION_IDS
from kiosk.cli import main

M_JSON = {"left": {"ankle_mm": 221, "ankle_sd_mm": 2.0, "calf_mm": 365, "calf_sd_mm": 3.0,
                   "knee_high_length_mm": 410},
          "right": {"ankle_mm": 222, "calf_mm": 366, "knee_high_length_mm": 412},
          "source": "tape"}


def a_json(**changes):
    data = {"answers": {q: False for q in QUESTION_IDS}, "purpose": "everyday",
            "prescription_mmhg": None, "staff_confirmed": False}
    data.update(changes)
    return data


@pytest.fixture
def files(tmp_path):
    def write(measurement=M_JSON, answers=None):
        m, a = tmp_path / "M.json", tmp_path / "A.json"
        m.write_text(measurement if isinstance(measurement, str) else json.dumps(measurement))
        a.write_text(json.dumps(answers if answers is not None else a_json()))
        return ["--measurement", str(m), "--answers", str(a)]
    return write


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_recommend_json_is_the_contract(capsys, files):
    code, out, err = run(capsys, ["recommend", *files(), "--json"])
    assert code == 0 and err == ""
    body = json.loads(out)
    assert body["outcome"] == "recommend"
    (rec,) = body["recommendations"]
    assert rec["product_id"] == "demo-everyday-knee-high" and rec["size"] == "M"
    assert rec["length"] == "short" and rec["class_mmhg"] == [15, 20]
    assert rec["legs"] == ["left", "right"]
    assert body["reasons"][0]["code"] == "standard_size" and body["donning"]


def test_recommend_text_reads_like_a_fitter_talks(capsys, files):
    code, out, _ = run(capsys, ["recommend", *files()])
    assert code == 0
    assert out.startswith("Outcome: recommend")
    assert "size M, short, 15-20 mmHg (left + right)" in out
    assert "Never roll or fold the top down" in out and "illustrative" in out


def test_recommend_in_german(capsys, files):
    code, out, _ = run(capsys, ["recommend", *files(), "--lang", "de"])
    assert code == 0 and out.startswith("Ergebnis: recommend") and "Größe M" in out


@pytest.mark.parametrize(("measurement", "answers", "outcome"), [
    # a red flag is a decision too: exit 0
    (M_JSON, a_json(answers={**{q: False for q in QUESTION_IDS},
                             "emergency_symptoms": True}), "emergency"),
    # calves 40 mm apart: urgent doctor
    ({**M_JSON, "right": {"ankle_mm": 222, "calf_mm": 405}}, a_json(), "urgent_doctor"),
    # unconfirmed prescription above 20 mmHg
    (M_JSON, a_json(purpose="medical", prescription_mmhg=[20, 30]), "pharmacist"),
    # confirmed prescription: the class II line
    (M_JSON, a_json(purpose="medical", prescription_mmhg=[20, 30], staff_confirmed=True),
     "recommend"),
])
def test_every_decision_exits_0(capsys, files, measurement, answers, outcome):
    code, out, err = run(capsys, ["recommend", *files(measurement, answers), "--json"])
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert body["outcome"] == outcome
    if outcome in ("emergency", "urgent_doctor"):
        assert body["recommendations"] == [] and body["donning"] == []


def _drop_answer(q):
    data = a_json()
    del data["answers"][q]
    return data


@pytest.mark.parametrize(("measurement", "answers", "message"), [
    # a missing answer
    (M_JSON, _drop_answer("pregnant"), "question 'pregnant' is not answered"),
    # a measurement without a calf
    ({**M_JSON, "left": {"ankle_mm": 221}}, a_json(), "left.calf_mm is missing"),
    # a negative girth
    ({**M_JSON, "left": {"ankle_mm": -5, "calf_mm": 300}}, a_json(), "ankle_mm"),
    # broken JSON
    ("{not json", a_json(), "is not valid JSON (line 1"),
    # an unknown purpose
    (M_JSON, a_json(purpose="fashion"), "purpose must be"),
    # an unknown source
    ({**M_JSON, "source": "guess"}, a_json(), "source must be"),
    # no source: a camera figure must never pass as a tape's
    ({k: v for k, v in M_JSON.items() if k != "source"}, a_json(), "source is missing"),
    # a misspelled sd inside a leg would switch the calf-difference check off: refused
    ({**M_JSON, "left": {"ankle_mm": 221, "calf_mm": 365, "calf_sd": 3.0}}, a_json(),
     "left: unknown key 'calf_sd'"),
])
def test_invalid_input_exits_2_with_one_line(capsys, files, measurement, answers, message):
    code, out, err = run(capsys, ["recommend", *files(measurement, answers), "--json"])
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("legfit: ") and message in lines[0]


def test_a_missing_file_exits_2(capsys, tmp_path, files):
    argv = files()
    argv[1] = str(tmp_path / "nope.json")
    code, _, err = run(capsys, ["recommend", *argv])
    assert code == 2 and "does not exist" in err and len(err.strip().splitlines()) == 1


def test_recommend_with_an_invalid_catalogue_exits_2(capsys, files, tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "x.json").write_text("{}")
    code, _, err = run(capsys, ["recommend", *files(), "--catalogue", str(folder)])
    assert code == 2 and err.startswith("legfit: catalogue file x.json: ")


def test_catalogue_show_json(capsys):
    code, out, _ = run(capsys, ["catalogue", "show", "--json"])
    assert code == 0
    products = json.loads(out)["products"]
    assert len(products) >= 4
    for p in products:
        assert {"id", "name", "style", "class_mmhg", "requires_prescription", "illustrative",
                "sizes"} <= set(p)
        for size in p["sizes"]:
            assert {"size", "ankle_mm", "calf_mm", "lengths"} <= set(size)
            assert all("name" in ln for ln in size["lengths"])


def test_catalogue_show_of_a_folder_and_as_text(capsys, tmp_path):
    folder = tmp_path / "cat"
    shutil.copytree(BUNDLED_CATALOGUE_DIR, folder)
    code, out, _ = run(capsys, ["catalogue", "show", str(folder)])
    assert code == 0 and "demo-everyday-knee-high" in out and "[illustrative]" in out


def test_catalogue_check_passes_the_bundled_one(capsys):
    code, out, _ = run(capsys, ["catalogue", "check", str(BUNDLED_CATALOGUE_DIR)])
    assert code == 0 and "4 product lines valid" in out


def test_catalogue_check_lists_every_problem_and_exits_2(capsys, tmp_path):
    folder = tmp_path / "cat"
    shutil.copytree(BUNDLED_CATALOGUE_DIR, folder)
    sock = folder / "travel_sock.json"
    sock.write_text(sock.read_text().replace('"calf_mm": [340, 460]', '"calf_mm": [460, 340]'))
    (folder / "broken.json").write_text("{\n")
    code, out, err = run(capsys, ["catalogue", "check", str(folder)])
    assert code == 2
    assert "INVALID  catalogue file travel_sock.json: line" in out
    assert "field sizes[2].calf_mm" in out and "broken.json" in out
    (line,) = err.strip().splitlines()
    assert line.startswith("legfit: 2 of 5 catalogue files refused")


def test_catalogue_check_of_a_missing_folder(capsys, tmp_path):
    code, _, err = run(capsys, ["catalogue", "check", str(tmp_path / "none")])
    assert code == 2 and "does not exist" in err


def test_screener_json(capsys):
    code, out, _ = run(capsys, ["screener", "--json"])
    assert code == 0
    body = json.loads(out)
    assert [q["id"] for q in body["questions"]] == list(QUESTION_IDS)
    for q in body["questions"]:
        assert q["text_en"] and q["text_de"] and q["source"]
        assert q["action"] in body["outcomes"]
    assert body["outcomes"][0] == "emergency" and body["outcomes"][-1] == "recommend"


def test_screener_text_in_german(capsys):
    code, out, _ = run(capsys, ["screener", "--lang", "de"])
    assert code == 0 and "Sind Sie schwanger?" in out and "source:" in out
