"""Email goes to a real SMTP server when MAIL_SERVER is set, else to .eml files in the outbox."""

import socketserver
import threading
from email import message_from_bytes

from learnset import mail


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of SMTP to accept one message, as a real server would on the wire."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        data = b""
        in_data = False
        while line := self.rfile.readline():
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    self.server.received.append(data)  # type: ignore[attr-defined]
                    self.wfile.write(b"250 OK\r\n")
                else:
                    data += line[1:] if line.startswith(b"..") else line
                continue
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 test\r\n")
            elif command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


def test_outbox_gets_an_eml_file_and_logs_the_link(app, outbox, caplog):
    with app.test_request_context(), caplog.at_level("INFO"):
        mail.send(
            "pat@example.org",
            "Hello",
            "email/password_reset.txt",
            user=type("U", (), {"name": "Pat"})(),
            link="http://localhost/reset-password/abc",
            minutes=60,
        )
    [message] = outbox()
    assert message["To"] == "pat@example.org"
    assert "http://localhost/reset-password/abc" in message.get_payload(decode=True).decode()
    assert "http://localhost/reset-password/abc" in caplog.text


def test_smtp_when_mail_server_is_set(app, outbox):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1], MAIL_USE_TLS=False
    )
    try:
        with app.test_request_context():
            mail.send(
                "pat@example.org",
                "Hello",
                "email/password_reset.txt",
                user=type("U", (), {"name": "Pat"})(),
                link="http://localhost/x",
                minutes=60,
            )
    finally:
        server.shutdown()
        server.server_close()
    [raw] = server.received  # type: ignore[attr-defined]
    message = message_from_bytes(raw)
    assert message["To"] == "pat@example.org"
    assert message["Subject"] == "Hello"
    assert outbox() == []
