"""Outside formats: Netflix viewing exports, catalogue files, Netflix's published lists, the
TMDB client and the region sync."""
