"""The end of a fitting that is not a sale: what to do, calmly, and never a product."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from fitting.outcome import Reason
from fitting.recommend import Decision
from session.domain import Verdict
from session.intents import Next, OpenStaff, PrintSlip, ToldStaff
from ui.illustrations import IllustrationView
from ui.screen_base import FlowScreen, card, clear_layout
from ui.screens.code_card import CodeCard
from ui.theme import set_role, tag

REFERRAL_OUTCOMES = ("emergency", "urgent_doctor", "see_doctor", "pharmacist",
                     "made_to_measure", "staff_check")

# A calm picture for each outcome: a warning for today's doctor visit, the medical cross
# for a check first, the measured leg where it is about size.
REFERRAL_PICTURES = {"emergency": "warning_signs", "urgent_doctor": "warning_signs",
                     "see_doctor": "purpose.medical", "pharmacist": "purpose.medical",
                     "made_to_measure": "attract", "staff_check": "attract",
                     "possible_clot": "warning_signs"}


def lay_out_now(words: QScrollArea) -> None:
    """Lay a scrolled column of words out at once after its texts changed, so the first
    picture drawn already has every label at the height its words need (otherwise a
    label added with a longer text shows cut until the next round of events)."""
    inner = words.widget()
    layout = None if inner is None else inner.layout()
    if inner is None or layout is None:
        return
    layout.activate()
    QCoreApplication.sendEvent(inner, QEvent(QEvent.Type.LayoutRequest))


def referral_texts(verdict: Verdict | None) -> str:
    """Which texts explain ``verdict``: its outcome's, or "possible_clot" for a staff
    check because one leg may be swollen (never worded as a size question)."""
    value = "staff_check" if verdict is None else verdict.outcome.value
    # An unknown or a "recommend" outcome here is a wiring bug; asking staff is the safe
    # way to end it, never a product.
    if value not in REFERRAL_OUTCOMES:
        value = "staff_check"
    if value == "staff_check" and isinstance(verdict, Decision) and verdict.possible_clot:
        return "possible_clot"
    return value


def referral_reasons(verdict: Verdict | None) -> tuple[Reason, ...]:
    """The reasons that asked for a referral's outcome (on the screen and the slip): notes
    on sizes, a product class or the purpose do not belong where nothing is sold."""
    if verdict is None:
        return ()
    reasons = verdict.reasons
    asking = tuple(r for r in reasons if r.action is verdict.outcome)
    return asking or tuple(r for r in reasons if r.action is not None) or reasons


class ReferralScreen(FlowScreen):
    """Explains a referral outcome. Intents: ``Next`` when done.

    ``show_model(status)``: ``status.referral``, the screening or decision (``outcome`` and
    ``reasons``) that ended the session. Products in it are ignored: this screen never
    shows one.
    """

    screen_name = "referral"

    def build(self) -> None:
        # Emergency: a red panel with the number, nothing else competing for attention.
        self.emergency_panel, em = card("emergency")
        self.emergency_title = self.label("on_emergency", align=Qt.AlignmentFlag.AlignHCenter)
        self.emergency_number = self.label("emergency_number", wrap=False,
                                           align=Qt.AlignmentFlag.AlignHCenter)
        self.emergency_body = self.label("on_emergency_body",
                                         align=Qt.AlignmentFlag.AlignHCenter)
        self.emergency_calm = self.label("on_emergency",
                                         align=Qt.AlignmentFlag.AlignHCenter)
        self.emergency_staff = self.label("on_emergency_body",
                                          align=Qt.AlignmentFlag.AlignHCenter)
        em.addStretch(1)
        for w in (self.emergency_title, self.emergency_number, self.emergency_body,
                  self.emergency_calm):
            em.addWidget(w)
            em.addStretch(1)
        em.addWidget(self.emergency_staff)
        # For the staff who come: the session's code, small, under everything else, and
        # their sign-in, which acknowledges the alert.
        self.emergency_code = self.label("on_emergency_body",
                                         align=Qt.AlignmentFlag.AlignHCenter)
        em.addWidget(self.emergency_code)
        self.emergency_staff_button = self.button(OpenStaff(), role="secondary")
        em.addWidget(self.emergency_staff_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.emergency_panel, 1)
        # Every other referral: title, what it means, what to do, and why; scrolled when
        # a small screen cannot hold them all (words are never cut).
        self.words = QScrollArea()
        self.words.setWidgetResizable(True)
        self.words.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.words.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        words = QVBoxLayout(inner)
        words.setContentsMargins(0, 0, 0, 0)
        words.setSpacing(self.theme.spacing_px)
        self.title = self.label("title")
        self.body = self.label("body")
        words.addWidget(self.title)
        words.addWidget(self.body)
        self.action_card, action = card("notice")
        self.action_label = self.label("body")
        set_role(self.action_label, "body")
        action.addWidget(self.action_label)
        words.addWidget(self.action_card)
        self.why_title = self.label("step")
        words.addWidget(self.why_title)
        self.why_card, self.why_layout = card()
        words.addWidget(self.why_card)
        self.picture = IllustrationView(None, self.theme.px(240))
        # Calm, not alarming: the picture supports the words, it does not shout over them.
        self.picture.setMaximumSize(self.theme.px(360), self.theme.px(360))
        words.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        words.addStretch(1)
        self.words.setWidget(inner)
        self.root.addWidget(self.words, 1)
        # The code the shopper takes to the counter, with the slip to print.
        self.code_card = CodeCard(lambda: self.emit_intent(PrintSlip()))
        self.root.addWidget(self.code_card)
        self.done_button = self.button(Next())
        tag(self.done_button, height_class="large")
        self.root.addWidget(self.done_button)
        # While an emergency waits for staff the shopper's only action is to say they
        # told someone: nothing on this screen dismisses it.
        self.told_button = self.button(ToldStaff(), role="secondary")
        self.root.addWidget(self.told_button)

    @property
    def outcome(self) -> str:
        """The texts shown: an outcome, or "possible_clot" (see ``referral_texts``)."""
        return referral_texts(self.model.referral)

    def refresh(self) -> None:
        outcome = self.outcome
        emergency = outcome == "emergency"
        self.emergency_panel.setVisible(emergency)
        self.words.setVisible(not emergency)
        self.emergency_title.setText(self.t("referral.emergency.title"))
        self.emergency_number.setText(self.t("referral.emergency.number"))
        self.emergency_body.setText(self.t("referral.emergency.body"))
        self.emergency_calm.setText(self.t("referral.emergency.calm"))
        self.picture.set_key(REFERRAL_PICTURES[outcome])
        code = self.model.fitting_code or ""
        # The code card replaces the picture once there is a code to show.
        self.picture.setVisible(not emergency and not code)
        self.code_card.setVisible(not emergency and bool(code))
        self.code_card.refresh(code, self.model.notice, self.lang)
        # Never broken across lines at its dashes (non-breaking hyphens on screen).
        self.emergency_code.setText(
            self.t("referral.emergency.code", code=code.replace("-", "\u2011")) if code
            else "")
        self.emergency_code.setVisible(emergency and bool(code))
        if not emergency:
            self.title.setText(self.t(f"referral.{outcome}.title"))
            self.body.setText(self.t(f"referral.{outcome}.body"))
            self.action_label.setText(self.t(f"referral.{outcome}.action"))
        reasons = referral_reasons(self.model.referral)
        clear_layout(self.why_layout)
        for reason in reasons:
            line = self.label("body")
            line.setText("• " + reason.text(self.lang))
            self.why_layout.addWidget(line)
        show_why = bool(reasons) and not emergency
        self.why_title.setVisible(show_why)
        self.why_card.setVisible(show_why)
        self.why_title.setText(self.t("referral.why"))
        self.done_button.setText(self.t("common.done"))
        alert = emergency and self.model.alert
        told = alert and self.model.notice == "staff_told"
        self.done_button.setVisible(not alert)
        self.told_button.setVisible(alert and not told)
        self.told_button.setText(self.t("referral.emergency.told"))
        self.emergency_staff.setText(self.t("referral.emergency.staff_coming" if told
                                            else "referral.emergency.staff"))
        self.emergency_staff_button.setVisible(alert)
        self.emergency_staff_button.setText(self.t("referral.emergency.acknowledge"))
        lay_out_now(self.words)
