"""The fitting slip: a PDF with the recommendation and donning summary, no picture."""

from __future__ import annotations

import datetime
import re

import pytest

from ui.samples import sample_decision, sample_referrals
from ui.screens.results import product_name
from ui.slip import SlipNotWritten, slip_html, write_slip

CODE = "LF-7K3Q-M9TX"


@pytest.fixture(scope="module")
def decision():
    return sample_decision()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_slip_pdf_is_written_with_no_image_at_all(qapp, tmp_path, decision, lang):
    path = write_slip(tmp_path / "slip.pdf", decision, CODE, lang, datetime.date(2026, 11, 23))
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 2000
    # No raster image of any kind: the QR code is vector squares, and no photo of the
    # shopper can hide in a file with no image objects.
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 1


@pytest.mark.parametrize("lang", ["en", "de"])
def test_slip_text_holds_the_recommendation_and_every_donning_step(decision, lang):
    html = slip_html(decision, lang)
    choice = decision.recommendations[0]
    assert product_name(choice) in html and f"<b>{choice.size}</b>" in html
    # The class never breaks across lines: word joiners at the dash, a non-breaking space.
    assert "15\u2060–\u206020\u00a0mmHg" in html
    for step in decision.donning:
        assert step.text(lang).replace("&", "&amp;") in html


@pytest.mark.parametrize("outcome", ["emergency", "urgent_doctor", "see_doctor",
                                     "pharmacist", "made_to_measure", "staff_check"])
def test_a_referral_slip_says_what_to_do_and_names_no_product(decision, outcome):
    verdict = sample_referrals()[outcome]
    html = slip_html(verdict, "en")
    assert "<h2>" in html
    for choice in decision.recommendations:
        assert choice.product_name not in html


def test_slip_escapes_markup_in_catalogue_text():
    from dataclasses import replace

    d = sample_decision()
    tricky = replace(d.recommendations[0], product_name="<b>Knee & Calf</b>")
    html = slip_html(replace(d, recommendations=(tricky,)), "en")
    assert "&lt;b&gt;Knee &amp; Calf&lt;/b&gt;" in html


def test_a_missing_folder_is_a_clear_error(qapp, tmp_path, decision):
    with pytest.raises(SlipNotWritten, match="does not exist"):
        write_slip(tmp_path / "no" / "slip.pdf", decision, CODE, "en")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_possible_clot_slip_says_so_and_names_no_product(lang):
    from ui.i18n import tr
    from ui.samples import sample_possible_clot

    clot = sample_possible_clot()
    html = slip_html(clot, lang)
    assert tr("referral.possible_clot.title", lang) in html
    # The reasons the screen gives, not the purpose's note on a stocking not sold.
    assert all(r.text(lang) in html for r in clot.reasons if r.action is clot.outcome)
    assert not any(r.text(lang) in html for r in clot.reasons if r.action is None)
    assert ("blood clot" if lang == "en" else "Blutgerinnsels") in html
    assert tr("referral.staff_check.title", lang) not in html
