"""What /metrics tells Prometheus: counted visits, requests, store commits, refusals, worker queues, health.

Labels are bounded (issue 26): visits by kind, never by site (per-site totals are /api/stats); requests by route
template (`/q/{code}`, never the path a client typed), method and status. A `Metrics` belongs to one app, so tests
build as many as they like. Under `serve --workers N` every process writes its counters and histograms to files in
PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode, chosen when the package is first imported) and the
process that answers a scrape sums them all; the readings of the moment (queues, degraded, content errors) are those
of the answering process, which has the same content and the same store as the others.
"""

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from sites.operations.metric_files import MULTIPROCESS_DIR
from sites.operations.version import VERSION

UNMATCHED = "unmatched"  # the route label of a request no route answered (a 404 for an unknown path)
METHODS = frozenset({"GET", "HEAD", "POST"})  # any other method is labelled "other"
# A scan is answered in about a millisecond; a poster batch may take seconds.
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
COMMIT_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
# What the client was told: 429 too many from it, 413 too large, 503 with a short Retry-After every worker busy.
REFUSALS = {429: "rate_limit", 413: "size", 503: "busy"}
VISIT_KINDS = ("scan", "view", "late_scan")  # VisitKind's values, and scans sent late (api/public/routes/late_scans)
BUSY_RETRY_MAX = 60  # seconds: a 503 asking to come back later than this is no "busy" (a draft site's plaque)


@dataclass(frozen=True)
class Queue:
    """One bounded worker queue at this moment: jobs running and waiting, and how many it takes before refusing."""

    name: str
    depth: int
    capacity: int


@dataclass(frozen=True)
class Readings:
    """The state of the moment, read when Prometheus scrapes."""

    degraded: bool
    content_errors: int
    queues: list[Queue]


class _Readings:
    """A collector reporting what `read()` returns, as gauges, at each scrape."""

    def __init__(self, read: Callable[[], Readings]):
        self.read = read

    def collect(self) -> Iterable[Metric]:
        now = self.read()
        build = GaugeMetricFamily("diachido_build_info", "The running release (always 1)", labels=["version"])
        build.add_metric([VERSION], 1)
        degraded = GaugeMetricFamily("diachido_degraded", "1 while pages are served but visits cannot be counted "
                                                          "(a damaged visit store, an unreachable database)")
        degraded.add_metric([], int(now.degraded))
        errors = GaugeMetricFamily("diachido_content_errors", "Problems found in content/ (diachido check lists them)")
        errors.add_metric([], now.content_errors)
        depth = GaugeMetricFamily("diachido_queue_depth", "Jobs running and waiting in a worker queue",
                                  labels=["queue"])
        capacity = GaugeMetricFamily("diachido_queue_capacity", "Jobs a worker queue takes before it answers 503",
                                     labels=["queue"])
        for queue in now.queues:
            depth.add_metric([queue.name], queue.depth)
            capacity.add_metric([queue.name], queue.capacity)
        return [build, degraded, errors, depth, capacity]


class Metrics:
    """The app's metrics; `read` gives the state of the moment at each scrape."""

    def __init__(self, read: Callable[[], Readings]):
        self.registry = CollectorRegistry()
        self._readings = _Readings(read)
        self.registry.register(self._readings)
        self._visit_series: dict[str, Callable] = {}  # as _request_series below
        self.visits = Counter("diachido_visits", "Counted visits by kind (scan, view, late_scan); per site: /api/stats",
                              ["kind"], registry=self.registry)
        for kind in VISIT_KINDS:  # at 0 from the start: "no scan for two hours" needs a series to look at
            self.counted(kind, 0)
        self.requests = Counter("diachido_http_requests", "Requests answered, by route template, method and status",
                                ["route", "method", "status"], registry=self.registry)
        self.durations = Histogram("diachido_http_request_duration_seconds", "Time to answer, by route template",
                                   ["route"], buckets=DURATION_BUCKETS, registry=self.registry)
        self.refused = Counter("diachido_refused_requests", "Requests refused, by reason (rate_limit, size, busy)",
                               ["reason"], registry=self.registry)
        self.commit_seconds = Histogram("diachido_store_commit_seconds", "Time of one commit of the visit store",
                                        buckets=COMMIT_BUCKETS, registry=self.registry)
        self.commit_batch = Histogram("diachido_store_commit_batch_size", "Visits or late-scan batches per commit",
                                      buckets=BATCH_BUCKETS, registry=self.registry)
        # Children by label values, looked up once: labels() takes a lock and builds a tuple on every call.
        self._request_series: dict[tuple[str, str, int], tuple[Callable, Callable]] = {}

    def counted(self, kind: str, visits: int = 1) -> None:
        """`visits` counted visits of `kind` (scan, view)."""
        count = self._visit_series.get(kind)
        if count is None:
            count = self._visit_series[kind] = self.visits.labels(kind).inc
        count(visits)

    def observe_request(self, route: str, method: str, status: int, seconds: float, retry_after: int | None) -> None:
        """One answered request (a few microseconds: it runs for every scan)."""
        key = (route, method, status)
        series = self._request_series.get(key)
        if series is None:
            label = method if method in METHODS else "other"
            series = (self.requests.labels(route, label, str(status)).inc, self.durations.labels(route).observe)
            self._request_series[key] = series
        count, observe = series
        count()
        observe(seconds)
        reason = REFUSALS.get(status)
        if reason and (status != 503 or (retry_after is not None and retry_after <= BUSY_RETRY_MAX)):
            self.refused.labels(reason).inc()

    def observe_commit(self, seconds: float, batch: int) -> None:
        """One commit of the visit store: its time and how many items it carried."""
        self.commit_seconds.observe(seconds)
        self.commit_batch.observe(batch)

    def exposition(self) -> tuple[bytes, str]:
        """The text format and its content type: this process's metrics, or every process's in multiprocess mode."""
        if os.environ.get(MULTIPROCESS_DIR):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            registry.register(self._readings)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
