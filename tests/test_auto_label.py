"""Automatic latent labels: the class detected best above chance, and weak below AP 0.3."""

from __future__ import annotations

import numpy as np

from app.core.dictionary import NO_CLASS, auto_label

CLASSES = ("scratch", "solder_mask")


def test_a_dense_surface_latent_does_not_hide_a_rare_defect_association():
    # AP 0.45 on a class covering 40% of patches is barely above chance; AP 0.35 on a 0.5% class is not
    ap = np.array([0.35, 0.45])
    assert auto_label(ap, CLASSES, np.array([0.005, 0.4])) == "scratch, AP 0.35"
    assert auto_label(ap, CLASSES) == "solder_mask, AP 0.45", "without prevalences the raw AP decides"


def test_the_common_class_wins_when_it_is_detected_well_above_chance():
    assert auto_label(np.array([0.2, 0.95]), CLASSES, np.array([0.005, 0.4])) == "solder_mask, AP 0.95"


def test_weak_marks_the_named_class_ap_and_nan_is_never_chosen():
    assert auto_label(np.array([0.12, np.nan]), CLASSES, np.array([0.01, 0.3])) == "weak: scratch, AP 0.12"
    assert auto_label(np.array([np.nan, 0.5]), CLASSES, np.array([0.01, 0.3])) == "solder_mask, AP 0.50"
    assert auto_label(np.zeros(0), ()) == "unlabelled"


def test_a_latent_at_chance_everywhere_is_not_named_after_the_rarest_class():
    # AP equal to (or below) prevalence for every class: no skill, so no class is named
    prevalence = np.array([0.005, 0.4])
    assert auto_label(np.array([0.004, 0.39]), CLASSES, prevalence) == NO_CLASS
    assert auto_label(prevalence.copy(), CLASSES, prevalence) == NO_CLASS
    # the least skill above chance is still a (weak) association, and is named
    assert auto_label(np.array([0.006, 0.39]), CLASSES, prevalence) == "weak: scratch, AP 0.01"
