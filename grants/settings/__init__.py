"""Settings staff keep for the whole installation: the contracting authority's letterhead and
signatory."""
