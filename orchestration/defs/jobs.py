"""The release job: every asset and check for one release partition."""

import dagster as dg

RELEASE_JOB = "xjs_release_job"

xjs_release_job = dg.define_asset_job(
    RELEASE_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest, standardise, link and evaluate one release.",
)
