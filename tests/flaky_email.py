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
