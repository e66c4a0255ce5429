"""xjs: cross-justice-system record linkage. The ground floor: data layout, drop reading,
atomic files, fault points, verified-lookup markers and message scrubbing."""
