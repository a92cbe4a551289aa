"""``safezone admin``: serve the admin web app with waitress (a production WSGI server).

Waitress is one process with a thread pool, so Python's GIL caps it at about one core. With
``--processes N`` (POSIX) the listening socket is bound once and N forked workers, each with its
own app and database pool, accept from it: the check-in endpoint then scales with the cores.

The admin owns this command (registered in the ``safezone.commands`` entry-point group); the
``os.fork`` lives here, never on the kiosk's path.
"""

from __future__ import annotations

import os
import signal
import socket
import sys

import click

from safezone.cli.context import CliContext, pass_cli


def build_admin_app(cli: CliContext, *, http_cookies: bool, behind_proxy: bool):
    """Create the Flask admin app for the CLI's settings (imported lazily: the core CLI must
    not need Flask for its other commands)."""
    from safezone.db.engine import DatabaseError
    from safezone.db.migrate import SchemaOutdated

    try:
        from admin import create_app
    except ImportError as exc:  # pragma: no cover - only without the web extras installed
        raise click.ClickException(f"the admin app cannot be loaded: {exc}") from None
    config = {}
    if http_cookies:
        # Plain HTTP on a LAN: browsers drop Secure cookies there, so login would silently fail.
        config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    try:
        app = create_app(cli.settings, test_config=config)
    except (DatabaseError, SchemaOutdated) as exc:
        raise click.ClickException(str(exc)) from None
    _prune_roster_changes(app)
    from pathlib import Path

    from admin.uploads import sweep_pending_imports

    sweep_pending_imports(Path(cli.settings.data_dir) / "imports")  # left by a previous run
    return app


#: The proxy headers nginx's site (docs/deploy) sets and waitress may believe from it.
PROXY_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto"})


def waitress_options(*, behind_proxy: bool, proxy: str = "127.0.0.1") -> dict:
    """waitress' own trusted-proxy settings for ``--behind-proxy``, else none.

    Waitress itself must trust the proxy: it drops X-Forwarded-* from anyone it does not trust
    before the app sees them (so a WSGI middleware such as ProxyFix never could). Behind one
    nginx on this host, waitress takes the client's address from the last X-Forwarded-For hop
    nginx added and the scheme from X-Forwarded-Proto; whatever a client wrote into those headers
    itself is ignored, and every other X-Forwarded-* header is removed.
    """
    if not behind_proxy:
        return {}
    return {
        "trusted_proxy": proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": set(PROXY_HEADERS),
        "clear_untrusted_proxy_headers": True,
    }


def _prune_roster_changes(app) -> None:
    """Drop roster changes older than their retention. The sync API prunes on kiosks' roster
    requests; a single machine has none, so its change log is pruned when the admin starts."""
    from safezone.db.base import utcnow
    from safezone.sync.export import prune_roster_changes

    with app.extensions["safezone"].database.sessions() as session:
        prune_roster_changes(session, now=utcnow())
        session.commit()


@click.command("admin", help="Serve the admin web app (waitress) on admin_host:admin_port.")
@click.option("--host", default=None, help="Address to listen on (default: settings admin_host, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: settings admin_port, 5000).")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Worker threads.")
@click.option("--processes", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Worker processes sharing the port (POSIX only; each has its own threads).")
@click.option("--http-cookies", is_flag=True,
              help="Allow the login cookie over plain HTTP (LAN without TLS; not for the internet).")
@click.option("--behind-proxy", is_flag=True,
              help="Trust X-Forwarded-For/Proto from one reverse proxy (nginx doing TLS) at --proxy.")
@click.option("--proxy", default="127.0.0.1", show_default=True,
              help="With --behind-proxy: the proxy's address, the only one whose headers count.")
@pass_cli
def admin_cmd(cli: CliContext, host: str | None, port: int | None, threads: int, processes: int,
              http_cookies: bool, behind_proxy: bool, proxy: str) -> None:
    """Start waitress with the admin app; Ctrl+C stops it."""
    from waitress import serve

    if processes > 1 and hasattr(os, "fork"):
        _serve_forked(cli, host or cli.settings.admin_host, port or cli.settings.admin_port,
                      threads=threads, processes=processes, http_cookies=http_cookies,
                      behind_proxy=behind_proxy, proxy=proxy)
        return
    app = build_admin_app(cli, http_cookies=http_cookies, behind_proxy=behind_proxy)
    listen_host = host or cli.settings.admin_host
    listen_port = port or cli.settings.admin_port
    scheme = "http"
    click.echo(f"safezone admin: {scheme}://{listen_host}:{listen_port}/  (Ctrl+C to stop)")
    if not http_cookies and not behind_proxy and listen_host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("note: login cookies are Secure; on a LAN without TLS use --http-cookies "
                   "or put a TLS proxy in front (--behind-proxy)", err=True)
    serve(app, host=listen_host, port=listen_port, threads=threads, ident="safezone",
          **waitress_options(behind_proxy=behind_proxy, proxy=proxy))


def _serve_forked(cli: CliContext, host: str, port: int, *, threads: int, processes: int,
                  http_cookies: bool, behind_proxy: bool, proxy: str = "127.0.0.1") -> None:
    """Bind once, fork ``processes`` waitress workers on the shared socket, wait for them."""
    from waitress import serve

    # Fail in the parent (with a clear message) if the database or settings are wrong.
    build_admin_app(cli, http_cookies=http_cookies, behind_proxy=behind_proxy).extensions[
        "safezone"].database.dispose()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    listener.listen(1024)
    click.echo(f"safezone admin: http://{host}:{port}/  ({processes} processes × {threads} threads; "
               "Ctrl+C to stop)")
    children: list[int] = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # worker: its own app, engine and pool (never share connections across fork)
            code = 0
            try:
                app = build_admin_app(cli, http_cookies=http_cookies, behind_proxy=behind_proxy)
                serve(app, sockets=[listener], threads=threads, ident="safezone",
                      **waitress_options(behind_proxy=behind_proxy, proxy=proxy))
            except BaseException:  # noqa: BLE001 - a worker must never return into the parent's code
                code = 1
            finally:
                os._exit(code)
        children.append(pid)

    def stop(_signum: int, _frame: object) -> None:
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failed = 0
    for child in children:
        while True:
            try:
                _, status = os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
        failed += int(os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM))
    listener.close()
    if failed:
        sys.exit(1)
