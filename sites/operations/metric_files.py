"""Where `serve --workers N` keeps its metrics: prometheus-client's multiprocess mode writes each worker's counters
to files in the folder named by PROMETHEUS_MULTIPROC_DIR, which must be set before any worker imports the client.
Apart from sites/operations/metrics.py so that the backup and the command line need not import the client."""

from pathlib import Path

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
METRICS_FOLDER = "metrics"  # in the data folder: the multiprocess mode's files, emptied at each start


def fresh_metrics_folder(data_dir: Path) -> Path:
    """The folder for `serve --workers N`'s metric files, emptied: counters start again with the server, as
    Prometheus expects of a restart (a dead process's files would otherwise count twice)."""
    folder = data_dir / METRICS_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return folder
