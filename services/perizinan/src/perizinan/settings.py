from pathlib import Path

from puja_kit.settings import BaseServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PUJA_PERIZINAN_", extra="ignore")

    service_name: str = "perizinan"
    # Scans and photos the applicants upload (LocalStorage); never in the database.
    storage_dir: Path = Path(".data/uploads/perizinan")
    # Where the public permit check lives, printed as a QR code on every permit.
    public_base_url: str = "http://127.0.0.1:8080"
    # An upload may be 5 MB; the multipart envelope around it needs a little more.
    max_body_bytes: int = 6 * 1024 * 1024
