"""The release job: every asset and check for one release partition."""

import dagster as dg

RELEASE_JOB = "xjs_release_job"

# In one process: the warehouse takes one writer at a time anyway, and a
# process per step would spend more time importing than working.
xjs_release_job = dg.define_asset_job(
    RELEASE_JOB,
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest, standardise, link, evaluate and publish one release.",
)
