"""Deadline night: the last hour of a call, played by Locust (issue 18, item 4).

Started by `manage.py bench_deadline`, which seeds the call and the people, signs everyone in and
writes the plan this file reads (the path is in DEADLINE_PLAN): the call, the portal's URLs, the
cookie names and one session key per volunteer and per staff member.

Each volunteer goes once through the real journey, as a person on a phone would: open the call,
start an application, choose missions and write the motivation (the draft is saved at each
step), upload the motivation letter (a real PDF: uploads are parsed), read the summary with its
eligibility preview, submit, and look at the application. A few staff members page through the
call's applications and open some, until every volunteer is done; then the run stops (or at
--run-time).

The portal runs with production settings, so its cookies are Secure and the client would never
send them back over plain HTTP: each user sends its session and CSRF cookies itself, in an
explicit Cookie header. The CSRF cookie is HttpOnly too, so the token comes from the form.
"""

import html
import itertools
import json
import os
import random
import re
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

if not os.environ.get("DEADLINE_PLAN"):
    raise SystemExit("DEADLINE_PLAN is not set: run `manage.py bench_deadline`, which writes it.")
PLAN = json.loads(Path(os.environ["DEADLINE_PLAN"]).read_text())
URLS = PLAN["urls"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPTION = re.compile(r'<option value="(\d+)"')
NEXT_PAGE = re.compile(r'href="(\?[^"]*)" rel="next"')
MOTIVATION = (
    "Animatrice bénévole depuis trois ans à Kpalimé, je veux apprendre d'autres façons de "
    "mobiliser les jeunes et les partager à mon retour."
)

_volunteer_sessions = iter(PLAN["volunteers"])
_staff_sessions = itertools.cycle(PLAN["staff"])
_finished = 0


def pattern(template: str) -> re.Pattern:
    """A URL template of the plan ("/candidatures/{id}/") as a regular expression."""
    return re.compile(re.escape(template).replace(re.escape("{id}"), r"(\d+)"))


def exactly(url: str) -> re.Pattern:
    return re.compile(re.escape(url))


STAFF_APPLICATION = pattern(URLS["staff_application"])


def letter_pdf() -> bytes:
    """A one-page PDF letter with its cross-reference table, written by hand."""
    text = b"BT /F1 14 Tf 72 770 Td (Lettre de motivation) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(out)


LETTER = letter_pdf()


class Abandoned(Exception):
    """A step failed (already counted as a failure): this person gives up, as one would."""


class SignedIn(HttpUser):
    abstract = True

    def sign_in(self, session_key: str) -> None:
        self.cookies = {PLAN["cookies"]["session"]: session_key}
        self.csrf_token = ""
        self._send_cookies()

    def _send_cookies(self) -> None:
        self.client.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def get(self, url: str, name: str):
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                response.failure(f"{response.status_code} {where}".strip())
                raise Abandoned
        cookie = response.cookies.get(PLAN["cookies"]["csrf"])
        token = CSRF_INPUT.search(response.text)
        if cookie and token:
            # The CSRF cookie is Secure and HttpOnly: taken from the response that set it and
            # sent back by hand; the token is the form's, as a browser would post it.
            self.cookies[PLAN["cookies"]["csrf"]] = cookie
            self.csrf_token = token.group(1)
            self._send_cookies()
        return response

    def post(self, url: str, name: str, data: dict, *, then: re.Pattern, files=None):
        """POST a form; a success is the redirect to `then` (what the view does when the form is
        valid). Returns the match of the redirect's address."""
        with self.client.post(
            url,
            name=name,
            data={**data, "csrfmiddlewaretoken": self.csrf_token},
            files=files,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            where = response.headers.get("Location", "")
            found = then.fullmatch(where) if response.status_code == 302 else None
            if found is None:
                response.failure(f"{response.status_code} {where}".strip())
                raise Abandoned
        return found


class VolunteerUser(SignedIn):
    fixed_count = len(PLAN["volunteers"])
    # Reading a page and filling its form, on the last evening: quick, not instant.
    wait_time = between(0.5, 2)

    def on_start(self):
        self.sign_in(next(_volunteer_sessions))
        self.done = False

    @task
    def apply_before_the_deadline(self):
        if self.done:
            raise StopUser
        self.done = True
        try:
            self.journey()
        except Abandoned:
            pass
        except Exception as error:  # any other error is a failure of the run too, never silent
            self.environment.events.request.fire(
                request_type="ERROR",
                name="volunteer journey",
                response_time=0,
                response_length=0,
                exception=error,
                context={},
            )
        finally:
            volunteer_finished(self.environment)
        raise StopUser

    def journey(self):
        self.get(URLS["call"], "call page")
        found = self.post(URLS["apply"], "start application", {}, then=pattern(URLS["missions"]))
        application = found.group(1)
        here = {name: URLS[name].format(id=application) for name in URLS if "{id}" in URLS[name]}
        self.wait()

        form = self.get(here["missions"], "draft: missions form")
        offered = list(dict.fromkeys(OPTION.findall(form.text)))
        count = random.randint(1, min(PLAN["max_choices"], len(offered)))  # noqa: S311 (load, not secrets)
        chosen = random.sample(offered, count)
        choices = {f"choice_{rank}": pk for rank, pk in enumerate(chosen, start=1)}
        self.post(
            here["missions"], "draft: save missions", choices, then=exactly(here["motivation"])
        )
        self.wait()

        self.get(here["motivation"], "draft: motivation form")
        self.post(
            here["motivation"],
            "draft: save motivation",
            {"motivation": MOTIVATION},
            then=exactly(here["review"]),
        )
        self.wait()

        self.get(URLS["documents"], "documents page")
        self.post(
            URLS["documents"],
            "document upload",
            {"kind": PLAN["document_kind"], "expiry_date": ""},
            files={"file": ("lettre-de-motivation.pdf", LETTER, "application/pdf")},
            then=exactly(URLS["documents"]),
        )
        self.wait()

        self.get(here["review"], "summary with eligibility preview")
        self.post(
            here["review"], "submit", {"share_documents": "on"}, then=exactly(here["application"])
        )
        self.get(here["application"], "application page")


def volunteer_finished(environment) -> None:
    """Counts the volunteers done; after the last one the run stops (staff browse until then)."""
    global _finished
    _finished += 1
    if _finished == len(PLAN["volunteers"]):
        # A moment later: the runner then no longer holds this user's ending greenlet.
        gevent.spawn_later(0.5, environment.runner.quit)


class StaffUser(SignedIn):
    fixed_count = len(PLAN["staff"])
    wait_time = between(2, 5)

    def on_start(self):
        self.sign_in(next(_staff_sessions))

    @task
    def browse_the_applications(self):
        try:
            page = self.get(URLS["staff_list"], "staff: applications list")
            for _ in range(random.randint(0, 3)):  # noqa: S311 (load, not secrets)
                following = NEXT_PAGE.search(page.text)
                if following is None:
                    break
                self.wait()
                page = self.get(
                    URLS["staff_list_path"] + html.unescape(following.group(1)),
                    "staff: applications list, next page",
                )
            opened = STAFF_APPLICATION.findall(page.text)
            if opened:
                self.wait()
                url = URLS["staff_application"].format(id=random.choice(opened))  # noqa: S311 (load, not secrets)
                self.get(url, "staff: application")
        except Abandoned:
            pass


@events.test_stop.add_listener
def let_the_csv_writer_catch_up(environment, **kwargs):
    """Locust writes its CSV files once a second and not at exit: one more turn for the writer,
    so that the files hold the final figures."""
    gevent.sleep(1.5)
