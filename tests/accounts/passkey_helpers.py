"""A passkey in software, for tests of the server's side: a real P-256 key pair that answers the
server's options as an authenticator would, with a "none" attestation when registering and a
real ECDSA signature when signing in. Nothing in the server's checks is mocked."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

from tests.helpers import csrf_from, press, submit

UP, UV, AT = 0x01, 0x04, 0x40
# The test settings' BASE_URL, which passkeys are made for.
ORIGIN = "http://localhost"


class SoftPasskey:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.user_handle = b""
        self.counter = 0

    def _cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        return json.dumps(data).encode()

    def register(self, options: dict[str, Any], origin: str, verified: bool = True) -> str:
        """The browser's answer to registration options, as JSON."""
        self.user_handle = options["user"]["id"].encode()
        rp_hash = hashlib.sha256(options["rp"]["id"].encode()).digest()
        flags = UP | AT | (UV if verified else 0)
        attested = (
            bytes(16)
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self._cose_public_key()
        )
        auth_data = rp_hash + bytes([flags]) + self.counter.to_bytes(4, "big") + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return self._json(
            {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal"],
            }
        )

    def sign_in(
        self, options: dict[str, Any], origin: str, verified: bool = True, rp_id: str | None = None
    ) -> str:
        """The browser's answer to sign-in options, as JSON, signed with the private key."""
        self.counter += 1
        rp_hash = hashlib.sha256((rp_id or options["rpId"]).encode()).digest()
        flags = UP | (UV if verified else 0)
        auth_data = rp_hash + bytes([flags]) + self.counter.to_bytes(4, "big")
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return self._json(
            {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
                "userHandle": bytes_to_base64url(self.user_handle),
            }
        )

    def _json(self, response: dict[str, Any]) -> str:
        credential_id = bytes_to_base64url(self.credential_id)
        return json.dumps(
            {
                "id": credential_id,
                "rawId": credential_id,
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )


# --- Through the pages, as passkeys.js does ---------------------------------------------------


def options_from(client: Any, path: str, page: str) -> dict[str, Any]:
    """Ask for options as the script does: a POST with the page's CSRF token in a header."""
    response = client.post(path, headers={"X-CSRFToken": csrf_from(client, page)})
    assert response.status_code == 200, response.status_code
    options: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return options


def add_passkey(
    client: Any, device: SoftPasskey, name: str = "Work laptop", origin: str = ORIGIN
) -> Any:
    """Add a passkey on the account page, as someone pressing its button would."""
    options = options_from(client, "/account/passkeys/options", "/account/passkeys/add")
    credential = device.register(options, origin)
    return submit(client, "/account/passkeys/add", {"name": name, "credential": credential})


def sign_in_with(client: Any, device: SoftPasskey, page: str = "/sign-in", **answer: Any) -> Any:
    """Press \"Sign in with a passkey\" (or \"Use a passkey\" on the code page)."""
    options = options_from(client, "/sign-in/passkey/options", page)
    credential = device.sign_in(options, answer.pop("origin", ORIGIN), **answer)
    return press(client, "/sign-in/passkey", {"credential": credential}, page=page)
