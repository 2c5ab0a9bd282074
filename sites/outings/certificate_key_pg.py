"""The certificate signing key in PostgreSQL, the same for every server of the deployment."""

from sites.outings.certificate_key import CertificateKeyTable
from sites.storage.postgres import DatabaseUnavailable
from sites.visits.visit import VisitStoreUnavailable


class PostgresCertificateKey(CertificateKeyTable):
    """The key in PostgreSQL (sites/storage/migrations/0006_certificate_key.sql), the same for every server."""

    def _read(self) -> bytes:
        try:
            return super()._read()
        except DatabaseUnavailable as exc:  # answered 503, as every page that needs the shared stores
            raise VisitStoreUnavailable(str(exc)) from exc
