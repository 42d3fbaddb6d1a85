"""A staff member at the dashboard: an account made with the real command, a signed-in
browser session, and a case they hold (created through the ingest API), to write notes on."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Mapping

import aiohttp

from bot.tools import stack

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "corpus-staff-password-1"


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def create_staff_user(env: Mapping[str, str], email: str, role: str) -> None:
    """`make staff-user`, in the services environment, password on standard input."""
    subprocess.run([str(stack.SVC_PY), "-m", "bot.backend.ops.create_staff_user", "--email", email,
                    "--role", role], input=PASSWORD + "\n", text=True, env=dict(env),
                   cwd=stack.ROOT, check=True, capture_output=True)


def handoff_event(conversation_id: Any = None, summary: Any = "Images of me on a forum"
                  ) -> Dict[str, Any]:
    """An ingest event that opens a handoff, as the action server's relay sends it."""
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return {"id": str(uuid.uuid4()), "kind": "handoff",
            "conversation_id": (f"corpus-{uuid.uuid4().hex}" if conversation_id is None
                                else conversation_id),
            "channel": "rest", "created_at": now, "jurisdiction": "GB", "age_band": "adult",
            "role": "self", "situation": "shared", "perpetrator": "unknown",
            "risk_flags": [], "routes_offered": ["human"], "services_offered": [],
            "platforms": [], "consent": True, "consent_at": now,
            "handoff": {"summary": summary, "contact_method": "chat",
                        "contact_details": None, "safe_time": "evenings"}}


@dataclass
class StaffSession:
    """A signed-in browser (its own cookie jar) and the id of the case it holds."""

    http: aiohttp.ClientSession
    backend: str
    case_id: str

    @classmethod
    async def open(cls, env: Mapping[str, str]) -> "StaffSession":
        email = f"corpus-{uuid.uuid4().hex[:8]}@example.org"
        create_staff_user(env, email, "supervisor")
        backend = env["BACKEND_URL"]
        http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with http.post(f"{backend}/api/v1/events", json=handoff_event(), headers={
                "Authorization": f"Bearer {env['BACKEND_SERVICE_TOKEN']}"}) as response:
            assert response.status == 201, await response.text()
            case_id = (await response.json())["handoff_id"]
        staff = cls(http, backend, case_id)
        async with http.post(f"{backend}/staff/login", data={
                "csrf_token": await staff.token("/staff/login"), "email": email,
                "password": PASSWORD}, allow_redirects=False) as response:
            assert response.status == 303, "the staff member could not sign in"
        async with http.post(f"{backend}/staff/cases/{case_id}/claim", data={
                "csrf_token": await staff.token(f"/staff/cases/{case_id}")},
                allow_redirects=False) as response:
            assert response.status == 303, "the staff member could not claim the case"
        return staff

    async def token(self, page: str) -> str:
        async with self.http.get(f"{self.backend}{page}") as response:
            return csrf_token(await response.text())

    async def close(self) -> None:
        await self.http.close()
