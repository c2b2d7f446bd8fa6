"""An e-mail server that refuses the first messages: a stand-in for an SMTP server that is down,
not a mock of our code (the outbox and the worker run for real)."""

from smtplib import SMTPServerDisconnected

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
