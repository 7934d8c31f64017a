"""The first screens: attract (welcome, language), language choice and purpose."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout

from fitting.outcome import Purpose
from session.intents import ChooseLanguage, ChoosePurpose, OpenStaff, Start
from ui.i18n import LANGUAGE_NAMES, LANGUAGES, tr
from ui.illustrations import IllustrationView
from ui.screen_base import FlowScreen
from ui.theme import set_role, tag

PURPOSES = ("travel", "everyday", "sport", "medical")


class AttractScreen(FlowScreen):
    """The welcome screen. Intents: ``ChooseLanguage``, ``Start``, ``OpenStaff``.

    ``show_model(status)``: ``status.language`` marks the current language button."""

    screen_name = "attract"

    def build(self) -> None:
        top = QHBoxLayout()
        self.staff_button = self.button(OpenStaff(), role="quiet")
        self.staff_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        top.addWidget(self.staff_button)
        top.addStretch(1)
        self.language_buttons: dict[str, QPushButton] = {}
        for lang in LANGUAGES:
            b = self.button(ChooseLanguage(lang), role="choice")
            b.setText(LANGUAGE_NAMES[lang])
            b.setMinimumWidth(self.theme.px(260))
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.language_buttons[lang] = b
            top.addWidget(b)
        self.root.addLayout(top)
        self.picture = IllustrationView("attract", self.theme.px(360))
        self.root.addWidget(self.picture, 3)
        self.title = self.label("headline", align=Qt.AlignmentFlag.AlignHCenter)
        self.body = self.label("body", align=Qt.AlignmentFlag.AlignHCenter)
        self.privacy = self.label("small", align=Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.title)
        self.root.addWidget(self.body)
        self.root.addWidget(self.privacy)
        self.root.addSpacing(self.theme.px(20))
        self.start_button = self.button(Start())
        set_role(self.start_button, "primary")
        tag(self.start_button, height_class="large")
        self.root.addWidget(self.start_button)

    def refresh(self) -> None:
        current = self.model.language
        for lang, b in self.language_buttons.items():
            set_role(b, "choice", selected="true" if lang == current else "false")
        self.staff_button.setText(self.t("common.staff"))
        self.title.setText(self.t("attract.title"))
        self.body.setText(self.t("attract.body"))
        self.privacy.setText(self.t("attract.privacy"))
        self.start_button.setText(self.t("attract.start"))


class LanguageScreen(FlowScreen):
    """Language choice. Intents: ``ChooseLanguage``, ``Back``."""

    screen_name = "language"

    def build(self) -> None:
        self.title = self.label("title")
        self.root.addWidget(self.title)
        self.root.addStretch(1)
        self.language_buttons: dict[str, QPushButton] = {}
        for lang in LANGUAGES:
            b = self.button(ChooseLanguage(lang), role="choice")
            b.setText(LANGUAGE_NAMES[lang])
            tag(b, height_class="tall")
            self.language_buttons[lang] = b
            self.root.addWidget(b)
        self.root.addStretch(2)
        self.root.addLayout(self.footer(back=True, start_over=False))

    def refresh(self) -> None:
        # The title in both languages: whoever stands here can read one of them.
        self.title.setText(" / ".join(tr("language.title", lang) for lang in LANGUAGES))
        current = self.model.language
        for lang, b in self.language_buttons.items():
            set_role(b, "choice", selected="true" if lang == current else "false")
        self.refresh_footer()


class _PurposeButton(QPushButton):
    """A large choice button with a picture, a title and a line of detail."""

    def __init__(self, purpose: str, theme) -> None:
        super().__init__()
        set_role(self, "choice")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        tag(self, height_class="tall")
        row = QHBoxLayout(self)
        row.setContentsMargins(theme.px(24), theme.px(16), theme.px(24), theme.px(16))
        row.setSpacing(theme.px(28))
        self.picture = IllustrationView(f"purpose.{purpose}", theme.px(150),
                                        backdrop=theme.colours.surface)
        self.picture.setFixedSize(theme.px(150), theme.px(150))
        row.addWidget(self.picture)
        texts = QVBoxLayout()
        self.title = QLabel()
        set_role(self.title, "title")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        set_role(self.detail, "body")
        texts.addStretch(1)
        texts.addWidget(self.title)
        texts.addWidget(self.detail)
        texts.addStretch(1)
        row.addLayout(texts, 1)
        for child in (self.picture, self.title, self.detail):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)


class PurposeScreen(FlowScreen):
    """What the stockings are for. Intents: ``ChoosePurpose``, ``Back``, ``StartOver``.
    ``show_model(status)``: ``status.purpose`` marks the current choice."""

    screen_name = "purpose"

    def build(self) -> None:
        self.title = self.label("title")
        self.root.addWidget(self.title)
        self.root.addSpacing(self.theme.px(20))
        self.purpose_buttons: dict[str, _PurposeButton] = {}
        for purpose in PURPOSES:
            b = _PurposeButton(purpose, self.theme)
            chosen = ChoosePurpose(Purpose(purpose))
            b.clicked.connect(lambda _=False, i=chosen: self.emit_intent(i))
            self.purpose_buttons[purpose] = b
            self.root.addWidget(b)
        self.root.addStretch(1)
        self.root.addLayout(self.footer())

    def refresh(self) -> None:
        self.title.setText(self.t("purpose.title"))
        current = self.model.purpose
        for purpose, b in self.purpose_buttons.items():
            b.title.setText(self.t(f"purpose.{purpose}"))
            b.detail.setText(self.t(f"purpose.{purpose}.detail"))
            set_role(b, "choice", selected="true" if purpose == current else "false")
            for child in (b.title, b.detail):
                set_role(child, child.property("role"))
        self.refresh_footer()
