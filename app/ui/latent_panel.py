"""Latents in the region: ranked cards, fuzzy search to add any latent, reset all."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.latent_controls import LatentControls
from app.core.latent_search import search_latents
from app.core.outputs import LatentSummary
from app.ui.latent_card import LatentCard

DENSE_FREQUENCY = 0.10  # "hide latents firing on more than 10% of patches"


class LatentPanel(QWidget):
    editsChanged = Signal(bool)  # immediate?
    showLatentMap = Signal(int)
    rankingOptionsChanged = Signal()
    labelEdited = Signal(int, str)
    openBrowser = Signal()
    latentSelected = Signal(int)  # a card was clicked, or select() was called

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state: LatentControls | None = None  # the controls of the image shown
        self.dictionary = None
        self.user_labels = None
        self.auto_labels: Sequence[str] = ()
        self.reference = np.ones(0, np.float32)
        self.ranking: list[LatentSummary] = []
        self.cards: dict[int, LatentCard] = {}
        self.selected: int | None = None

        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(4)
        head = QHBoxLayout()
        self.title = QLabel(self.tr("Latents in the region"))
        self.title.setObjectName("panelTitle")
        head.addWidget(self.title, 1)
        self.reset_btn = QPushButton(self.tr("Reset all"))
        self.reset_btn.setToolTip(self.tr("Restore every latent (Ctrl+R)"))
        self.reset_btn.clicked.connect(self.reset_all)
        self.browse_btn = QPushButton(self.tr("Dictionary…"))
        self.browse_btn.clicked.connect(self.openBrowser)
        head.addWidget(self.browse_btn)
        head.addWidget(self.reset_btn)
        v.addLayout(head)

        opts = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a latent: id or label…"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Type an id or words of a label (e.g. scratch); best match first, Enter adds it"))
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._add_top_match)
        opts.addWidget(self.search, 1)
        self.hide_dense = QCheckBox(self.tr("hide dense (>10%)"))
        self.hide_dense.setToolTip(self.tr("Hide latents that fire on more than 10% of patches (background features)"))
        self.hide_dense.toggled.connect(self._on_hide_dense)
        opts.addWidget(self.hide_dense)
        v.addLayout(opts)
        self.matches = QListWidget()
        self.matches.setObjectName("searchMatches")
        self.matches.setMaximumHeight(130)
        self.matches.setVisible(False)
        self.matches.itemActivated.connect(self._add_item)
        self.matches.itemClicked.connect(self._add_item)
        v.addWidget(self.matches)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_host = QWidget()
        self.list_layout = QVBoxLayout(self.list_host)
        self.list_layout.setContentsMargins(0, 0, 4, 0)
        self.list_layout.setSpacing(4)
        self.list_layout.addStretch(1)
        self.scroll.setWidget(self.list_host)
        v.addWidget(self.scroll, 1)
        self.empty_label = QLabel(self.tr("Open an image to list its latents."))
        self.empty_label.setWordWrap(True)
        self.list_layout.insertWidget(0, self.empty_label)

    # --- binding ------------------------------------------------------------------------------
    def bind(self, dictionary, user_labels, reference: np.ndarray, auto_labels: Sequence[str]) -> None:  # noqa: ANN001
        """A bundle's dictionary, labels and reference activations."""
        self.dictionary, self.user_labels = dictionary, user_labels
        self.reference = np.asarray(reference, np.float32)
        self.auto_labels = auto_labels
        self.ranking = []
        self.selected = None
        self.rebuild()

    def set_controls(self, controls: LatentControls) -> None:
        """The controls of the image now shown (each image keeps its own)."""
        self.state = controls
        self.ranking = []
        self.selected = None

    def label_for(self, latent: int) -> str:
        u = self.user_labels.label(latent) if self.user_labels is not None else ""
        return u or (self.auto_labels[latent] if 0 <= latent < len(self.auto_labels) else f"latent {latent}")

    def set_ranking(self, latents: list[LatentSummary], mask_empty: bool) -> None:
        self.ranking = list(latents)
        self.title.setText(self.tr("Latents in the whole image") if mask_empty else self.tr("Latents in the painted region"))
        self.rebuild()

    def rebuild(self) -> None:
        for card in self.cards.values():
            self.list_layout.removeWidget(card)
            card.deleteLater()
        self.cards.clear()
        if self.state is None:
            return
        listed = [s.id for s in self.ranking]
        extra = sorted(i for i, c in self.state.items() if i not in listed and (c.pinned or not c.is_default()))
        stats = {s.id: {"mean_in": s.mean_in, "mean_out": s.mean_out, "frequency": s.frequency} for s in self.ranking}
        pos = 0
        d = self.dictionary
        n_top = int(d.top_value.shape[1]) if d is not None and getattr(d, "top_value", None) is not None and d.top_value.ndim == 2 else 0
        for i in extra + listed:  # edited/added latents first: they are what the user is testing
            c = self.state.control(i)
            if i in extra:
                c.pinned = True
            crops = self.dictionary.crops(i) if self.dictionary is not None else []
            auto = self.auto_labels[i] if 0 <= i < len(self.auto_labels) else ""
            user = self.user_labels.label(i) if self.user_labels is not None else ""
            ref = float(self.reference[i]) if i < len(self.reference) else 1.0
            strongest = self.dictionary.strongest_on(i) if self.dictionary is not None else []
            n_parts = self.dictionary.strongest_parts(i) if self.dictionary is not None else 0
            card = LatentCard(c, auto, user, crops, stats.get(i), ref, strongest=strongest, strongest_parts=n_parts,
                              type_effect=self._type_effect(i), n_top=n_top)
            card.changed.connect(self._on_card_changed)
            card.labelEdited.connect(self.labelEdited)
            card.showMap.connect(self.showLatentMap)
            card.removeRequested.connect(self.unpin)
            card.clicked.connect(self.select)
            card.set_selected(i == self.selected)
            self.list_layout.insertWidget(pos, card)
            pos += 1
            self.cards[i] = card
        self.empty_label.setVisible(not self.cards)
        if not self.cards:
            self.empty_label.setText(self.tr("No latent is more active in this region than in the rest of the image."))

    def _type_effect(self, latent: int):  # noqa: ANN202 - LatentTypeEffect | None
        """Whether the latent's effect is specific to its own defect type (stored by the build; None if not)."""
        if self.dictionary is None:
            return None
        from app.core.type_specificity import latent_type_effect

        try:
            return latent_type_effect(self.dictionary, latent)
        except (KeyError, TypeError, ValueError, IndexError):  # a malformed meta block: no line, never a crash
            return None

    def current_latent(self) -> int | None:
        """The chosen latent (a clicked card or bar), else the top listed one; None when nothing is listed."""
        if self.selected is not None:
            return self.selected
        return next(iter(self.cards), None)

    def sync_cards(self) -> None:
        for card in self.cards.values():
            card.sync()

    # --- actions --------------------------------------------------------------------------------
    def _on_card_changed(self, latent: int, immediate: bool) -> None:
        self.editsChanged.emit(immediate)

    def reset_all(self) -> None:
        if self.state is None:
            return
        self.state.reset_all()
        self.sync_cards()
        self.editsChanged.emit(True)

    def pin(self, latent: int) -> None:
        if self.state is None or not 0 <= latent < len(self.auto_labels):
            return
        self.state.control(latent).pinned = True
        self.rebuild()
        card = self.cards.get(latent)
        if card is not None:
            self.scroll.ensureWidgetVisible(card)

    def select(self, latent: int) -> None:
        """Choose a latent (a bar in the Effects chart, or a card): listed (added if absent),
        highlighted and scrolled into view."""
        if self.state is None or not 0 <= latent < len(self.auto_labels):
            return
        self.selected = int(latent)
        if latent not in self.cards:
            self.pin(latent)
        for i, card in self.cards.items():
            card.set_selected(i == latent)
        card = self.cards.get(latent)
        if card is not None:
            self.scroll.ensureWidgetVisible(card)
        self.latentSelected.emit(int(latent))

    def unpin(self, latent: int) -> None:
        if self.state is None:
            return
        was_default = self.state.control(latent).is_default()
        self.state.remove(latent)
        self.rebuild()
        if not was_default:
            self.editsChanged.emit(True)

    def _on_hide_dense(self, _on: bool) -> None:
        self.rankingOptionsChanged.emit()

    # --- search ---------------------------------------------------------------------------------
    def _on_search(self, text: str) -> None:
        self.matches.clear()
        if not text.strip() or not self.auto_labels:
            self.matches.setVisible(False)
            return
        labels = [self.label_for(i) for i in range(len(self.auto_labels))]
        for i, _score in search_latents(text, labels, limit=25):
            it = QListWidgetItem(f"#{i}  {labels[i]}")
            it.setData(Qt.ItemDataRole.UserRole, i)
            self.matches.addItem(it)
        self.matches.setVisible(self.matches.count() > 0)

    def _add_item(self, item: QListWidgetItem) -> None:
        self.pin(int(item.data(Qt.ItemDataRole.UserRole)))
        self.search.clear()

    def _add_top_match(self) -> None:
        if self.matches.count():
            self._add_item(self.matches.item(0))
