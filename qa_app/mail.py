"""Sending email: SMTP when MAIL_SERVER is set, otherwise the message goes to the log
(development). Messages carry links, never pupil details.

Notifications are not sent from here directly: they go through the outbox
(qa_app.notifications.outbox), which calls send_email when it delivers them."""

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app


def send_email(to, subject, body, attachments=()):
    """Send one plain-text email to a list of addresses; attachments are (name, mime type, bytes)."""
    recipients = [address for address in to if address]
    if not recipients:
        return False
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    for name, mime_type, data in attachments:
        maintype, subtype = mime_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    if not config.get("MAIL_SERVER"):
        if config["ENV_NAME"] == "production":
            # Never count an email as sent when it cannot be: the outbox keeps it and retries.
            raise ConnectionRefusedError("MAIL_SERVER is not set")
        current_app.logger.info(
            "Email (not sent: no MAIL_SERVER) to %s: %s\n%s", message["To"], subject, body
        )
        return True
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return True
