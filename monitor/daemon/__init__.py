"""The daemon's runtime: scheduler, feed poller, index reader, work queue, pipeline, rule book."""
