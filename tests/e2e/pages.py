"""The crawl of tests/e2e/test_every_page.py: the URL names of the URLconf, the strings of the
English catalogue, the codes of the models' choices, the checks run inside each page, and the
report.

Each check returns plain data; the test collects every finding of every page, then fails once
with the report this module writes (grouped by check, then by page, with a summary by component
so that a defect shared by many pages reads as one line).
"""

import csv
import importlib
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

# axe-core from the npm registry (tests/e2e/vendor/axe-core/VERSION), used by the tests only:
# it is not in static/, so the portal never serves it.
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PO_EN = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"

# The spaces whose every page must be visited or skipped with a reason.
SPACES = (
    "staff",
    "partners",
    "volunteers",
    "missions",
    "notifications",
    "preferences",
    "committee",
)


# The URLconf ---------------------------------------------------------------------------------


def url_names(resolver=None, namespace="") -> dict[str, URLPattern]:
    """Every named URL pattern, by its namespaced name ("staff:applications")."""
    found = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, pattern in url_names(entry, inner).items():
                found.setdefault(name, pattern)
        elif isinstance(entry, URLPattern) and entry.name:
            found.setdefault(f"{namespace}{entry.name}", entry)
    return found


def space_names() -> list[str]:
    return sorted(name for name in url_names() if name.split(":", 1)[0] in SPACES)


# The English catalogue -----------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(|%[sd]|\{")


def _unquote(text: str) -> str:
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape")


def read_po(path: Path = PO_EN) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each singular entry; plurals and the header are left out."""
    entries, current, key, fuzzy = [], {}, None, False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current and "msgid_plural" not in current and current["msgid"]:
            entries.append((current["msgid"], current.get("msgstr", ""), fuzzy))
        current, fuzzy = {}, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            keyword, _space, rest = line.partition(" ")
            if keyword == "msgid" and "msgid" in current:
                flush()
            key = keyword
            current[key] = _unquote(rest.strip()[1:-1])
        elif line.startswith('"') and key:
            current[key] += _unquote(line[1:-1])
    flush()
    return entries


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sentence(text: str) -> bool:
    """At least three words, no placeholder nor markup: a string that reads the same in a page."""
    return len(text.split()) >= 3 and not PLACEHOLDER.search(text) and "<" not in text


@dataclass
class Catalogue:
    french_only: list[str]  # msgids whose English differs (or is missing): never on an EN page
    english_only: list[str]  # msgstrs that differ from their msgid: never on a FR page
    french_words: set[str]
    english_words: set[str]

    @classmethod
    def load(cls, path: Path = PO_EN) -> "Catalogue":
        french, english, french_words, english_words = set(), set(), set(), set()
        for msgid, msgstr, fuzzy in read_po(path):
            msgid, msgstr = _normal(msgid), _normal(msgstr)
            french_words.update(re.findall(r"\w+", msgid.lower()))
            english_words.update(re.findall(r"\w+", msgstr.lower()))
            if msgstr == msgid:
                continue
            # A fuzzy or empty translation is not used: the English page shows the French.
            if _sentence(msgid):
                french.add(msgid)
            if msgstr and not fuzzy and _sentence(msgstr):
                english.add(msgstr)
        # A string of one language that is also a string of the other proves nothing.
        return cls(
            french_only=sorted(french - english),
            english_only=sorted(english - french),
            french_words=french_words,
            english_words=english_words,
        )

    def foreign(self, text: str, language: str) -> list[str]:
        """The catalogue's strings of the other language found, as whole words, in the text."""
        strings = self.french_only if language == "en" else self.english_only
        found = []
        for string in strings:
            if string in text and re.search(rf"(?<!\w){re.escape(string)}(?!\w)", text):
                found.append(string)
        # A string found inside a longer one found is the same finding.
        return [s for s in found if not any(s != other and s in other for other in found)]


# The stored codes ----------------------------------------------------------------------------

ENUM_MODULES = ("missions.enums", "volunteers.enums", "mobility.enums", "partners.enums")


def stored_codes() -> dict[str, str]:
    """Every value of the models' TextChoices and every notification event name, each with
    where it comes from ("ApplicationStatus.UNDER_REVIEW")."""
    from notifications.families import EVENT_FAMILY
    from notifications.models import Channel, State

    enums = [Channel, State]
    for module_name in ENUM_MODULES:
        module = importlib.import_module(module_name)
        enums += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, models.TextChoices)
            and value.__module__ == module_name
        ]
    codes = {}
    for enum in enums:
        for member in enum:
            codes.setdefault(str(member.value), f"{enum.__name__}.{member.name}")
    for event in EVENT_FAMILY:
        codes.setdefault(event, "notification event")
    return codes


def raw_code_candidates(codes: dict[str, str], words: set[str]) -> dict[str, str]:
    """The codes that, read in a page, can only be a code: those with an underscore, and the
    lower-case single words of four letters or more that are not words of the page's language
    (its side of the catalogue). Shorter codes (fr, en, cv, yes, no, sms…) are words or
    abbreviations a page may rightly show."""
    return {
        code: origin
        for code, origin in codes.items()
        if "_" in code or (re.fullmatch(r"[a-z]{4,}", code) and code not in words)
    }


# Text is read without what is not prose: addresses, e-mail addresses and file names (a
# document keeps the name it was uploaded with, "motivation_letter.pdf"), which may contain a
# code as a matter of course.
NOT_PROSE = re.compile(
    r"\S+@\S+|https?://\S+|(?<![\w.])/[\w/.-]+|[\w.-]+\.(?:pdf|png|jpe?g|csv|json|docx?|odt)\b",
    re.IGNORECASE,
)


def raw_codes_in(text: str, candidates: dict[str, str]) -> list[str]:
    prose = NOT_PROSE.sub(" ", text)
    found = []
    for code, origin in candidates.items():
        if code in prose and re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", prose):
            found.append(f"{code} ({origin})")
    return sorted(found)


def raw_codes_in_csv(content: str, codes: dict[str, str]) -> list[str]:
    """Cells of a spreadsheet that are a code and nothing else (any code with an underscore or
    of four letters or more: a spreadsheet's reader reads labels, not codes)."""
    found = {}
    try:
        dialect = csv.Sniffer().sniff(content[:4000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(content), dialect))
    header = rows[0] if rows else []
    for row in rows[1:]:
        for index, cell in enumerate(row):
            cell = cell.strip()
            if cell in codes and ("_" in cell or len(cell) >= 4):
                column = header[index] if index < len(header) else f"#{index + 1}"
                found.setdefault(f"{cell} ({codes[cell]}) in column {column!r}", None)
    return list(found)


# The checks inside the page ------------------------------------------------------------------

# Horizontal overflow, and the size and spacing of every target (WCAG 2.2, 2.5.8).
LAYOUT_JS = r"""
() => {
  const vw = window.innerWidth;
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = (el.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean);
    if (cls.length) s += '.' + cls.join('.');
    if (el.tagName === 'INPUT') s += `[type=${el.type}]`;
    return s;
  };
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
      parts.unshift(describe(e));
    }
    return parts.join(' > ');
  };
  // What a component is, whatever page it is on: its parent and itself, without ids.
  const component = (el) => [el.parentElement, el].filter(Boolean)
    .map((e) => describe(e).replace(/#[^.[]+/, '')).join(' > ');
  const words = (el) => String(el.innerText || el.value || el.getAttribute('aria-label') ||
    el.getAttribute('title') || el.getAttribute('name') || '').replace(/\s+/g, ' ').trim()
    .slice(0, 50);
  const right = (el) => el.getBoundingClientRect().right + scrollX;
  const depth = (el) => { let d = 0; for (let e = el; e; e = e.parentElement) d++; return d; };
  // The innermost element reaching farthest right: where the width comes from.
  const widest = (root, candidates) => {
    let best = null;
    for (const el of candidates) {
      if (!root.contains(el) || el === root) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (!best || right(el) > right(best) + 1 ||
          (right(el) >= right(best) - 1 && depth(el) > depth(best))) best = el;
    }
    return best;
  };

  // (a) Overflow. 1. The document wider than the viewport: the outermost elements that stick
  // out (not those an ancestor clips or scrolls). 2. A region that scrolls sideways, or cuts
  // its content, at this width (a table in an overflow-x: auto wrapper): the reader has to
  // scroll inside the page, or loses part of it. Not counted: form fields (their text scrolls
  // inside them), text cut on purpose (text-overflow: ellipsis), visually hidden text.
  const all = [document.body, ...document.body.querySelectorAll('*')];
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const sticking = all.filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right + scrollX > vw + 1 && r.right + scrollX > 0 &&
      !clipped(el);
  });
  const sticks = new Set(sticking);
  const inside = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) if (sticks.has(a)) return true;
    return false;
  };
  const offenders = sticking.filter((el) => !sticks.has(el.parentElement))
    .sort((a, b) => right(b) - right(a)).slice(0, 6).map((el) => {
      const culprit = widest(el, sticking);
      return {element: where(el), component: component(el), right: Math.round(right(el)),
              text: words(el), culprit: culprit ? where(culprit) : '',
              culpritText: culprit ? words(culprit) : ''};
    });
  // Text that runs past its box and the screen (a long address in a heading): the box stays
  // in, its words do not.
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const runs = new Map();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || sticks.has(el) || inside(el)) continue;
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.right + scrollX <= vw + 1) continue;
    if (getComputedStyle(el).overflowX !== 'visible' || clipped(el)) continue;
    runs.set(el, Math.max(runs.get(el) || 0, r.right + scrollX));
  }
  for (const [el, edge] of runs) {
    offenders.push({element: where(el), component: component(el), right: Math.round(edge),
                    text: words(el), culprit: '', culpritText: '', spills: true});
  }
  const regions = [];
  for (const el of all) {
    if (el.matches('input, select, textarea, option, button')) continue;
    // The one rule for wide tables (anvt.css): a labelled region, reachable with the keyboard,
    // that scrolls on its own while the page stays put. What it holds is not an overflow.
    if (el.matches('.table-scroll[role=region][tabindex="0"][aria-label]')) continue;
    const style = getComputedStyle(el);
    if (style.overflowX === 'visible' || style.textOverflow === 'ellipsis') continue;
    if (el.clientWidth <= 2 || style.clip !== 'auto' || style.clipPath !== 'none') continue;
    if (!el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) continue;
    const extra = el.scrollWidth - el.clientWidth;
    if (extra <= 1) continue;
    const culprit = widest(el, el.querySelectorAll('*'));
    regions.push({
      element: where(el), component: component(el), extra, width: el.clientWidth,
      scrolls: ['auto', 'scroll'].includes(style.overflowX),
      culprit: culprit ? where(culprit) : '', culpritText: culprit ? words(culprit) : '',
    });
  }
  const overflow = {scrollWidth: document.documentElement.scrollWidth, innerWidth: vw,
                    offenders, regions};

  // (b) Targets.
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    // The content of a closed <details> keeps its boxes but is not rendered
    // (content-visibility): checkVisibility() tells, as it does for visibility and opacity.
    if (!el.checkVisibility({contentVisibilityAuto: true, opacityProperty: true,
                             visibilityProperty: true})) return false;
    // Off the page on purpose (the skip link waits at left: -999px until it has the focus).
    return r.right + scrollX > 0 && r.bottom + scrollY > 0;
  };
  const labelOf = (input) => input.closest('label') ||
    (input.id ? document.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null);
  const inlineDisplay = (el) => getComputedStyle(el).display.startsWith('inline');
  const blockOf = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (!inlineDisplay(a) && getComputedStyle(a).display !== 'contents') return a;
    }
    return document.body;
  };
  // An inline link in running text is exempt (2.5.8 "Inline"): the sentence around it, the
  // text of its block that is neither in a nested block nor in another control, is longer than
  // the link's own text. A link beside a button, alone in a table cell or in a paragraph of
  // its own is not in a sentence: it is measured.
  const controls = 'a, button, input, select, textarea, summary, label, [role=button]';
  const sentence = (block, link) => {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let text = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      let prose = true;
      for (let a = node.parentElement; a && a !== block; a = a.parentElement) {
        if (a === link || a.matches(controls) || !inlineDisplay(a)) { prose = false; break; }
      }
      if (prose) text += node.textContent;
    }
    return text.replace(/[\s·|•,;:()\u2013\u2014-]+/g, ' ').trim();
  };
  const inline = (el) => el.tagName === 'A' && inlineDisplay(el) &&
    sentence(blockOf(el), el).length > (el.innerText || '').trim().length;
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
    '[role=button]';
  const targets = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.closest('nav.skip, .skip-link') || !visible(el)) continue;
    let r = el.getBoundingClientRect();
    let shown = el;
    if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type)) {
      // A checkbox or a radio button is ticked by its label too: the target is both.
      const label = labelOf(el);
      if (label && visible(label)) {
        const l = label.getBoundingClientRect();
        const box = {left: Math.min(r.left, l.left), top: Math.min(r.top, l.top),
                     right: Math.max(r.right, l.right), bottom: Math.max(r.bottom, l.bottom)};
        r = {...box, width: box.right - box.left, height: box.bottom - box.top};
        shown = label;
      }
    }
    // A control hidden visually (1 px, clipped) is operated through its label.
    if (r.width <= 1 && r.height <= 1) continue;
    const b = {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
    b.right = b.x + b.w;
    b.bottom = b.y + b.h;
    targets.push({el, shown, b, inline: inline(el)});
  }
  const small = (t) => t.b.w < 24 || t.b.h < 24;
  const centre = (t) => ({x: t.b.x + t.b.w / 2, y: t.b.y + t.b.h / 2});
  const distanceToBox = (p, b) => Math.hypot(Math.max(b.x - p.x, 0, p.x - b.right),
                                             Math.max(b.y - p.y, 0, p.y - b.bottom));
  const related = (a, b) => a.el.contains(b.el) || b.el.contains(a.el) ||
    a.shown.contains(b.el) || b.shown.contains(a.el);
  const size = (t) => `${Math.round(t.b.w)}x${Math.round(t.b.h)}`;
  const failures = [];
  const under44 = [];
  for (const t of targets) {
    if (t.inline) continue;
    if (t.b.w < 44 || t.b.h < 44) {
      const short = t.b.w >= 44 ? `${Math.round(t.b.h)} px high` : size(t);
      under44.push({component: component(t.shown), size: short, text: words(t.el)});
    }
    if (!small(t)) continue;
    // 2.5.8 spacing: a 24 px circle centred on the target meets no other target, nor the
    // circle of another undersized target.
    const c = centre(t);
    let conflict = null;
    for (const u of targets) {
      if (u === t || related(t, u)) continue;
      const d = distanceToBox(c, u.b);
      const circles = small(u) && !u.inline &&
        Math.hypot(c.x - centre(u).x, c.y - centre(u).y) < 24;
      if ((d < 12 || circles) && (!conflict || d < conflict.d)) conflict = {d, u};
    }
    if (!conflict) continue;
    failures.push({
      element: where(t.shown), component: component(t.shown), size: size(t), text: words(t.el),
      near: `${describe(conflict.u.shown)} "${words(conflict.u.el)}", ` +
        `${conflict.d.toFixed(1)} px from its centre`,
    });
  }
  return {overflow, targets: targets.length, failures, under44};
}
"""

# The text a reader sees (menus opened), without code, preformatted text, form fields' values;
# and the texts given to assistive technologies (labels, titles, alternatives, placeholders).
TEXT_JS = r"""
() => {
  for (const d of document.querySelectorAll('details:not([open])')) d.open = true;
  const hidden = [];
  // Text marked with a language of its own (lang="…", other than the page's: a stored message
  // listed in its recipient's language) is content, not the page's interface.
  const pageLang = document.documentElement.lang;
  const foreign = [...document.body.querySelectorAll('[lang]')].filter(
    (el) => !el.lang.startsWith(pageLang));
  for (const el of [...document.querySelectorAll('code, pre, textarea, script, style, noscript'),
                    ...foreign]) {
    hidden.push([el, el.style.display]);
    el.style.display = 'none';
  }
  const text = document.body.innerText;
  for (const [el, display] of hidden) el.style.display = display;
  const attributes = [];
  for (const el of document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
    for (const name of ['aria-label', 'title', 'alt', 'placeholder']) {
      if (el.hasAttribute(name)) attributes.push(el.getAttribute(name));
    }
  }
  return {text, title: document.title, attributes};
}
"""

# What axe-core judges, in a few bytes: each element's tag, classes, attribute names (not
# values: ids and links differ from object to object), whether it holds text of its own, and
# whether it scrolls; the page's language. Two pages with the same signature get the same
# verdict from axe-core (the same structure, names, colours and scroll regions): it runs once.
SIGNATURE_JS = r"""
() => {
  let hash = 2166136261;
  const add = (text) => {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 16777619);
    }
  };
  add(document.documentElement.lang);
  for (const el of document.body.querySelectorAll('*')) {
    const names = [...el.attributes].map((a) => a.name).sort().join(',');
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const scrolls = getComputedStyle(el).overflowX !== 'visible' &&
      el.scrollWidth > el.clientWidth;
    add(`${el.tagName}.${el.getAttribute('class') || ''}|${names}|${text}|${scrolls};`);
  }
  return (hash >>> 0).toString(16);
}
"""

AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      nodes: v.nodes.slice(0, 3).map((n) => ({
        target: n.target.join(' '),
        html: n.html.replace(/\\s+/g, ' ').slice(0, 110),
        summary: (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim().slice(0, 140),
      })),
    }));
}
"""


# Labels shared by several codes ----------------------------------------------------------------


def shared_labels() -> dict[tuple[str, str], list[str]]:
    """French labels that several stored codes share, each with its one English translation:
    a msgid has one msgstr, so two codes of different meanings under one French word read the
    same in English too (a message "Envoyée" is sent, an application "Envoyée" is submitted;
    pgettext tells them apart)."""
    from django.utils import translation

    groups = defaultdict(dict)
    for value, origin in stored_codes().items():
        if "." not in origin:
            continue  # an event name: no label
        enum_name, member = origin.split(".")
        for module_name in (*ENUM_MODULES, "notifications.models"):
            enum = getattr(importlib.import_module(module_name), enum_name, None)
            if enum is not None:
                break
        label = enum[member].label
        with translation.override("fr"):
            french = str(label)
        with translation.override("en"):
            english = str(label)
        groups[(french, english)][value] = origin
    return {
        key: sorted(f"{origin} ({value})" for value, origin in codes.items())
        for key, codes in groups.items()
        if len(codes) > 1
    }


# The findings and the report -----------------------------------------------------------------

CHECKS = {
    "http": "Pages that do not answer 200 (or that redirect) for a role the table says can see",
    "overflow": "Horizontal overflow at 390 px: the page wider than the screen, or a region "
    "scrolling sideways",
    "targets": "Targets under 24x24 px too close to another (WCAG 2.2, 2.5.8)",
    "untranslated": "Strings of the other language (catalogue strings of 3 words or more)",
    "shared labels": "One French label for codes of different meanings (one English for both)",
    "raw codes": "Stored codes displayed raw",
    "axe": "axe-core: serious and critical violations",
    "downloads": "Downloads that do not answer 200 with a file",
    "coverage": "URL names neither visited nor skipped with a reason",
}


@dataclass
class Finding:
    check: str
    page: str  # "role · lang · url name (label)  /path/"
    lines: list[str]
    keys: list[str] = field(default_factory=list)  # what the summary counts (components, rules)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    visits: Counter = field(default_factory=Counter)  # (role, language) -> pages
    downloads: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # For information, not failing: title -> key -> pages.
    info: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def add(self, check, page, lines, keys=()):
        self.findings.append(Finding(check, page, list(lines), list(keys)))

    def text(self, runtime: float) -> str:
        by_check = defaultdict(list)
        for finding in self.findings:
            by_check[finding.check].append(finding)
        total = sum(self.visits.values())
        out = [
            f"Every page at 390x844: {total} page views, {len(self.downloads)} downloads, "
            f"{runtime:.0f} s; {len(self.findings)} findings.",
            "Pages per role and language: "
            + ", ".join(f"{role} {lang} {count}" for (role, lang), count in self.visits.items()),
        ]
        out += [f"  {note}" for note in self.notes]
        for check, title in CHECKS.items():
            findings = by_check.get(check, [])
            pages = {f.page for f in findings}
            out += ["", f"== {title}: {len(findings)} findings on {len(pages)} pages =="]
            keys = Counter(key for f in findings for key in dict.fromkeys(f.keys))
            if keys:
                out.append("  By component / rule (number of pages):")
                out += [f"    {count:3d}  {key}" for key, count in keys.most_common()]
            for finding in sorted(findings, key=lambda f: f.page):
                out.append(f"  {finding.page}")
                out += [f"      {line}" for line in finding.lines]
        for title, keys in self.info.items():
            ranked = sorted(keys.items(), key=lambda item: -len(item[1]))
            out += ["", f"== For information, not failing: {title} ({len(ranked)} components) =="]
            out += [f"    {len(pages):3d}  {key}   e.g. {min(pages)}" for key, pages in ranked[:60]]
            if len(ranked) > 60:
                out.append(f"    … and {len(ranked) - 60} more, each on fewer pages")
        out.append("")
        out.append("Downloads:")
        out += [f"  {line}" for line in self.downloads]
        return "\n".join(out) + "\n"
