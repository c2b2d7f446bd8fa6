"""An e-mail server that refuses the first messages: a stand-in for an SMTP server that is down,
not a mock of our code (the outbox and the worker run for real)."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend
from django.core.mail.backends.locmem import EmailBackend


class FlakyEmailBackend(EmailBackend):
    refusals_left = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.refusals_left > 0:
            FlakyEmailBackend.refusals_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class DeadEmailBackend(EmailBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection refused")


class SlowFileEmailBackend:
    """Writes each e-mail to a file after a pause, like a slow SMTP server: a worker killed
    during the pause has not handed that message over."""

    def __new__(cls, *args, **kwargs):
        import time

        from django.core.mail.backends.filebased import EmailBackend

        class Slow(EmailBackend):
            def send_messages(self, messages):
                time.sleep(0.3)
                return super().send_messages(messages)

        return Slow(*args, **kwargs)


class GreetingRefusalBackend(FileEmailBackend):
    """An SMTP server that greets with 421 while the file named by FLAKY_REFUSALS_FILE holds a
    number above zero (decremented at each attempt), then accepts (writing each message to a file
    of EMAIL_FILE_PATH): works across processes."""

    def open(self):
        import os
        from pathlib import Path
        from smtplib import SMTPConnectError

        counter = Path(os.environ["FLAKY_REFUSALS_FILE"])
        left = int(counter.read_text() or 0)
        if left > 0:
            counter.write_text(str(left - 1))
            raise SMTPConnectError(421, "4.3.2 Service not available, closing channel")
        return super().open()


class DatabaseDroppingBackend(EmailBackend):
    """Accepts each message, then the database drops this process's connection (as a crash of
    the database would, for a moment) before the message is marked sent."""

    def send_messages(self, messages):
        from django.db import OperationalError, connection

        sent = super().send_messages(messages)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        except OperationalError:
            pass  # the connection is gone: what the marking meets next
        return sent
