"""`make scan`'s configuration: local modules only, loopback only, its own session kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.tools import scan

# Every module Debian's wapiti 3.0.4 lists, and whether it stays on this machine.
LOCAL = {"backup", "blindsql", "cookieflags", "crlf", "csp", "csrf", "exec", "file",
         "htaccess", "http_headers", "methods", "permanentxss", "redirect", "shellshock",
         "sql", "xss", "buster", "brute_login_form"}
CALLS_OUT = {"ssrf", "xxe", "nikto", "wapp"}


def command(url: str = "http://127.0.0.1:8080") -> list[str]:
    return scan.wapiti_command(url, "__Host-staff_session=abc", Path("/tmp/r.json"),
                               Path("/tmp/s"), 600)


def option(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == name]


def test_only_modules_that_stay_on_this_machine_run():
    modules = set(option(command(), "--module")[0].split(","))
    assert modules == set(scan.MODULES) and modules <= LOCAL
    assert not modules & CALLS_OUT
    assert CALLS_OUT <= set(scan.NEVER), "each excluded module says why"


def test_nothing_is_sent_anywhere_but_the_target():
    argv = command()
    assert "--no-bugreport" in argv
    # The endpoints only ssrf and xxe use (wapiti's own, on the internet): not used.
    assert not {"ssrf", "xxe"} & set(option(argv, "--module")[0].split(","))
    assert all(url.startswith("http://127.0.0.1:8080/")
               for url in option(argv, "--url") + option(argv, "--start"))
    assert option(argv, "--scope") == ["folder"]
    assert "--proxy" not in argv and "--tor" not in argv and "--update" not in argv


@pytest.mark.parametrize("url", ["http://example.org", "http://10.0.0.5:8080",
                                 "http://192.168.1.2", "https://chat.charity.example"])
def test_a_target_that_is_not_loopback_is_refused(url: str):
    with pytest.raises(scan.ScanError, match="loopback"):
        command(url)


def test_the_scan_is_signed_in_and_keeps_its_session():
    argv = command()
    assert option(argv, "--header") == ["Cookie: __Host-staff_session=abc"]
    assert set(option(argv, "--exclude")) == {"http://127.0.0.1:8080/staff/logout",
                                              "http://127.0.0.1:8080/staff/account/sessions/end"}
    assert int(option(argv, "--max-scan-time")[0]) == 600


def test_the_summary_lists_each_kind_with_where():
    report = {"vulnerabilities": {"Cross Site Request Forgery": [
        {"method": "POST", "path": "/staff/logout", "info": "no token"}] * 2,
        "SQL Injection": []}, "anomalies": {}, "additionals": {}}
    text = scan.summary(report)
    assert "## Vulnerabilities: 2" in text and "SQL Injection" not in text
    assert "- POST /staff/logout: no token (×2)" in text


def test_debians_wapiti_runs_with_only_its_exclude_patterns_corrected():
    argv = command()
    assert argv[:3] == [scan.SYSTEM_PYTHON, "-c", scan.LAUNCHER]
    assert "crawler.wildcard_translate = wildcard_translate" in scan.LAUNCHER
    assert "from wapitiCore.main.wapiti import wapiti_main" in scan.LAUNCHER


def test_the_launcher_refuses_every_address_but_loopback():
    import subprocess
    import sys

    probe = scan.GUARD + """
import socket
for host in ("203.0.113.1", "raw.githubusercontent.com"):
    try:
        socket.create_connection((host, 443), timeout=2)
    except OSError as error:
        print("refused", host, "loopback" in str(error))
listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen(1)
socket.create_connection(listener.getsockname(), timeout=2).close()
print("loopback ok")
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=30).stdout.splitlines()
    assert out == ["refused 203.0.113.1 True", "refused raw.githubusercontent.com True",
                   "loopback ok"]


def test_only_the_modules_asked_for_are_loaded():
    assert 'attack.modules[:] = ["mod_" + name' in scan.LAUNCHER
    assert scan.LAUNCHER.index("attack.modules[:]") < scan.LAUNCHER.index("wapiti_main()")
