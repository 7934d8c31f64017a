"""The end of a fitting that is not a sale: what to do, calmly, and never a product."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fitting.recommend import Decision
from session.domain import Verdict
from session.intents import Next
from ui.illustrations import IllustrationView
from ui.screen_base import FlowScreen, card, clear_layout
from ui.theme import set_role, tag

REFERRAL_OUTCOMES = ("emergency", "urgent_doctor", "see_doctor", "pharmacist",
                     "made_to_measure", "staff_check")

# A calm picture for each outcome: a warning for today's doctor visit, the medical cross
# for a check first, the measured leg where it is about size.
REFERRAL_PICTURES = {"emergency": "warning_signs", "urgent_doctor": "warning_signs",
                     "see_doctor": "purpose.medical", "pharmacist": "purpose.medical",
                     "made_to_measure": "attract", "staff_check": "attract",
                     "possible_clot": "warning_signs"}


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
        self.root.addWidget(self.emergency_panel, 1)
        # Every other referral: title, what it means, what to do, and why.
        self.title = self.label("title")
        self.body = self.label("body")
        self.root.addWidget(self.title)
        self.root.addWidget(self.body)
        self.action_card, action = card("notice")
        self.action_label = self.label("body")
        set_role(self.action_label, "body")
        action.addWidget(self.action_label)
        self.root.addWidget(self.action_card)
        self.why_title = self.label("step")
        self.root.addWidget(self.why_title)
        self.why_card, self.why_layout = card()
        self.root.addWidget(self.why_card)
        self.picture = IllustrationView(None, self.theme.px(240))
        # Calm, not alarming: the picture supports the words, it does not shout over them.
        self.picture.setMaximumSize(self.theme.px(360), self.theme.px(360))
        self.root.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        # Spare height: below the words on an ordinary referral; in the red panel (which
        # stretches too) on an emergency, so that panel fills the screen.
        self.root.addStretch(1)
        self._slack_index = self.root.count() - 1
        self.done_button = self.button(Next())
        tag(self.done_button, height_class="large")
        self.root.addWidget(self.done_button)

    @property
    def outcome(self) -> str:
        """The texts shown: an outcome, or "possible_clot" (see ``referral_texts``)."""
        return referral_texts(self.model.referral)

    def refresh(self) -> None:
        outcome = self.outcome
        emergency = outcome == "emergency"
        self.emergency_panel.setVisible(emergency)
        self.root.setStretch(self._slack_index, 0 if emergency else 1)
        self.emergency_title.setText(self.t("referral.emergency.title"))
        self.emergency_number.setText(self.t("referral.emergency.number"))
        self.emergency_body.setText(self.t("referral.emergency.body"))
        self.emergency_calm.setText(self.t("referral.emergency.calm"))
        self.emergency_staff.setText(self.t("referral.emergency.staff"))
        self.picture.set_key(REFERRAL_PICTURES[outcome])
        for w in (self.title, self.body, self.action_card, self.picture):
            w.setVisible(not emergency)
        if not emergency:
            self.title.setText(self.t(f"referral.{outcome}.title"))
            self.body.setText(self.t(f"referral.{outcome}.body"))
            self.action_label.setText(self.t(f"referral.{outcome}.action"))
        verdict = self.model.referral
        reasons = () if verdict is None else verdict.reasons
        # The reasons that asked for a referral; advice notes (about a product class or
        # the purpose) do not belong on a screen that sells nothing.
        asking = tuple(r for r in reasons if r.action is not None)
        reasons = asking or reasons
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
