"""Two matrix-nio clients with end-to-end encryption in one encrypted room, for the demo and test.

Device trust is established the way two people would do it out of band: each side compares the
other's Ed25519 device fingerprint, as the server reports it, with the fingerprint the other
device holds itself, and verifies the device only when they are equal. Keys travel only through
the homeserver; the room is created with ``m.room.encryption`` in its initial state, so no
message in it is ever sent in clear.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nio

#: Seconds a sync may long-poll; short, so scripted steps follow each other quickly.
SYNC_TIMEOUT_MS = 1_000


@dataclass
class Account:
    user: str
    password: str
    user_id: str = ""


async def connect(homeserver_url: str, account: Account, store: Path) -> nio.AsyncClient:
    """Log in with a fresh device that stores its Olm keys in ``store``, upload keys, sync."""
    store.mkdir(parents=True, exist_ok=True)
    config = nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    client = nio.AsyncClient(homeserver_url, account.user_id, store_path=str(store), config=config)
    answer = await client.login(account.password, device_name=f"{account.user}-device")
    if not isinstance(answer, nio.LoginResponse):
        raise RuntimeError(f"login {account.user}: {answer}")
    if client.should_upload_keys:
        await client.keys_upload()
    await client.sync(timeout=SYNC_TIMEOUT_MS, full_state=True)
    return client


async def encrypted_room(owner: nio.AsyncClient, guest: nio.AsyncClient) -> str:
    """A private room with Megolm encryption from its first event; ``guest`` joined."""
    answer = await owner.room_create(
        name="linkscreen demo",
        invite=[guest.user_id],
        initial_state=[
            {
                "type": "m.room.encryption",
                "state_key": "",
                "content": {"algorithm": "m.megolm.v1.aes-sha2"},
            }
        ],
    )
    if not isinstance(answer, nio.RoomCreateResponse):
        raise RuntimeError(f"room_create: {answer}")
    room_id = answer.room_id
    await guest.sync(timeout=SYNC_TIMEOUT_MS)
    joined = await guest.join(room_id)
    if not isinstance(joined, nio.JoinResponse):
        raise RuntimeError(f"join: {joined}")
    for client in (owner, guest):
        await client.sync(timeout=SYNC_TIMEOUT_MS)
        if not client.rooms[room_id].encrypted:
            raise RuntimeError(f"{client.user_id} does not see {room_id} as encrypted")
    return room_id


async def trust_each_other(first: nio.AsyncClient, second: nio.AsyncClient) -> None:
    """Verify each other's device after comparing fingerprints (the out-of-band check)."""
    for me, other in ((first, second), (second, first)):
        await me.keys_query()
        own_key = other.olm.account.identity_keys["ed25519"] if other.olm else None
        devices = list(me.device_store.active_user_devices(other.user_id))
        if not devices:
            raise RuntimeError(f"{me.user_id} sees no device of {other.user_id}")
        for device in devices:
            if device.device_id != other.device_id or device.ed25519 != own_key:
                raise RuntimeError(f"{other.user_id}'s device {device.device_id}: bad fingerprint")
            me.verify_device(device)


async def send_text(client: nio.AsyncClient, room_id: str, body: str) -> str:
    """Send ``body`` as ``m.text``; nio encrypts it because the room is encrypted."""
    answer = await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})
    if not isinstance(answer, nio.RoomSendResponse):
        raise RuntimeError(f"room_send: {answer}")
    return str(answer.event_id)


async def sync_until(client: nio.AsyncClient, done: Callable[[], bool], timeout: float) -> None:
    """Sync repeatedly until ``done()`` (the display callback saw what we wait for)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not done():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{client.user_id}: nothing displayed within {timeout:g} s")
        await client.sync(timeout=SYNC_TIMEOUT_MS)
