"""SMTP security modes against aiosmtpd on 127.0.0.1 with a throwaway certificate:
STARTTLS with a login (the password from the environment), TLS from the start, and
a server without STARTTLS refused rather than used in plain text."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from scraper.config.notify import EmailSettings
from scraper.models.errors import DeliveryError
from scraper.notify.smtp import send_email
from tests.receivers import _Handler, free_port

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
PASSWORD = "smtp-password-for-tests"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


def _client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[_Handler, int]]:
    handler = _Handler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=_authenticate,
        auth_required=True,
    )
    controller.start()
    yield handler, port
    controller.stop()


def _mail() -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = "Test", "c@example.org", "r@example.org"
    mail.set_content("Hello")
    return mail


def _settings(port: int, security: str, **extra: Any) -> EmailSettings:
    return EmailSettings.model_validate(
        {
            "host": "127.0.0.1",
            "port": port,
            "security": security,
            "sender": "c@example.org",
            "timeout": 5,
            **extra,
        }
    )


def test_starttls_with_a_login(
    starttls_server: tuple[_Handler, int],
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler, port = starttls_server
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    settings = _settings(port, "starttls", user="clippings", password_env="TEST_SMTP_PASSWORD")
    send_email(
        settings, _mail(), password=settings.password(), ssl_context=_client_context(certificate)
    )
    assert len(handler.messages) == 1
    with pytest.raises(DeliveryError, match="no SMTP password"):
        send_email(settings, _mail(), password=None, ssl_context=_client_context(certificate))


def test_an_untrusted_certificate_is_refused(starttls_server: tuple[_Handler, int]) -> None:
    _handler, port = starttls_server
    with pytest.raises(DeliveryError, match=r"SMTP failure|certificate"):
        send_email(_settings(port, "starttls", user="u"), _mail(), password=PASSWORD)


def test_tls_from_the_start(certificate: tuple[Path, Path]) -> None:
    handler = _Handler()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, ssl_context=_server_context(certificate)
    )
    controller.start()
    try:
        send_email(_settings(port, "tls"), _mail(), ssl_context=_client_context(certificate))
    finally:
        controller.stop()
    assert len(handler.messages) == 1


def test_a_server_without_starttls_is_not_used_in_plain_text() -> None:
    handler = _Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
            send_email(_settings(port, "starttls"), _mail())
    finally:
        controller.stop()
    assert handler.messages == []


def test_a_server_that_is_not_there() -> None:
    with pytest.raises(DeliveryError, match="cannot connect"):
        send_email(_settings(free_port(), "none"), _mail())
