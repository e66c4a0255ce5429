"""Record linkage: the Splink model and everything around it (no Dagster import).

settings (comparisons, blocking, THRESHOLDS) -> features (model columns) ->
training -> predict -> clustering -> stable_ids -> pipeline.link_release;
evaluation scores a lookup against the truth of a synthetic drop.
"""
