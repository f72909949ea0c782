"""Live connectors: poll network APIs and feeds on a schedule and feed the raw store (``kith listen``)."""
