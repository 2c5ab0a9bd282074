"""`diachido doctor`: the checks of a deployment before it goes public, each problem one line naming the setting
(or the command) that fixes it, Vietnamese first. Nothing is changed: it only reads."""

import ipaddress
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sites.backup import last_backup
from sites.catalog.journey_loader import load_all
from sites.catalog.languages import SOURCE_LANGUAGE
from sites.catalog.loader import ContentFolderMissing
from sites.operations.upgrades import pending
from sites.settings import ENV_PREFIX, Settings, is_loopback
from sites.storage.postgres import DatabaseUnavailable
from sites.storage.schema_version import SchemaTooNew, known_version

MIN_FREE_BYTES = 2 * 2**30  # photos, narration and a day's backups; a full disk stops counting visits
MAX_BACKUP_AGE = timedelta(days=7)  # docs/deploy.md asks for a daily backup; a week old is a week to lose
BROADEST_PROXY_PREFIX = {4: 8, 6: 32}  # a wider "proxy" network lets half the internet say who it is
VOICES = (SOURCE_LANGUAGE, "en")  # the bundled eSpeak NG voices that every deployment's narration needs


@dataclass(frozen=True)
class Problem:
    """What is wrong, and the setting (DIACHIDO_...) or command to change."""

    setting: str
    message: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.message}"


def examine(settings: Settings) -> list[Problem]:
    """Every problem found, in the order of the checks; empty for a good setup."""
    checks: list[Callable[[Settings], list[Problem]]] = [
        _base_url, _trusted_proxies, _data_folder, _free_disk, _database, _backup, _content, _voices]
    return [problem for check in checks for problem in check(settings)]


def _name(setting: str) -> str:
    return ENV_PREFIX + setting.upper()


def _base_url(settings: Settings) -> list[Problem]:
    setting, url = _name("base_url"), settings.base_url
    host = urlsplit(url).hostname or ""
    if settings.base_url_unreachable():
        where = settings.listen_host or "unset"
        return [Problem(setting, f"{url} là địa chỉ của chính máy này, điện thoại không mở được mã QR / names this "
                                 f"machine, phones cannot open its QR codes (DIACHIDO_LISTEN_HOST: {where}): set the "
                                 f"public address, e.g. https://ditich.tinhdoan.vn")]
    if settings.base_url_is_loopback:
        return []  # a trial on this machine only: nothing is reachable from outside, and nothing claims to be
    problems = []
    if _private(host):
        problems.append(Problem(setting, f"{host} là địa chỉ mạng nội bộ / is a private address: phones on mobile "
                                         f"data cannot open it; set the public name or address"))
    elif "." not in host and ":" not in host:
        problems.append(Problem(setting, f"{host} không phải tên miền công khai / is not a public name (no domain): "
                                         f"set the name phones will resolve, e.g. ditich.tinhdoan.vn"))
    if not settings.secure_cookies:
        problems.append(Problem(setting, f"{url} dùng http, mật khẩu cán bộ đi qua mạng không mã hoá / uses http: "
                                         f"staff passwords cross the network in clear; serve https behind a proxy "
                                         f"(docs/deploy.md) and set https://..."))
    return problems


def _private(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.endswith((".local", ".lan", ".internal"))
    return not address.is_global


def _trusted_proxies(settings: Settings) -> list[Problem]:
    setting = _name("trusted_proxies")
    problems = [Problem(setting, f"{network} quá rộng, ai cũng tự khai được địa chỉ / is too wide: anyone in it may "
                                 f"claim any address; list your proxies' own addresses")
                for network in map(ipaddress.ip_network, settings.trusted_proxies)
                if network.prefixlen < BROADEST_PROXY_PREFIX[network.version]]
    if settings.secure_cookies and is_loopback(settings.listen_host) and not settings.trusted_proxies:
        problems.append(Problem(setting, "chưa đặt, nên mọi khách đều là 127.0.0.1 sau proxy / unset: behind the "
                                         "HTTPS proxy on this machine every visitor is 127.0.0.1, one address for "
                                         "login limits and visit counts; set it to 127.0.0.1"))
    return problems


def _data_folder(settings: Settings) -> list[Problem]:
    setting, folder = _name("data_dir"), settings.data_dir.absolute()
    if not folder.exists():
        parent = _existing_parent(folder)
        if os.access(parent, os.W_OK):
            return []  # made, private, on first start
        return [Problem(setting, f"{folder} chưa có và không tạo được / does not exist and {parent} is not writable")]
    if not folder.is_dir():
        return [Problem(setting, f"{folder} không phải thư mục / is not a folder")]
    problems = []
    if not os.access(folder, os.W_OK | os.X_OK):
        problems.append(Problem(setting, f"{folder}: máy chủ không ghi được / not writable by this user"))
    mode = folder.stat().st_mode & 0o777
    if mode & 0o077:
        problems.append(Problem(setting, f"{folder} có quyền {mode:o}, người khác đọc được / is readable by others "
                                         f"(mode {mode:o}; it holds accounts and drafts): chmod 700 {folder}"))
    return problems


def _existing_parent(folder: Path) -> Path:
    while not folder.exists():
        folder = folder.parent
    return folder


def _free_disk(settings: Settings) -> list[Problem]:
    folder = _existing_parent(settings.data_dir.absolute())
    free = shutil.disk_usage(folder).free
    if free >= MIN_FREE_BYTES:
        return []
    return [Problem(_name("data_dir"), f"ổ đĩa của {folder} chỉ còn {free / 2**20:.0f} MB / only {free / 2**20:.0f} "
                                       f"MB free on its disk (at least {MIN_FREE_BYTES // 2**30} GB): free space or "
                                       f"move the folder")]


def _database(settings: Settings) -> list[Problem]:
    setting = _name("database_url" if settings.database_url else "data_dir")
    try:
        behind = pending(settings)
    except SchemaTooNew as exc:
        return [Problem(setting, str(exc))]
    except DatabaseUnavailable as exc:
        return [Problem(setting, f"không kết nối được / cannot connect: {exc}")]
    if behind is None:
        return []
    return [Problem(setting, f"lược đồ ở phiên bản {behind}, bản này cần {known_version()} / the schema is at version "
                             f"{behind}, this release needs {known_version()}: run `diachido migrate` (after "
                             f"`diachido backup`)")]


def _backup(settings: Settings) -> list[Problem]:
    made = last_backup(settings.data_dir)
    if made is None:
        return [Problem("diachido backup", "chưa có bản sao lưu nào / no backup recorded for this data folder: "
                                           "schedule `diachido backup` daily (docs/deploy.md)")]
    age = datetime.now(UTC) - made
    if age <= MAX_BACKUP_AGE:
        return []
    return [Problem("diachido backup", f"bản sao lưu gần nhất đã {age.days} ngày / the last backup is {age.days} "
                                       f"days old: check the daily timer (docs/deploy.md)")]


def _content(settings: Settings) -> list[Problem]:
    setting = _name("content_dir")
    try:
        loaded = load_all(settings.content_dir)
    except ContentFolderMissing:
        return [Problem(setting, f"{settings.content_dir.absolute()}: không thấy thư mục nội dung / no content "
                                 f"folder (diachido init makes one)")]
    if loaded.errors:
        return [Problem(setting, f"{len(loaded.errors)} lỗi nội dung / problems in the content: `diachido check "
                                 f"{settings.content_dir}` lists each file and field")]
    return []


def _voices(settings: Settings) -> list[Problem]:
    from speech.espeak import SpeechError, has_voice  # loads libespeak-ng: only here, not for every command

    try:
        missing = [voice for voice in VOICES if not has_voice(voice)]
    except (SpeechError, OSError) as exc:
        missing, reason = list(VOICES), f" ({exc})"
    else:
        reason = ""
    if not missing:
        return []
    return [Problem(_name("narrate_ahead"), f"thiếu giọng đọc eSpeak NG {', '.join(missing)}{reason} / no eSpeak NG "
                                            f"voice for {', '.join(missing)}: reinstall with the lock file "
                                            f"(docs/deploy.md), or set false and upload recordings")]
