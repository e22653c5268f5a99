"""Inference backends: one class per runtime behind one interface (``base.Backend``)."""
