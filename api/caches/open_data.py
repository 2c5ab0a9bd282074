"""The open-data files served at /api/open-data/ (issue 23): each made once per content version and day, by one
low-priority thread with a short queue (503 beyond it), kept in a cache bounded in bytes."""

from concurrent.futures import ThreadPoolExecutor

from api.workpool import ByteCache, WorkPool, low_priority_threads
from sites.open_data.package import OpenDataSource, open_data_file

# A sites.csv of 1,000 sites in two languages is about 1 MB; every file of a few thousand sites fits.
OPEN_DATA_CACHE_BYTES = 16 * 2**20
OPEN_DATA_WORKERS, OPEN_DATA_QUEUE = 1, 4


class OpenDataFiles:
    """The package's files by (name, content version, last day of visits)."""

    def __init__(self) -> None:
        self.files = ByteCache(OPEN_DATA_CACHE_BYTES)
        self._pool = WorkPool("open data", _threads, OPEN_DATA_WORKERS, OPEN_DATA_QUEUE)

    async def get(self, name: str, source: OpenDataSource) -> bytes:
        """The file `name` of the package (one of `sites.open_data.package.FILES`)."""
        return await self.files.get((name, version(source)), lambda: self._pool.run(open_data_file, name, source))

    def close(self) -> None:
        self._pool.close()


def version(source: OpenDataSource) -> str:
    """What changes the files: the content, and the last day of the visits."""
    return f"{source.version.key}-{source.last_day:%Y%m%d}"


def _threads(workers: int) -> ThreadPoolExecutor:
    return low_priority_threads(workers, "open-data")
