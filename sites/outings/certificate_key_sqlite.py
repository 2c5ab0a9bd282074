"""The certificate signing key in an SQLite file of the data folder (mode 0600), shared by one server's processes."""

from pathlib import Path

from sites.outings.certificate_key import CertificateKeyTable
from sites.storage.local_db import LocalDatabase

KEY_FILE = "certificate-key.sqlite3"


class SQLiteCertificateKey(CertificateKeyTable):
    """The key in an SQLite file of the data folder (its table: sites/storage/migrations/sqlite/certificate_key)."""

    def __init__(self, path: Path):
        super().__init__(LocalDatabase(path, "certificate_key"))
