"""`make scan`: Debian's wapiti against the whole stack on this machine, signed in as staff.

Starts the backend, the action server and Rasa (bot/tools/stack.py; Rasa only when a model
is trained) on free loopback ports with throwaway data, makes an admin account (its
authenticator enrolled here, as a person would) and one handoff case, signs in, and runs
wapiti against the backend with that session. The report lands in results/scan/:
wapiti.json (wapiti's own), findings.md (what it found, by kind). docs/security.md lists
the findings and what was done about each.

Only modules that stay on this machine run (MODULES): never ssrf or xxe (they make the
target call wapiti's endpoint on the internet, the only users of its endpoint options),
nikto or wapp (they download their databases), and wapiti's automatic bug report is off. The target must be a loopback address, and the
scan is bounded in time. Requests that would end the scan's own session (sign out, sign
out everywhere) are left out of the crawl.

Usage: python -m bot.tools.scan [--max-minutes 20]
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

import aiohttp
import pyotp

from bot.tools import stack

RESULTS = stack.ROOT / "results" / "scan"
# Attack modules that send nothing beyond the target and need nothing from outside.
MODULES = ("backup", "blindsql", "cookieflags", "crlf", "csp", "csrf", "exec", "file",
           "htaccess", "http_headers", "methods", "permanentxss", "redirect", "shellshock",
           "sql", "xss")
# Never: they call or fetch from outside this machine, or would only brute-force.
NEVER = {
    "ssrf": "makes the target call wapiti's outside endpoint",
    "xxe": "makes the target call wapiti's outside endpoint",
    "nikto": "downloads its database from the internet",
    "wapp": "downloads the Wappalyzer database from the internet",
    "buster": "brute-forces thousands of paths (slow; nothing is hidden here)",
    "brute_login_form": "brute-forces the login (the lockout and throttle tests cover it)",
}
# Routes that end the scan's own session: wapiti's csrf module submits every form once as
# it is, so the rest of the scan would run signed out.
LEAVE_OUT = ("/staff/logout", "/staff/account/sessions/end")
# Wapiti runs through this launcher, in Debian's Python (which has wapitiCore):
# - every connection and name lookup to anything but a loopback address is refused in its
#   process, whatever a module tries (wapiti 3.0.4 constructs every module, even those
#   not asked for, and `wapp` then downloads its database from the internet);
# - only the modules asked for with --module are loaded at all;
# - its --exclude patterns are built with the regex flags first: Debian's 3.0.4 puts them
#   last, which Python 3.11 refuses, so --exclude would crash it.
GUARD = """
import ipaddress, socket
def _loopback(host):
    try:
        return ipaddress.ip_address(host.split('%')[0]).is_loopback
    except ValueError:
        return host == 'localhost'
def _checked(original):
    def call(self, address, *rest):
        if isinstance(address, tuple) and not _loopback(str(address[0])):
            raise OSError('the scan reaches loopback addresses only, not ' + str(address[0]))
        return original(self, address, *rest)
    return call
socket.socket.connect = _checked(socket.socket.connect)
socket.socket.connect_ex = _checked(socket.socket.connect_ex)
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *rest, **options):
    if host is not None and not _loopback(str(host)):
        raise socket.gaierror('the scan looks up loopback names only, not ' + str(host))
    return _getaddrinfo(host, *rest, **options)
socket.getaddrinfo = getaddrinfo
"""
LAUNCHER = GUARD + """
import re, sys
import wapitiCore.attack.attack as attack
import wapitiCore.net.crawler as crawler
attack.modules[:] = ["mod_" + name for name in sys.argv[sys.argv.index("--module") + 1].split(",")]
def wildcard_translate(pattern):
    body = "".join(".*" if char == "*" else re.escape(char) for char in pattern)
    return re.compile("(?ms)" + body + r"\\Z")
crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
"""
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has wapitiCore
EMAIL = "scan-admin@example.org"


class ScanError(RuntimeError):
    """The scan could not run as configured."""


def require_loopback(url: str) -> str:
    """The URL, if its host is a loopback address; the scan targets nothing else."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ScanError(f"the scan targets loopback addresses only, not {host!r}")
    return url


def wapiti_command(base_url: str, cookie: str, report: Path, store: Path,
                   max_seconds: int) -> list[str]:
    """wapiti's command line: local modules, the staff session, loopback only."""
    base = require_loopback(base_url).rstrip("/")
    command = [SYSTEM_PYTHON, "-c", LAUNCHER, "--url", f"{base}/", "--scope", "folder",
               "--module", ",".join(MODULES), "--no-bugreport",
               "--header", f"Cookie: {cookie}",
               "--max-scan-time", str(max_seconds), "--max-attack-time", "120",
               "--timeout", "10", "--flush-session", "--store-session", str(store),
               "--format", "json", "--output", str(report), "--verbose", "0"]
    for path in ("/staff/queue", "/staff/account", "/staff/audit", "/staff/stats",
                 "/demo", "/widget.js", "/healthz"):
        command += ["--start", base + path]
    for path in LEAVE_OUT:
        command += ["--exclude", base + path]
    return command


def scan_env(var: Path) -> dict[str, str]:
    """The laptop's configuration on free ports, data in `var`, cookies as in production."""
    base = {k: v for k, v in stack.laptop_env(secrets_path=var / "secrets.env").items()
            if not k.endswith(("_URL", "_PORT", "_PATH"))}
    ports = {name: str(_free_port()) for name in ("RASA_PORT", "ACTIONS_PORT", "BACKEND_PORT")}
    base.update(ports)
    base.update({
        "TRACKER_DATABASE_URL": f"sqlite:///{var / 'rasa-tracker.db'}",
        "DATABASE_URL": f"sqlite:///{var / 'backend.db'}",
        "OUTBOX_PATH": str(var / "outbox.db"),
        # Secure, __Host- cookies and HSTS, as behind TLS in production.
        "COOKIE_SECURE": "true",
    })
    return stack.laptop_env(base, secrets_path=var / "secrets.env")


async def prepare(env: dict[str, str]) -> str:
    """An admin with an enrolled authenticator, one case, and its signed-in session's
    Cookie header."""
    password = secrets.token_urlsafe(24)
    made = subprocess.run(
        [str(stack.SVC_PY), "-m", "bot.backend.ops.create_staff_user", "--email", EMAIL,
         "--role", "admin"], input=password + "\n", env=env, cwd=str(stack.ROOT),
        capture_output=True, text=True, timeout=120)
    if made.returncode != 0:
        raise ScanError(f"could not create the scan's staff account: {made.stderr}")
    backend = env["BACKEND_URL"]
    async with aiohttp.ClientSession() as http:
        await _one_case(http, backend, env["BACKEND_SERVICE_TOKEN"])
        return await _sign_in(http, backend, password)


async def _one_case(http: aiohttp.ClientSession, backend: str, token: str) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    event = {"id": str(uuid.uuid4()), "kind": "handoff",
             "conversation_id": "web-scan", "channel": "widget", "created_at": now,
             "jurisdiction": "GB-ENG", "age_band": "adult", "role": "self",
             "situation": "shared", "perpetrator": "unknown", "risk_flags": [],
             "routes_offered": ["takedown", "human"], "services_offered": [],
             "platforms": [], "consent": True, "consent_at": now,
             "handoff": {"summary": "A case for the scanner.", "contact_method": "email",
                         "contact_details": "scan@example.org", "safe_time": "any time"}}
    async with http.post(f"{backend}/api/v1/events", json=event,
                         headers={"Authorization": f"Bearer {token}"}) as response:
        if response.status not in (200, 201):
            raise ScanError(f"could not make a case: HTTP {response.status}")


async def _sign_in(http: aiohttp.ClientSession, backend: str, password: str) -> str:
    """Password, then enrolment of a new authenticator; the session's Cookie header.
    Cookies are carried by hand: they are Secure, and this client speaks plain http."""
    cookies: dict[str, str] = {}

    async def call(method: str, path: str, form: dict[str, str] | None = None) -> str:
        header = "; ".join(f"{k}={v}" for k, v in cookies.items())
        async with http.request(method, backend + path, data=form, allow_redirects=False,
                                headers={"Cookie": header} if header else {}) as response:
            for name, morsel in response.cookies.items():
                if morsel.value:
                    cookies[name] = morsel.value
                else:
                    cookies.pop(name, None)
            return await response.text()

    page = await call("GET", "/staff/login")
    await call("POST", "/staff/login", {"csrf_token": _csrf(page), "email": EMAIL,
                                        "password": password})
    enrol = await call("GET", "/staff/mfa/enrol")
    secret = "".join(re.findall(r"<code>([A-Z2-7]{4})</code>", enrol))
    if len(secret) != 32:
        raise ScanError("the scan could not sign in: no authenticator key was offered")
    await call("POST", "/staff/mfa/enrol", {"csrf_token": _csrf(enrol),
                                            "code": pyotp.TOTP(secret).now()})
    if "recovery codes" not in (await call("GET", "/staff/account")).lower():
        raise ScanError("the scan could not sign in with its authenticator")
    return "; ".join(f"{k}={v}" for k, v in cookies.items() if "session" in k)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise ScanError("no CSRF token on the page")
    return match.group(1)


def summary(report: dict) -> str:
    """findings.md: each kind wapiti reports, how many, and where."""
    lines = ["# Wapiti findings", "",
             f"Modules: {', '.join(MODULES)}. Target: the backend on a loopback port, "
             "signed in as an admin.", ""]
    for section in ("vulnerabilities", "anomalies", "additionals"):
        found = {kind: items for kind, items in (report.get(section) or {}).items() if items}
        lines.append(f"## {section.capitalize()}: {sum(map(len, found.values()))}")
        for kind, items in sorted(found.items()):
            lines.append(f"- **{kind}** ({len(items)})")
            seen = Counter((i.get("method", ""), i.get("path", ""),
                            re.sub(r"\s+", " ", str(i.get("info", "")))[:160]) for i in items)
            for (method, path, info), count in sorted(seen.items()):
                lines.append(f"  - {method} {path}: {info}" + (f" (×{count})" if count > 1
                                                                  else ""))
        lines.append("")
    return "\n".join(lines)


async def run(max_minutes: int) -> Path:
    """Start the stack, prepare, scan, write the report; return findings.md's path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scan-") as tmp:
        var = Path(tmp)
        env = scan_env(var)
        supervisor = stack.Supervisor(env, quiet=True, log_dir=var / "logs")
        services = [stack.backend_service(env), stack.actions_service(env)]
        if stack.MODEL.exists():
            services.append(stack.rasa_service(env))
        try:
            for service in services:
                await supervisor.start(service)
            for service in services:
                await supervisor.wait_healthy(service)
            cookie = await prepare(env)
            report = RESULTS / "wapiti.json"
            command = wapiti_command(env["BACKEND_URL"], cookie, report, var / "wapiti",
                                     max_minutes * 60)
            print(f"scanning {env['BACKEND_URL']} with {len(MODULES)} modules "
                  f"(at most {max_minutes} minutes)", flush=True)
            done = await asyncio.to_thread(subprocess.run, command, capture_output=True,
                                           text=True, timeout=max_minutes * 60 + 600)
            if done.returncode != 0 or not report.exists():
                raise ScanError(f"wapiti failed ({done.returncode}): {done.stderr[-2000:]}")
        finally:
            await supervisor.stop()
    findings = RESULTS / "findings.md"
    findings.write_text(summary(json.loads(report.read_text())))
    return findings


def main() -> None:
    """Run the scan; print where its report is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-minutes", type=int, default=20)
    args = parser.parse_args()
    try:
        findings = asyncio.run(run(max(1, args.max_minutes)))
    except (ScanError, RuntimeError) as error:
        sys.exit(f"scan: {error}")
    print(findings.read_text())
    print(f"report: {findings} (and wapiti.json beside it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    main()
