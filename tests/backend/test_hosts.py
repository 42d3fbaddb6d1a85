"""STAFF_HOST keeps the dashboard on a host of its own; DEMO_PAGE=off removes /demo."""

from __future__ import annotations

import pytest

from .support import MakeClient, add_staff, login

pytestmark = pytest.mark.asyncio
STAFF = {"Host": "staff.charity.example"}
PUBLIC = {"Host": "chat.charity.example"}


async def test_the_dashboard_answers_only_on_its_own_host(make_client: MakeClient) -> None:
    client = await make_client(STAFF_HOST="staff.charity.example", COOKIE_SECURE="false")
    assert (await client.get("/staff/login", headers=STAFF)).status == 200
    assert (await client.get("/staff/login", headers={"Host": "staff.charity.example:443"})
            ).status == 200
    assert (await client.get("/staff/login", headers=PUBLIC)).status == 404
    assert (await client.get("/staff", headers=PUBLIC)).status == 404
    assert (await client.post("/staff/login", headers=PUBLIC, data={})).status == 404
    assert (await client.get("/widget.js", headers=PUBLIC)).status == 200
    assert (await client.get("/widget.js", headers=STAFF)).status == 404
    assert (await client.get("/demo", headers=STAFF)).status == 404
    for headers in (STAFF, PUBLIC):
        assert (await client.get("/healthz", headers=headers)).status == 200


async def test_staff_sign_in_on_the_staff_host(make_client: MakeClient) -> None:
    client = await make_client(STAFF_HOST="127.0.0.1")
    await add_staff(client.app, "ana@example.org")
    assert (await login(client, "ana@example.org")).url.path == "/staff/queue"
    assert (await client.get("/widget.js")).status == 404


async def test_without_staff_host_one_host_serves_both(make_client: MakeClient) -> None:
    client = await make_client()
    assert (await client.get("/staff/login", headers=PUBLIC)).status == 200
    assert (await client.get("/demo", headers=PUBLIC)).status == 200


async def test_the_demo_page_can_be_turned_off(make_client: MakeClient) -> None:
    client = await make_client(DEMO_PAGE="off")
    assert (await client.get("/demo")).status == 404
    assert (await client.get("/demo.css")).status == 404
    assert (await client.get("/widget.js")).status == 200
