"""The `diachido` command line: thin verbs over the library; user mistakes print a message, not a traceback."""

import logging
import os
import sys
from pathlib import Path

import click
import uvicorn
from pydantic import ValidationError

from api.app import create_app
from api.settings import ENV_PREFIX, Settings, unknown_environment_settings
from sites.accounts import ROLES, AccountError, UserStore
from sites.importer import SpreadsheetError, check_rows, read_rows, report_lines, write_rows
from sites.loader import ContentFolderMissing, load_content
from sites.writer import ContentWriter


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
def main() -> None:
    """Địa chỉ đỏ: bản đồ di tích có mã QR / QR-coded heritage maps."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on")
@click.option("--content-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_CONTENT_DIR")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def serve(host: str, port: int, content_dir: Path | None, data_dir: Path | None) -> None:
    """Chạy máy chủ web / run the web server."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings(content_dir=content_dir, data_dir=data_dir)
    try:
        app = create_app(settings)
    except ContentFolderMissing as exc:
        raise click.ClickException(f"Không thấy thư mục nội dung / {exc}") from None
    uvicorn.run(app, host=host, port=port, log_level="info")


@main.command()
@click.argument("content_dir", required=False, type=click.Path(path_type=Path))
def check(content_dir: Path | None) -> None:
    """Kiểm tra thư mục nội dung / validate every site of CONTENT_DIR (default: DIACHIDO_CONTENT_DIR)."""
    folder = content_dir or load_settings().content_dir
    try:
        result = load_content(folder)
    except ContentFolderMissing as exc:
        raise click.ClickException(f"Không thấy thư mục nội dung / {exc}") from None
    for error in result.errors:
        click.echo(str(error), err=True)
    sites = len(result.registry)
    if result.errors:
        click.echo(f"✗ {len(result.errors)} lỗi / problems; {sites} di tích hợp lệ / valid sites", err=True)
        sys.exit(1)
    click.echo(f"✓ {sites} di tích hợp lệ / {sites} sites valid in {folder}")


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
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True)
    try:
        user = UserStore(settings.data_dir).add(name, password, role, province)
    except AccountError as exc:
        raise click.ClickException(f"Không tạo được tài khoản / cannot create the account: {exc}") from None
    where = f" ({user.province})" if user.province else ""
    click.echo(f"✓ {user.name}: {user.role}{where}, {settings.data_dir / 'users.json'}")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--only-valid", is_flag=True, help="Import the valid rows even when some rows are bad")
@click.option("--content-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_CONTENT_DIR")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides DIACHIDO_DATA_DIR")
def import_(file: Path, only_valid: bool, content_dir: Path | None, data_dir: Path | None) -> None:
    """Nhập bảng tính CSV/XLSX thành di tích nháp / import a spreadsheet's rows as draft sites."""
    settings = load_settings(content_dir=content_dir, data_dir=data_dir)
    try:
        registry = load_content(settings.content_dir).registry
        report = check_rows(read_rows(file.read_bytes()), registry, settings.content_dir)
    except ContentFolderMissing as exc:
        raise click.ClickException(f"Không thấy thư mục nội dung / {exc}") from None
    except SpreadsheetError as exc:
        raise click.ClickException(f"Không đọc được / cannot read {file}: {exc}") from None
    writer = ContentWriter(settings.content_dir, settings.data_dir)
    write_rows(report, writer, registry, only_valid=only_valid)
    for line in report_lines(report):
        click.echo(line, err=True)
    for slug in report.written:
        click.echo(f"+ {settings.content_dir / slug} (nháp / draft)")
    bad, written = len(report.bad_rows), len(report.written)
    if bad and not written:
        click.echo(f"✗ {bad} dòng lỗi / bad rows; chưa ghi gì / nothing written", err=True)
        sys.exit(1)
    click.echo(f"✓ {written} di tích nháp / draft sites written; {bad} dòng lỗi bỏ qua / bad rows skipped")
