"""History for backfills: WordPress date archives, paged feeds and news sitemaps."""
