"""What "nothing executable reaches the page" means, checked on the HTML a browser would parse."""

import html
import json
import re
from html.parser import HTMLParser

# Hostile markup as people actually try it: tags, handlers, script URLs (plain, mixed case, entity-encoded,
# split by a tab), data: URLs, CSS expressions, mutation-XSS, and breaking out of attributes and elements.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "<body onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    '<a href="https://example.com/" target="_blank">bình thường</a>',
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "poster", "xlink:href"}
EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "frame", "frameset"}
SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


class ExecutableFinder(HTMLParser):
    """Collects every element, attribute and URL on a page that could run script."""

    def __init__(self, allowed_tags: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.found: list[str] = []
        self.in_json_ld = False
        self.json_ld: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("type") == "application/ld+json":
            self.in_json_ld = True
            self.json_ld.append("")
        elif tag == "script" and (values.get("src") or "").startswith("/") and not values["src"].startswith("//"):
            pass  # the site's own script file
        elif tag == "style" and values.get("nonce"):
            pass  # the admin's own, allowed by the policy's nonce
        elif tag in EXECUTABLE_TAGS and tag not in self.allowed_tags:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name == "style":
                self.found.append(f"<{tag} style>")
            if name in URL_ATTRIBUTES and value:
                # What the browser resolves: entities decoded (done by the parser), tabs, newlines and controls gone.
                url = re.sub(r"[\x00-\x20]", "", html.unescape(value))
                if SCRIPT_SCHEME.match(url) and not url.startswith("data:image/"):
                    self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self.in_json_ld:
            self.json_ld[-1] += data


def executable_parts(page: str, allowed_tags: frozenset[str] = frozenset()) -> list[str]:
    """Everything on the page that would run script; JSON-LD blocks must also still be valid JSON."""
    finder = ExecutableFinder(allowed_tags)
    finder.feed(page)
    finder.close()
    for block in finder.json_ld:
        try:
            json.loads(block)
        except ValueError:
            finder.found.append(f"JSON-LD broken: {block[:80]!r}")
    return finder.found
