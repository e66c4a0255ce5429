"""The de-identified research release: releases/<R>/research/.

Plain Python, no Dagster: orchestration/defs/release.py wires `build.publish_release`
into the graph. The journey logic is SQL in dbt (models/marts/research/); this
package pseudonymises (keys, pseudonyms), coarsens (coarsen, records), applies
disclosure control to aggregates (disclosure, aggregates), validates (schemas),
documents (dictionary, readme) and publishes atomically (publish).
"""
