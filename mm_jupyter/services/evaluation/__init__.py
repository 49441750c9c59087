"""Evaluation reports (``mm.evaluate``): task inference, metrics, curves, figures, storage.

``inputs`` turns a model and its data into predictions and scores, ``classification``
and ``regression`` compute the metrics and tables, ``curves`` the bounded ROC, PR and
calibration curves, ``importance`` the opt-in feature importance, ``figures`` the PNGs
(matplotlib's Agg canvas, never pyplot), ``report`` puts them together and ``storage``
keeps a report as an artifact of kind ``report`` and reads it back.
"""
