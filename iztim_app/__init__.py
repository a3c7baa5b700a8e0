"""İztim: policy administration for small Turkish non-life insurers."""
