"""Sending one e-mail over SMTP: plain, STARTTLS or TLS from the start, with a login.

Blocking (``smtplib``); the runner calls it in a worker thread. Every failure
is a ``DeliveryError`` whose reason a person can read on the desk ("SMTP
server refused the login", "cannot connect to smtp.example.org:587: timed
out"); a server that does not offer STARTTLS when ``starttls`` is set is an
error, never a silent fall-back to plain text.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from scraper.config.notify import EmailSettings
from scraper.models.errors import DeliveryError


def send_email(
    settings: EmailSettings,
    message: EmailMessage,
    *,
    password: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Send ``message`` through the server of ``settings``; raise DeliveryError on failure."""
    target = f"{settings.host}:{settings.port}"
    context = ssl_context or ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            client.ehlo()
            if settings.security == "starttls":
                if not client.has_extn("starttls"):
                    raise DeliveryError("the SMTP server does not offer STARTTLS", target=target)
                client.starttls(context=context)
                client.ehlo()
            if settings.user:
                if password is None:
                    raise DeliveryError(
                        "no SMTP password: set the environment variable "
                        f"{settings.password_env or '(password_env)'} or `password_file`",
                        target=target,
                    )
                client.login(settings.user, password)
            refused = client.send_message(message)
            if refused:
                raise DeliveryError(f"the server refused {', '.join(refused)}", target=target)
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"the SMTP server refused the login ({exc.smtp_code})", target=target
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(
            f"the SMTP server refused the recipient {', '.join(exc.recipients)}", target=target
        ) from exc
    except smtplib.SMTPResponseException as exc:
        detail = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        raise DeliveryError(f"SMTP error {exc.smtp_code}: {detail}", target=target) from exc
    except (smtplib.SMTPException, ssl.SSLError) as exc:
        raise DeliveryError(f"SMTP failure: {exc}", target=target) from exc
    except OSError as exc:
        raise DeliveryError(f"cannot connect: {exc.strerror or exc}", target=target) from exc
