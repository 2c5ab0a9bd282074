"""The app's state of the moment for /metrics: degraded or not, content errors, and every bounded worker queue."""

from api.state import AppState
from sites.catalog.narration import QUEUE_LIMIT
from sites.operations.metrics import Queue, Readings


def read_state(state: AppState) -> Readings:
    """What `state` says now; cheap enough for every scrape (a few attribute reads)."""
    pools = (*state.print_shop.pools(), state.image_worker.pool, state.imports)
    queues = [Queue(pool.name, pool.pending, pool.capacity) for pool in pools]
    queues.append(Queue("narration", state.narrations.asked(), QUEUE_LIMIT))
    return Readings(degraded=state.visits.problem is not None, content_errors=len(state.catalog.errors), queues=queues)
