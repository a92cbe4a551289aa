"""The documented deployment, for real: `safezone admin --behind-proxy` under nginx running the
site file from docs/deploy. Twelve clients on twelve loopback addresses (127.0.0.2 … 127.0.0.13,
which Linux routes on `lo` without any set-up) each fail a login: the limit of 10 a minute is
theirs alone, and the audit rows name each client's own address, not nginx's.

Skipped with the reason when nginx or openssl is not installed (CI installs nginx-light).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.models import AuditEntry, Role
from safezone.services.staff import create_staff_user

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "docs" / "deploy" / "nginx-safezone.conf"
WAITRESS_PORT, HTTPS_PORT, HTTP_PORT = 5131, 5132, 5133
CLIENTS = [f"127.0.0.{n}" for n in range(2, 14)]


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light to run the deployment test)")
    return found


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server on {port} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listens on {port}: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def deployment(tmp_path: Path):
    """waitress (`safezone admin --behind-proxy`) + nginx with the documented site, over TLS."""
    nginx = _nginx()
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=0.2, source_address=(CLIENTS[-1], 0))
    except ConnectionRefusedError:
        pass  # the address can be bound: loopback routes it
    except OSError as exc:
        pytest.skip(f"cannot bind a client to {CLIENTS[-1]}: {exc}")
    settings = Settings(data_dir=tmp_path / "var", site_name="测试小区")
    database = open_database(settings, migrate=True)
    with database.sessions() as s:
        create_staff_user(s, username="wang", display_name="王", role=Role.ADMIN,
                          password="Jinxiu-Lantern-4471", now=__import__("safezone.db.base",
                          fromlist=["utcnow"]).utcnow())
        s.commit()

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                           "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("openssl cannot make a test certificate")
    site = SITE.read_text(encoding="utf-8")
    site = (site.replace("server 127.0.0.1:5000;", f"server 127.0.0.1:{WAITRESS_PORT};")
            .replace("listen 443 ssl;", f"listen 127.0.0.1:{HTTPS_PORT} ssl;")
            .replace("listen 80;", f"listen 127.0.0.1:{HTTP_PORT};")
            .replace("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(cert))
            .replace("/etc/ssl/private/ssl-cert-snakeoil.key", str(key)))
    assert f"{WAITRESS_PORT}" in site and f"{HTTPS_PORT} ssl" in site, "the site file changed shape"
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # tmp_path is 0700: workers must read it
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/nginx-error.log;\n"
        "daemon off;\nevents {}\n"
        f"http {{ access_log off; client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;"
        f" fastcgi_temp_path {temp}/fcgi; uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;"
        f" include {tmp_path}/site.conf; }}\n", encoding="utf-8")

    env = dict(os.environ, SAFEZONE_DATA_DIR=str(settings.data_dir), SAFEZONE_SITE_NAME="测试小区")
    env.pop("SAFEZONE_DATABASE_URL", None)
    admin_log = tmp_path / "admin.log"
    with admin_log.open("wb") as out:
        admin = subprocess.Popen(
            [sys.executable, "-m", "safezone", "admin", "--behind-proxy", "--host", "127.0.0.1",
             "--port", str(WAITRESS_PORT), "--threads", "4"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    nginx_log = tmp_path / "nginx-error.log"
    proxy = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(WAITRESS_PORT, admin, admin_log)
        _wait_for_port(HTTPS_PORT, proxy, nginx_log)
        yield database
    finally:
        _stop(proxy)
        _stop(admin)
        database.dispose()


class Browser:
    """One client on its own source address, keeping its cookies, over https through nginx."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookies: dict[str, str] = {}
        self._tls = ssl.create_default_context()
        self._tls.check_hostname = False
        self._tls.verify_mode = ssl.CERT_NONE

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, str]:
        conn = http.client.HTTPSConnection("127.0.0.1", HTTPS_PORT, context=self._tls, timeout=30,
                                           source_address=(self.address, 0))
        # As a browser on port 443 would send them (nginx passes $host on, without the port);
        # Flask-WTF checks the Referer of every https POST against the host.
        sent = {"Host": "127.0.0.1", "Referer": "https://127.0.0.1/login", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.headers, text

    def bad_login(self) -> int:
        status, _, page = self.request("GET", "/login")
        assert status == 200, page[:500]
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        # A client's own X-Forwarded-For must change nothing: nginx replaces it.
        status, _, _ = self.request("POST", "/login", {"csrf_token": token, "username": "wang",
                                                       "password": "wrong-password-1"},
                                    headers={"X-Forwarded-For": "10.66.66.66"})
        return status


def test_login_limits_and_audit_rows_use_each_clients_address(deployment) -> None:
    browsers = [Browser(address) for address in CLIENTS]
    statuses = [b.bad_login() for b in browsers]
    assert statuses == [200] * 12, statuses  # on main: 200×10, 429, 429 (one bucket for all)

    # One address keeps trying: its own 11th POST in the minute is refused...
    first = browsers[0]
    more = [first.bad_login() for _ in range(10)]
    assert more[:9] == [200] * 9 and more[9] == 429, more
    # ...while another client is not locked out by it.
    assert browsers[1].bad_login() == 200

    with deployment.sessions() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    addresses = {row.ip for row in rows}
    assert addresses == set(CLIENTS), addresses  # on main: {'127.0.0.1'}
    assert "10.66.66.66" not in addresses


def test_site_sends_hsts_hides_the_version_and_prints_https(deployment) -> None:
    browser = Browser(CLIENTS[0])
    status, headers, _ = browser.request("GET", "/login")
    assert status == 200
    assert headers.get_all("Strict-Transport-Security") == ["max-age=31536000"]
    assert headers["Server"] == "nginx"  # server_tokens off: no version
    # The session cookie is Secure and the app saw https (waitress trusted X-Forwarded-Proto).
    conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
    conn.request("GET", "/login")
    plain = conn.getresponse()
    assert plain.status == 301 and plain.headers["Location"].startswith("https://")
    assert "nginx/" not in (plain.headers.get("Server") or "")
    conn.close()
