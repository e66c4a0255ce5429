"""xjs: cross-justice-system record linkage. Shared core: data layout and the command line."""
