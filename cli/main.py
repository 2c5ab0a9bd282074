"""The `diachido` command line: thin verbs over the library; user mistakes print a message, not a traceback.

The web server (FastAPI, uvicorn) and the PDF and QR drawing are imported by the verbs that use them, so
`diachido check` loads only the content loader.
"""

import asyncio
import gc
import logging
import logging.config
import os
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from qr.codes import ErrorCorrection, png, print_pixels
from qr.engraving.plates import DEFAULT_SIZE as PLATE_SIZE, PRESETS as PLATE_PRESETS, Material
from qr.formats import DEFAULT_DPI, DEFAULT_SIZE, LeafletFormat, PosterFormat
from sites.backup import BackupError, backup as make_backup, restore as restore_backup
from sites.catalog.journey_loader import load_all
from sites.catalog.journeys import JourneyNotFound
from sites.catalog.languages import SOURCE_LANGUAGE, InvalidLanguageTag, language_tag
from sites.catalog.loader import ContentFolderMissing, LoadResult, load_content
from sites.catalog.narration import NarrationLibrary
from sites.catalog.registry import Registry, SiteNotFound
from sites.catalog.site import Site
from sites.editing.example import ExampleExists, write_example
from sites.editing.importer import (
    CLI_LIMITS,
    SpreadsheetError,
    check_rows,
    province_notes,
    read_rows,
    report_lines,
    write_rows,
)
from sites.editing.site_editor import SiteEditor
from sites.editing.writer import ContentWriter
from sites.operations.version import VERSION
from sites.settings import ENV_PREFIX, Settings, unknown_environment_settings
from sites.staff.accounts import ROLES, AccountError, UserStore, session_secret
from sites.storage.files import write_bytes_atomically
from sites.storage.postgres import DatabaseUnavailable
from sites.storage.schema_version import SchemaTooNew
from sites.stores import user_store

PROGRESS_FROM = 10  # sites: fewer are done before a progress bar would be seen


def load_settings(**overrides) -> Settings:
    """Settings from the environment plus `overrides`; a bad value or unknown variable is a clear CLI error."""
    if unknown := unknown_environment_settings(os.environ):
        raise click.ClickException("Cài đặt không hợp lệ / invalid settings: " + "; ".join(unknown))
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{ENV_PREFIX}{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        raise click.ClickException(f"Cài đặt không hợp lệ / invalid settings: {problems}") from None


@click.group()
@click.version_option(VERSION, prog_name="diachido", message="%(prog)s %(version)s")
def main() -> None:
    """Địa chỉ đỏ: bản đồ di tích có mã QR / QR-coded heritage maps."""


@main.command()
@click.option("--host", help="The address serve listens on (as serve --host); default DIACHIDO_LISTEN_HOST")
@click.option("--content-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_CONTENT_DIR")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def doctor(host: str | None, content_dir: Path | None, data_dir: Path | None) -> None:
    """Khám cấu hình / check the settings, data folder, disk, database, backups, content and voices; exits 1 with
    one line per problem naming the setting to change."""
    from sites.operations.doctor import examine

    settings = load_settings(content_dir=content_dir, data_dir=data_dir, listen_host=host)
    problems = examine(settings)
    for problem in problems:
        click.echo(f"✗ {problem}", err=True)
    if problems:
        click.echo(f"✗ {len(problems)} vấn đề / problems", err=True)
        sys.exit(1)
    click.echo(f"✓ diachido {VERSION}: không thấy vấn đề nào / no problem found")


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def migrate(data_dir: Path | None) -> None:
    """Nâng cấp dữ liệu / bring the stores (the SQLite files of the data folder, or PostgreSQL with
    DIACHIDO_DATABASE_URL) to this release's schema; refuses stores of a newer release."""
    from sites.operations.upgrades import migrate_stores

    settings = load_settings(data_dir=data_dir)
    try:
        done = migrate_stores(settings)
    except (SchemaTooNew, DatabaseUnavailable) as exc:
        raise click.ClickException(f"Không nâng cấp được / cannot migrate: {exc}") from None
    before = "chưa ghi / none recorded" if done.before is None else done.before
    click.echo(f"✓ {done.where}: lược đồ / schema {before} → {done.after} (diachido {VERSION})")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; more than 1 needs DIACHIDO_DATABASE_URL (PostgreSQL)")
@click.option("--content-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_CONTENT_DIR")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def serve(host: str, port: int, workers: int, content_dir: Path | None, data_dir: Path | None) -> None:
    """Chạy máy chủ web / run the web server."""
    import uvicorn

    from sites.operations.malloc_arenas import limit_malloc_arenas
    from sites.operations.metric_files import MULTIPROCESS_DIR, fresh_metrics_folder
    from sites.operations.request_log import logging_config
    from sites.operations.startup import staff_account_count, welcome_lines

    settings = load_settings(content_dir=content_dir, data_dir=data_dir, listen_host=host)
    if not settings.content_dir.is_dir():  # before anything is created, the data folder included
        raise click.ClickException(
            f"Không thấy thư mục nội dung / no content folder: {settings.content_dir.absolute()}\n"
            f"  Sửa / fix: chạy trong thư mục có 'content', hoặc đặt DIACHIDO_CONTENT_DIR / --content-dir; "
            f"run where 'content' is, or set DIACHIDO_CONTENT_DIR / --content-dir\n"
            f"  Bắt đầu mới / starting afresh: diachido init {settings.content_dir}")
    if workers > 1 and settings.database_url is None:
        # The SQLite visit store commits on one process's event loop and the 30-minute window is in that
        # process's memory: a second process would count a returning visitor again.
        raise click.BadParameter("nhiều tiến trình cần PostgreSQL: đặt DIACHIDO_DATABASE_URL, hoặc dùng --workers 1 / "
                                 "several workers need PostgreSQL: set DIACHIDO_DATABASE_URL, or use --workers 1 "
                                 "(SQLite counts visits in one process)", param_hint="--workers")
    _refuse_newer_stores(settings)
    limit_malloc_arenas()  # before any thread, and inherited by the workers
    logging.config.dictConfig(logging_config(settings.log_format))  # once nothing stops the start
    if settings.base_url_unreachable():
        _warn_loopback(settings, "Mã QR và áp phích bị từ chối cho đến khi sửa / QR codes and posters are refused "
                                 "until this is fixed.")
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1; the app decides
    # whom to believe (DIACHIDO_TRUSTED_PROXIES).
    # access_log=False: the app writes one line per request itself (sites/operations/request_log.py), with the
    # route and time, never the client address.
    options = {"host": host, "port": port, "log_level": "info", "proxy_headers": False, "access_log": False,
               "log_config": logging_config(settings.log_format)}
    listen = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    for line in welcome_lines(settings, listen, staff_account_count(settings)):
        logging.getLogger("diachido").info("%s", line)
    if workers == 1:
        uvicorn.run(_app(settings), **options)
        return
    if not settings.content_dir.is_dir():
        raise click.ClickException(f"Không thấy thư mục nội dung / content folder not found: {settings.content_dir}")
    # Each worker builds its own app from the environment (an import string, as uvicorn's workers need):
    # the overrides go there, and the generated secret key is made once, before any worker races to make it.
    os.environ.update({f"{ENV_PREFIX}CONTENT_DIR": str(settings.content_dir),
                       f"{ENV_PREFIX}DATA_DIR": str(settings.data_dir), f"{ENV_PREFIX}LISTEN_HOST": host})
    if settings.secret_key is None:
        session_secret(settings.data_dir)
    # prometheus-client's multiprocess mode: each worker writes its metrics to files there, /metrics sums them.
    os.environ[MULTIPROCESS_DIR] = str(fresh_metrics_folder(settings.data_dir))
    _fill_site_cache(settings)
    uvicorn.run("cli.main:worker_app", factory=True, workers=workers, **options)


def _fill_site_cache(settings: Settings) -> None:
    """Load content/ once, in a process of its own, so that the workers start on a full site cache rather than each
    reading and validating every site (issue 27); what the loading held goes with that process, and the process (with
    its own workers) with the server if the server is killed meanwhile."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from sites.catalog.live import SITE_CACHE, fill_site_cache
    from sites.processes import end_with_parent

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=end_with_parent) as loader:
        loader.submit(fill_site_cache, settings.content_dir, settings.data_dir / SITE_CACHE).result()


def _refuse_newer_stores(settings: Settings) -> None:
    """Stop before serving stores a newer release wrote; an unreachable database is left to the app to report."""
    from sites.operations.upgrades import pending

    try:
        pending(settings)
    except SchemaTooNew as exc:
        raise click.ClickException(str(exc)) from None
    except DatabaseUnavailable:
        pass


YOUNG_COLLECTION_THRESHOLD = 10_000  # new tracked objects between young passes (Python's default: 700)


def worker_app():
    """The app of one `serve --workers N` process, from the DIACHIDO_* environment the parent set."""
    return _app(load_settings())


def _app(settings: Settings):
    """The app on `settings`, its startup objects frozen out of the garbage collector's passes."""
    from api.app import create_app

    try:
        app = create_app(settings)
    except ContentFolderMissing as exc:
        raise click.ClickException(f"Không thấy thư mục nội dung / {exc}") from None
    except SchemaTooNew as exc:
        raise click.ClickException(str(exc)) from None
    # What is loaded now (sites, templates, the bot patterns) lives as long as the process: keep it out
    # of the garbage collector's passes. A request waiting for its scan's commit keeps its objects alive
    # across turns of the event loop, which starts collections; measured in-process, collecting took
    # about 35 µs per scan, 15 µs with the startup objects frozen.
    gc.freeze()
    # A counted scan holds about 200 tracked objects while it waits for its commit, so 32 of them passed
    # Python's default 700 and started a young pass every few scans, which pushed them into the older
    # generations and full passes of 30-50 ms: a seventh of the event loop's time (py-spy, bench/scan.py).
    # Freed by reference counting once answered, they are not there at the next pass if it comes later;
    # only objects in cycles wait longer for it (a few MB at most). The older generations keep their ratios.
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
    return app


@main.command()
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--content-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_CONTENT_DIR")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def backup(dest: Path, content_dir: Path | None, data_dir: Path | None) -> None:
    """Sao lưu / write content/, the data folder and the PostgreSQL database (if used) to DEST, a new .tar.gz;
    safe while the server runs."""
    settings = load_settings(content_dir=content_dir, data_dir=data_dir)
    try:
        archive = make_backup(settings.content_dir, settings.data_dir, _database_url(settings), dest)
    except BackupError as exc:
        raise click.ClickException(f"Không sao lưu được / backup failed: {exc}") from None
    click.echo(f"✓ {archive.content_files} tệp nội dung, {archive.data_files} tệp dữ liệu / content and data files"
               f"{', PostgreSQL' if archive.postgresql else ''}: {dest} ({dest.stat().st_size // 1024} KB)")


@main.command()
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--content-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_CONTENT_DIR")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def restore(src: Path, content_dir: Path | None, data_dir: Path | None) -> None:
    """Khôi phục / unpack the backup SRC into an empty content folder, data folder and database."""
    settings = load_settings(content_dir=content_dir, data_dir=data_dir)
    try:
        archive = restore_backup(src, settings.content_dir, settings.data_dir, _database_url(settings))
    except BackupError as exc:
        raise click.ClickException(f"Không khôi phục được / restore failed: {exc}") from None
    click.echo(f"✓ {archive.content_files} tệp nội dung / content files in {settings.content_dir}, "
               f"{archive.data_files} tệp dữ liệu / data files in {settings.data_dir}"
               f"{', PostgreSQL' if archive.postgresql else ''}")


def _database_url(settings: Settings) -> str | None:
    return settings.database_url.get_secret_value() if settings.database_url else None


@main.command()
@click.argument("content_dir", required=False, type=click.Path(path_type=Path))
def check(content_dir: Path | None) -> None:
    """Kiểm tra thư mục nội dung / validate every site of CONTENT_DIR (default: DIACHIDO_CONTENT_DIR)."""
    folder = content_dir or load_settings().content_dir
    try:
        result = load_all(folder)
    except ContentFolderMissing as exc:
        raise click.ClickException(f"Không thấy thư mục nội dung / {exc}") from None
    for error in result.errors:
        click.echo(str(error), err=True)
    sites = len(result.registry)
    if result.errors:
        click.echo(f"✗ {len(result.errors)} lỗi / problems; {sites} di tích hợp lệ / valid sites", err=True)
        sys.exit(1)
    journeys = len(result.journeys)
    click.echo(f"✓ {sites} di tích hợp lệ / {sites} sites valid in {folder}; {journeys} hành trình / journeys")


@main.command()
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="editor", show_default=True,
              help="admin: every site; editor: the sites of --province")
@click.option("--province", help="The province whose sites an editor may change, e.g. 'Cần Thơ'")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def adduser(name: str, role: str, province: str | None, password_stdin: bool, data_dir: Path | None) -> None:
    """Tạo tài khoản cán bộ / create a staff account for /admin."""
    settings = load_settings(data_dir=data_dir)
    password = _new_password(password_stdin)
    try:
        users = _user_store(settings)
        user = users.add(name, password, role, province)
    except AccountError as exc:
        raise click.ClickException(f"Không tạo được tài khoản / cannot create the account: {exc}") from None
    where = f" ({user.province})" if user.province else ""
    click.echo(f"✓ {user.name}: {user.role}{where}, {users.location}")


def _new_password(from_stdin: bool) -> str:
    """A password from standard input's first line, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True)


def _user_store(settings: Settings) -> UserStore:
    """The deployment's accounts (users.json, or PostgreSQL for every server), with its session store, so
    ending sessions ends them for every server."""
    return user_store(settings.data_dir, _database_url(settings))


@main.command()
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def passwd(name: str, password_stdin: bool, data_dir: Path | None) -> None:
    """Đổi mật khẩu / set a staff member's new password; every session of theirs ends."""
    settings = load_settings(data_dir=data_dir)
    users = _user_store(settings)
    if users.get(name) is None:
        raise click.ClickException(f"Không có tài khoản / there is no user '{name}'")
    try:
        users.set_password(name, _new_password(password_stdin))
    except AccountError as exc:
        raise click.ClickException(f"Không đổi được mật khẩu / cannot change the password: {exc}") from None
    click.echo(f"✓ {name}: mật khẩu mới, mọi phiên đăng nhập đã kết thúc / new password, every session ended")


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def users(data_dir: Path | None) -> None:
    """Danh sách tài khoản / list the staff accounts: name, role, province."""
    settings = load_settings(data_dir=data_dir)
    store = _user_store(settings)
    accounts = store.all()
    width = max((len(user.name) for user in accounts), default=4)
    for user in accounts:
        click.echo(f"{user.name:<{width}}  {user.role:<6}  {user.province or '-'}")
    click.echo(f"{len(accounts)} tài khoản / accounts in {store.location}", err=True)


@main.command()
@click.argument("name")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def deluser(name: str, data_dir: Path | None) -> None:
    """Xoá tài khoản / remove a staff account; its sessions end at once."""
    settings = load_settings(data_dir=data_dir)
    try:
        _user_store(settings).remove(name)
    except AccountError as exc:
        raise click.ClickException(f"Không xoá được / cannot remove: {exc}") from None
    click.echo(f"✓ {name}: đã xoá, mọi phiên đăng nhập đã kết thúc / removed, every session ended")


@main.command()
@click.argument("content_dir", type=click.Path(file_okay=False, path_type=Path))
def init(content_dir: Path) -> None:
    """Tạo thư mục nội dung mới / make a new content folder with one example site (a draft) to edit."""
    try:
        index = write_example(content_dir)
    except ExampleExists as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"✓ {index}\n  Sửa tệp này, rồi / edit this file, then: diachido check {content_dir}")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--only-valid", is_flag=True, help="Import the valid rows even when some rows are bad")
@click.option("--content-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_CONTENT_DIR")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def import_(file: Path, only_valid: bool, content_dir: Path | None, data_dir: Path | None) -> None:
    """Nhập bảng tính CSV/XLSX thành di tích nháp / import a spreadsheet's rows as draft sites."""
    from sites.catalog.i18n import import_labels  # the interface's labels: "Chùa", "cấp quốc gia" are accepted too

    settings = load_settings(content_dir=content_dir, data_dir=data_dir)
    editor = SiteEditor(ContentWriter(settings.content_dir, settings.data_dir), _load(settings.content_dir).registry)
    try:
        report = check_rows(read_rows(file.read_bytes(), CLI_LIMITS), editor, import_labels())
    except SpreadsheetError as exc:
        raise click.ClickException(f"Không đọc được / cannot read {file}: {exc}") from None
    write_rows(report, editor, only_valid=only_valid)
    for line in report_lines(report):
        click.echo(line, err=True)
    for line in province_notes(report):
        click.echo(line)
    for slug in report.written:
        click.echo(f"+ {settings.content_dir / slug} (nháp / draft)")
    bad, written = len(report.bad_rows), len(report.written)
    if bad and not written:
        click.echo(f"✗ {bad} dòng lỗi / bad rows; chưa ghi gì / nothing written", err=True)
        sys.exit(1)
    click.echo(f"✓ {written} di tích nháp / draft sites written; {bad} dòng lỗi bỏ qua / bad rows skipped")


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write SLUG.png and SLUG.svg into (created if missing)")
@click.option("--size", type=click.IntRange(64, 8000), help=f"PNG width in pixels (default {DEFAULT_SIZE})")
@click.option("--cm", type=click.FloatRange(1, 200), help="Printed width in centimetres (PNG and SVG)")
@click.option("--dpi", type=click.IntRange(72, 2400), default=DEFAULT_DPI, show_default=True,
              help="Print resolution of the PNG, with --cm")
@click.option("--ec", type=click.Choice([level.value for level in ErrorCorrection]), default="M", show_default=True,
              help="Error correction: L 7%, M 15%, Q 25%, H 30%")
def qr(slugs: tuple[str, ...], out_dir: Path, size: int | None, cm: float | None, dpi: int, ec: str) -> None:
    """Mã QR / write the QR code (PNG + SVG) of the given sites, or of every published site.

    A site may be named by its slug, code or an alias; drafts only when named.
    """
    if size and cm:
        raise click.BadParameter("give either --size (pixels) or --cm (print), not both", param_hint="--size")
    from qr.print_texts import site_scan_url, site_svg

    settings = load_settings()
    loaded = _load(settings.content_dir)
    if loaded.errors:
        click.echo(f"⚠ {len(loaded.errors)} lỗi nội dung, xem `diachido check` / content problems: those sites are "
                   "left out", err=True)
    registry = loaded.registry
    sites = registry.all() if not slugs else _named_sites(registry, slugs)
    _warn_if_loopback(settings)
    pixels = print_pixels(cm, dpi) if cm else size or DEFAULT_SIZE
    out_dir.mkdir(parents=True, exist_ok=True)
    for site in sites:
        payload = site_scan_url(site, settings)
        image = png(payload, pixels, ErrorCorrection(ec), dpi if cm else None)
        write_bytes_atomically(out_dir / f"{site.slug}.png", image)
        write_bytes_atomically(out_dir / f"{site.slug}.svg", site_svg(site, settings, ErrorCorrection(ec), cm))
        click.echo(f"{site.slug}: {payload}")
    click.echo(f"✓ {len(sites)} di tích, {2 * len(sites)} tệp / sites, files in {out_dir}")


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def narrate(slugs: tuple[str, ...], data_dir: Path | None) -> None:
    """Thuyết minh / generate the automatic narration of the given sites, or of every published site, in each
    language that has no recording (done once per text version; a server would otherwise do it on first visit)."""
    settings = load_settings(data_dir=data_dir)
    loaded = _load(settings.content_dir)
    sites = loaded.registry.all() if not slugs else _named_sites(loaded.registry, slugs)
    library = NarrationLibrary(settings.data_dir)
    for site in sites:
        for lang in library.languages(site):
            audio = library.generate(site, lang)
            kind = f"ghi âm / recorded by {audio.narrator}" if audio.narrator else "giọng đọc tự động / automatic"
            click.echo(f"{site.slug} {lang}: {audio.seconds / 60:.1f} min, {audio.size / 1000:.0f} KB ({kind})")
    click.echo(f"✓ {len(sites)} di tích / sites narrated in {library.folder}")


def _language_option(context: click.Context, parameter: click.Parameter, value: str) -> str:
    """The --lang value as a canonical language tag, or a usage error naming the option."""
    try:
        return language_tag(value)
    except InvalidLanguageTag as problem:
        raise click.BadParameter(str(problem)) from None


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write (replaced only once complete)")
@click.option("--format", "fmt", type=click.Choice([fmt.value for fmt in PosterFormat]), default="a4",
              show_default=True, help="a4: A4 poster; a5: A5 flyer; plaque: 20 x 15 cm plaque card")
@click.option("--lang", "lang", default=SOURCE_LANGUAGE, show_default=True, callback=_language_option,
              help="BCP 47 tag of the posters' language (vi, en, km…); a site without text in it prints in Vietnamese")
@click.option("--journey", help="Write the leaflet of this journey (slug, code or alias; a draft too) instead")
@click.option("--bleed", is_flag=True, help="A 3 mm bleed and crop marks around each page, for a print shop that trims")
def posters(slugs: tuple[str, ...], out_file: Path, fmt: str, lang: str, journey: str | None, bleed: bool) -> None:
    """Áp phích PDF / write one PDF with a page per given site, or per published site.

    A site may be named by its slug, code or an alias; drafts only when named. With --journey, the
    journey's leaflet (--format a4 or a5).
    """
    from qr.posters import posters as make_posters
    from qr.print_texts import branding, poster_text

    settings = load_settings()
    if journey:
        _write_leaflet(journey, slugs, out_file, fmt, lang, settings)
        return
    loaded = _load(settings.content_dir)
    if loaded.errors:
        click.echo(f"⚠ {len(loaded.errors)} lỗi nội dung, xem `diachido check` / content problems: those sites are "
                   "left out", err=True)
    sites = loaded.registry.all() if not slugs else _named_sites(loaded.registry, slugs)
    if not sites:
        raise click.ClickException("Không có di tích nào để in / no site to print")
    _warn_if_loopback(settings)
    texts = (poster_text(site, settings, lang) for site in sites)
    with click.progressbar(texts, length=len(sites), label="Áp phích / posters", file=sys.stderr,
                           hidden=len(sites) < PROGRESS_FROM) as progress:
        try:
            body = make_posters(progress, PosterFormat(fmt), branding(settings), bleed=bleed)
        except ValueError as exc:  # a text too long to fit even at the smallest size
            raise click.ClickException(f"Không in được / cannot print: {exc}") from None
    out_file.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(out_file, body)
    click.echo(f"✓ {len(sites)} trang / pages, {len(body) // 1024} KB: {out_file}")


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write SLUG-WxH-MATERIAL.svg or .dxf into (created if missing)")
@click.option("--format", "fmt", type=click.Choice(["svg", "dxf"]), default="svg", show_default=True,
              help="svg: for a laser shop; dxf: for CNC and CAD (R2010, mm)")
@click.option("--size", default=PLATE_SIZE, show_default=True,
              help=f"WIDTHxHEIGHT in mm; presets {', '.join(PLATE_PRESETS)} (wider than tall: landscape)")
@click.option("--material", type=click.Choice([material.value for material in Material]), default="steel",
              show_default=True, help="The minimum line and module; whether the engraving is lighter than the plate")
@click.option("--holes", type=click.Choice(["4", "2", "0"]), default="4", show_default=True,
              help="Mounting holes: 4 corners, 2 (top and bottom centre) or none")
@click.option("--lang", "lang", default=SOURCE_LANGUAGE, show_default=True, callback=_language_option,
              help="BCP 47 tag of the plate's language (vi, en, km…)")
def plaques(slugs: tuple[str, ...], out_dir: Path, fmt: str, size: str, material: str, holes: str, lang: str) -> None:
    """Biển khắc / write each given site's (or every published site's) engraving file, text as outlines.

    Each file's QR code is decoded before it is written; a size too small for the material is refused.
    """
    from qr.engraving.files import FileFormat, plaque_file
    from qr.engraving.plates import PlateRefused, plate
    from qr.print_texts import plaque_text

    try:
        chosen = plate(size, material, int(holes))
    except PlateRefused as exc:
        raise click.BadParameter(str(exc), param_hint="--size") from None
    settings = load_settings()
    loaded = _load(settings.content_dir)
    sites = loaded.registry.all() if not slugs else _named_sites(loaded.registry, slugs)
    if not sites:
        raise click.ClickException("Không có di tích nào để in / no site to print")
    _warn_if_loopback(settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    for site in sites:
        try:
            body = plaque_file(plaque_text(site, settings, lang), chosen, FileFormat(fmt))
        except PlateRefused as exc:
            raise click.ClickException(f"{site.slug}: {exc}") from None
        path = out_dir / f"{site.slug}-{chosen.width:g}x{chosen.height:g}-{chosen.material.value}.{fmt}"
        write_bytes_atomically(path, body)
        click.echo(f"{site.slug}: {path.name} ({len(body) // 1024} KB)")
    click.echo(f"✓ {len(sites)} tệp / files in {out_dir}")


@main.command()
@click.option("--month", required=True, help="The month, YYYY-MM (Vietnam time), e.g. 2026-11")
@click.option("--province", help="Only this province (today's or the former one)")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .pdf, .csv or .xlsx (replaced only once complete)")
def report(month: str, province: str | None, out_file: Path) -> None:
    """Báo cáo tháng / write the monthly report (scans, views, visitors per site) as PDF, CSV or XLSX."""
    from qr.monthly_report import report_pdf
    from qr.print_texts import plaque_problem_labels
    from qr.spreadsheets import report_csv, report_xlsx
    from sites.stores import open_stores
    from sites.visits.monthly_report import monthly_report, parse_month

    try:
        first_day = parse_month(month)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="'--month'") from None
    if out_file.suffix.lower() not in (".pdf", ".csv", ".xlsx"):
        raise click.BadParameter(f"'{out_file.name}': .pdf, .csv hoặc/or .xlsx", param_hint="'--out'")
    settings = load_settings()
    try:
        content = load_all(settings.content_dir)
    except ContentFolderMissing as exc:
        raise click.ClickException(f"Không thấy thư mục nội dung / {exc}") from None
    database_url = settings.database_url.get_secret_value() if settings.database_url else None
    stores = open_stores(settings.data_dir, database_url, settings.counted_per_address)
    try:
        made = monthly_report(stores.visits, content.registry, first_day, province, stores.reports, stores.outings,
                              content.journeys.all())
    finally:
        asyncio.run(stores.close())
    labels = plaque_problem_labels()
    suffix = out_file.suffix.lower()
    body = (report_pdf(made, settings.organisation, labels) if suffix == ".pdf" else
            report_xlsx(made, labels) if suffix == ".xlsx" else report_csv(made))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(out_file, body)
    click.echo(f"✓ {len(made.rows)} di tích / sites, {made.total.scans} lượt quét / scans: {out_file}")


@main.command("export-open-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--content-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_CONTENT_DIR")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def export_open_data(folder: Path, content_dir: Path | None, data_dir: Path | None) -> None:
    """Xuất dữ liệu mở / write the open data package (datapackage.json and its files) into FOLDER, the same files
    as /api/open-data/ serves (docs/open-data.md)."""
    from datetime import UTC, datetime

    from sites.catalog.live import Catalog
    from sites.open_data.package import export_open_data as export, open_data_source
    from sites.storage.files import private_folder
    from sites.stores import open_stores
    from sites.visits.visit import VisitStoreUnavailable

    settings = load_settings(content_dir=content_dir, data_dir=data_dir)
    if not settings.content_dir.is_dir():
        raise click.UsageError(f"không có thư mục nội dung / no content folder: {settings.content_dir}")
    catalog = Catalog(settings.content_dir)
    for error in catalog.errors:
        click.echo(f"{error}", err=True)
    private_folder(settings.data_dir)  # as `serve` makes it: a new install has no visits yet
    stores = open_stores(settings.data_dir, _database_url(settings), settings.counted_per_address)
    try:
        written = export(open_data_source(catalog, stores.visits, settings, datetime.now(UTC)), folder)
    except VisitStoreUnavailable as problem:
        raise click.ClickException(f"Không đọc được lượt ghé thăm / cannot read the visits: {problem}") from None
    finally:
        asyncio.run(stores.close())
    click.echo(f"✓ {len(catalog.registry)} di tích / sites, {len(written)} tệp / files: {folder}")


def _warn_if_loopback(settings: Settings) -> None:
    """Files made for print with a loopback base URL are written (tests, trials), but never silently."""
    if settings.base_url_is_loopback:
        _warn_loopback(settings, "Đừng in các tệp này / do not print these files.")


def _warn_loopback(settings: Settings, consequence: str) -> None:
    """A warning on standard error that nobody scrolling past the log can miss."""
    from qr.print_texts import loopback_warning

    rule = "!" * 78
    click.secho(f"{rule}\n{loopback_warning(settings)}\n{consequence}\n{rule}", fg="red", bold=True, err=True)


def _write_leaflet(key: str, slugs: tuple[str, ...], out_file: Path, fmt: str, lang: str, settings: Settings) -> None:
    """The journey's leaflet into `out_file`; unknown journeys and wrong options are named, nothing is written."""
    if slugs:
        raise click.BadParameter("give either --journey or site slugs, not both", param_hint="--journey")
    if fmt not in {f.value for f in LeafletFormat}:
        raise click.BadParameter(f"a journey's leaflet is a4 or a5, not {fmt}", param_hint="--format")
    try:
        content = load_all(settings.content_dir)
    except ContentFolderMissing as exc:
        raise click.ClickException(f"Không thấy thư mục nội dung / {exc}") from None
    try:
        found = content.journeys.get(key, include_drafts=True)
    except JourneyNotFound:
        try:
            found = content.journeys.resolve(key)
        except JourneyNotFound:
            raise click.BadParameter(f"không có hành trình / no such journey: {key}", param_hint="--journey") from None
    from qr.print_texts import journey_leaflet

    _warn_if_loopback(settings)
    body = journey_leaflet(found, settings, LeafletFormat(fmt), lang)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(out_file, body)
    click.echo(f"✓ {found.slug}: {len(found.stops)} điểm / stops, {len(body) // 1024} KB: {out_file}")


def _named_sites(registry: Registry, keys: tuple[str, ...]) -> list[Site]:
    """The sites `keys` name (drafts included); every unknown key is reported before anything is written."""
    found, unknown = [], []
    for key in keys:
        try:
            found.append(registry.get(key, include_drafts=True))
        except SiteNotFound:
            try:
                found.append(registry.resolve(key))
            except SiteNotFound:
                unknown.append(key)
    if unknown:
        raise click.BadParameter(f"không có di tích / no such site: {', '.join(unknown)}", param_hint="SLUGS")
    return list({site.slug: site for site in found}.values())


def _load(folder: Path) -> LoadResult:
    try:
        return load_content(folder)
    except ContentFolderMissing as exc:
        raise click.ClickException(f"Không thấy thư mục nội dung / {exc}") from None
