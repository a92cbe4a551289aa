"""The deployment examples in docs/deploy at least parse: nginx -t and systemd-analyze verify."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy"
UNITS = ["safezone-admin.service", "safezone-kiosk.service", "safezone-sync.service",
         "safezone-sync.timer"]


def test_nginx_site_parses(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light to run this check)")
    site = (DEPLOY / "nginx-safezone.conf").read_text(encoding="utf-8")
    # The example's certificate paths may not exist here: point them at a throwaway pair.
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                           "-subj", "/CN=test", "-keyout", str(key), "-out", str(cert)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("openssl cannot make a test certificate")
    site = site.replace("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(cert))
    site = site.replace("/etc/ssl/private/ssl-cert-snakeoil.key", str(key))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    wrapper = tmp_path / "nginx.conf"
    wrapper.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}; include {tmp_path}/site.conf; }}\n",
        encoding="utf-8")
    result = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(wrapper)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("unit", UNITS)
def test_systemd_units_verify(unit: str, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    # Verify a copy whose ExecStart binaries exist here, so only the unit syntax is judged.
    text = (DEPLOY / unit).read_text(encoding="utf-8").replace("/opt/safezone/.venv/bin/", "/usr/bin/env ")
    path = tmp_path / unit
    path.write_text(text, encoding="utf-8")
    if unit == "safezone-sync.timer":
        (tmp_path / "safezone-sync.service").write_text(
            (DEPLOY / "safezone-sync.service").read_text(encoding="utf-8")
            .replace("/opt/safezone/.venv/bin/", "/usr/bin/env "), encoding="utf-8")
    result = subprocess.run([analyze, "verify", "--man=no", str(path)], capture_output=True,
                            text=True, check=False)
    problems = [line for line in result.stderr.splitlines()
                if unit in line and ("Unknown" in line or "Invalid" in line or "Failed" in line
                                     or "bad" in line.lower())]
    assert not problems, result.stderr
