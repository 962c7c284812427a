"""An automated check of the pages people read against the WCAG 2.1 AA criteria that can be read from the HTML,
CSS and inline SVG alone (EN 301 549, "Digitoegankelijk"); what needs a person is named in the README.

:func:`problems` parses a page with the standard library's ``html.parser``, resolves the page's own simple CSS
(tag, class and id selectors, descendants; no pseudo-classes) and returns one sentence per problem, each starting
with the success criterion it breaks. An empty list is a page that passes every rule here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: link texts that do not say where a link goes (2.4.4)
VAGUE_LINKS = {"klik hier", "hier", "lees meer", "meer", "link", "click here", "here", "read more"}
#: accessible names that do not say what a chart shows (1.1.1)
VAGUE_NAMES = {"grafiek", "afbeelding", "figuur", "kaart", "chart", "image", "figure", "plot"}
NAMED = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "none": None, "transparent": None}
SHAPES = {"line", "polyline", "path", "circle", "polygon", "rect", "ellipse"}


@dataclass
class Node:
    tag: str
    attrs: dict
    parent: "Node | None" = None
    children: list = field(default_factory=list)      # Nodes and strings

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def in_svg(self) -> bool:
        return self.tag == "svg" or any(a.tag == "svg" for a in self.ancestors())


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.at = self.root
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v or "") for k, v in attrs}, self.at)
        self.at.children.append(node)
        if tag == "style":
            self._in_style = True
        if tag not in VOID:
            self.at = node

    def handle_startendtag(self, tag, attrs):
        self.at.children.append(Node(tag, {k: (v or "") for k, v in attrs}, self.at))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        node = self.at
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.at = node.parent

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
        else:
            self.at.children.append(data)


# --- colours (WCAG 2.1 relative luminance and contrast ratio) ---

def parse_colour(value: str | None):
    """``#rgb``, ``#rrggbb``, ``rgb(r, g, b)`` or a few names as (r, g, b) 0-255; None for none/unknown."""
    if not value:
        return None
    v = value.strip().lower()
    v = NAMED.get(v, v)
    if v is None:
        return None
    if m := re.fullmatch(r"#([0-9a-f]{3})", v):
        return tuple(int(c * 2, 16) for c in m.group(1))
    if m := re.fullmatch(r"#([0-9a-f]{6})", v):
        return tuple(int(m.group(1)[i:i + 2], 16) for i in (0, 2, 4))
    if m := re.fullmatch(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(,\s*[\d.]+\s*)?\)", v):
        return tuple(int(m.group(i)) for i in (1, 2, 3))
    return None


def luminance(rgb) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --- the page's own CSS ---

@dataclass
class Rule:
    selector: list[tuple[str, set, str]]      # compound selectors (tag, classes, id), outermost first
    specificity: tuple[int, int, int]
    order: int
    decls: dict


def _compound(text: str):
    tag = re.match(r"^[a-z0-9*]*", text).group(0)
    classes = set(re.findall(r"\.([\w-]+)", text))
    ident = (re.findall(r"#([\w-]+)", text) or [""])[0]
    return tag if tag not in ("", "*") else "", classes, ident


def parse_css(text: str) -> list[Rule]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules, order = [], 0
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                k, v = decl.split(":", 1)
                decls[k.strip().lower()] = v.strip().lower().replace("!important", "").strip()
        for sel in selectors.split(","):
            sel = sel.strip()
            if not sel or ":" in sel or ">" in sel or "+" in sel or "~" in sel or "[" in sel or sel.startswith("@"):
                continue
            parts = [_compound(p) for p in sel.split()]
            spec = (sum(1 for p in parts if p[2]), sum(len(p[1]) for p in parts), sum(1 for p in parts if p[0]))
            rules.append(Rule(parts, spec, order, decls))
            order += 1
    return rules


def _matches_one(node: Node, comp) -> bool:
    tag, classes, ident = comp
    return ((not tag or node.tag == tag) and classes <= node.classes and (not ident or node.attrs.get("id") == ident))


def _matches(node: Node, rule: Rule) -> bool:
    *outer, last = rule.selector
    if not _matches_one(node, last):
        return False
    at = node.parent
    for comp in reversed(outer):
        while at is not None and not _matches_one(at, comp):
            at = at.parent
        if at is None:
            return False
        at = at.parent
    return True


def _inline(node: Node) -> dict:
    out = {}
    for decl in node.attrs.get("style", "").split(";"):
        if ":" in decl:
            k, v = decl.split(":", 1)
            out[k.strip().lower()] = v.strip().lower()
    return out


def declared(node: Node, rules: list[Rule]) -> dict:
    """The declarations that apply to ``node`` itself (cascade by specificity and order, inline style last)."""
    out = {}
    for rule in sorted((r for r in rules if _matches(node, r)), key=lambda r: (r.specificity, r.order)):
        out.update(rule.decls)
    out.update(_inline(node))
    return out


def _background(decls: dict):
    value = decls.get("background-color") or decls.get("background")
    if not value:
        return None
    return parse_colour(value.split()[0])


DEFAULT_SIZE = {"h1": 2.0, "h2": 1.5, "h3": 1.17, "h4": 1.0, "small": 0.83}


class Styles:
    """Computed colour, background, font size (px) and weight per node, inherited as a browser would."""

    def __init__(self, rules: list[Rule]):
        self.rules, self._memo = rules, {}

    def of(self, node: Node) -> dict:
        key = id(node)
        if key in self._memo:
            return self._memo[key]
        parent = self.of(node.parent) if node.parent is not None else {
            "color": (0, 0, 0), "background": (255, 255, 255), "size": 16.0, "bold": False}
        d = declared(node, self.rules)
        size = parent["size"] * DEFAULT_SIZE.get(node.tag, 1.0)
        if fs := d.get("font-size"):
            if m := re.fullmatch(r"([\d.]+)px", fs):
                size = float(m.group(1))
            elif m := re.fullmatch(r"([\d.]+)rem", fs):
                size = 16.0 * float(m.group(1))
            elif m := re.fullmatch(r"([\d.]+)em", fs):
                size = parent["size"] * float(m.group(1))
            elif m := re.fullmatch(r"([\d.]+)%", fs):
                size = parent["size"] * float(m.group(1)) / 100
        weight = d.get("font-weight", "")
        bold = (parent["bold"] or node.tag in ("h1", "h2", "h3", "h4", "b", "strong", "th")
                or weight == "bold" or (weight.isdigit() and int(weight) >= 600))
        out = {"color": parse_colour(d.get("color")) or parent["color"],
               "background": _background(d) or parent["background"], "size": size, "bold": bold, "decls": d}
        self._memo[key] = out
        return out


def _large(size: float, bold: bool) -> bool:
    return size >= 24 or (bold and size >= 18.66)


# --- the rules ---

def _name(node: Node, ids: dict) -> str:
    """The accessible name of a chart: aria-labelledby, aria-label or its first <title>."""
    if node.attrs.get("aria-labelledby"):
        return " ".join(ids[i].text() for i in node.attrs["aria-labelledby"].split() if i in ids).strip()
    if node.attrs.get("aria-label"):
        return node.attrs["aria-label"].strip()
    for child in node.children:
        if isinstance(child, Node) and child.tag == "title":
            return child.text().strip()
    return ""


def _hidden(node: Node) -> bool:
    return node.attrs.get("aria-hidden") == "true" or any(a.attrs.get("aria-hidden") == "true" for a in node.ancestors())


def problems(html: str) -> list[str]:
    """Every problem found on the page, one sentence each, led by its WCAG success criterion."""
    tree = _Tree()
    tree.feed(html)
    root = tree.root
    nodes = list(root.walk())
    ids = {n.attrs["id"]: n for n in nodes if n.attrs.get("id")}
    rules = parse_css("".join(tree.styles))
    styles = Styles(rules)
    out: list[str] = []
    by_tag = lambda t: [n for n in nodes if n.tag == t]  # noqa: E731

    # 3.1.1 language of the page; 2.4.2 a title that says what the page is
    html_node = (by_tag("html") or [None])[0]
    if html_node is None or html_node.attrs.get("lang", "").split("-")[0] != "nl":
        out.append('3.1.1: <html> has no lang="nl"')
    titles = by_tag("title")
    title = titles[0].text().strip() if titles and not titles[0].in_svg() else ""
    if len(title) < 5 or title.lower() in {"document", "untitled", "pagina"}:
        out.append(f"2.4.2: the page has no meaningful <title> ({title!r})")

    # 1.3.1 headings: one h1, levels do not skip; landmarks; 2.4.1 a skip link before the navigation
    heads = [n for n in nodes if re.fullmatch(r"h[1-6]", n.tag) and not n.in_svg()]
    if sum(1 for h in heads if h.tag == "h1") != 1:
        out.append(f"1.3.1: the page has {sum(1 for h in heads if h.tag == 'h1')} <h1>, not one")
    level = 0
    for h in heads:
        n = int(h.tag[1])
        if n > level + 1:
            out.append(f"1.3.1: heading <{h.tag}> {h.text().strip()[:40]!r} skips a level (after h{level})")
        level = n
    mains = by_tag("main")
    if len(mains) != 1:
        out.append(f"1.3.1: the page has {len(mains)} <main> landmarks, not one")
    elif heads and not any(a is mains[0] for a in heads[0].ancestors()):
        out.append("1.3.1: the <h1> is not inside <main>")
    if by_tag("nav"):
        links = [n for n in nodes if n.tag == "a" and n.attrs.get("href")]
        first = links[0] if links else None
        target = first.attrs["href"][1:] if first is not None and first.attrs["href"].startswith("#") else ""
        if not target or target not in ids:
            out.append("2.4.1: a page with <nav> has no skip link to its main content as its first link")

    # 2.4.4 links say where they go; in-page links reach their target
    for a in by_tag("a"):
        text = (a.text().strip() or a.attrs.get("aria-label", "")).strip()
        if not text or text.lower() in VAGUE_LINKS:
            out.append(f"2.4.4: link to {a.attrs.get('href', '')!r} reads {text!r}")
        href = a.attrs.get("href", "")
        if href.startswith("#") and href[1:] not in ids:
            out.append(f"2.4.4: in-page link {href!r} has no target")

    # 1.1.1 text alternatives: every image or chart named by what it shows, figures as text (a table it points to)
    for img in by_tag("img"):
        alt = img.attrs.get("alt")
        if alt is None or (alt.strip().lower() in VAGUE_NAMES):
            out.append(f"1.1.1: <img> has alt {alt!r}, which does not say what it shows")
    for svg in by_tag("svg"):
        if svg.parent is not None and svg.parent.in_svg():
            continue
        if _hidden(svg):
            continue
        name = _name(svg, ids)
        if svg.attrs.get("role") != "img" or len(name) < 12 or name.lower() in VAGUE_NAMES:
            out.append(f"1.1.1: <svg> {name[:50]!r} has no role=\"img\" with a name that says what it shows "
                       "(or aria-hidden=\"true\" when it only decorates)")
            continue
        described = [ids.get(i) for i in svg.attrs.get("aria-describedby", "").split()]
        if not any(d is not None and (d.tag == "table" or any(c.tag == "table" for c in d.walk())) for d in described):
            out.append(f"1.1.1: chart {name[:50]!r} does not point (aria-describedby) to a table of its figures")

    # 1.3.1 data tables: a caption, header cells with scope
    for table in by_tag("table"):
        caption = [c for c in table.children if isinstance(c, Node) and c.tag == "caption"]
        if not caption or not caption[0].text().strip():
            out.append(f"1.3.1: a table has no <caption> ({table.text().strip()[:40]!r})")
        ths = [n for n in table.walk() if n.tag == "th"]
        if not ths:
            out.append(f"1.3.1: a table has no header cells ({table.text().strip()[:40]!r})")
        if any(th.attrs.get("scope") not in ("col", "row", "colgroup", "rowgroup") for th in ths):
            out.append(f"1.3.1: header cells without scope in a table ({table.text().strip()[:40]!r})")

    # 1.4.3 contrast of text (HTML text: its computed colour on the nearest background)
    seen = set()
    for node in nodes:
        if node.in_svg() or node.tag in ("style", "title", "head", "script") or _hidden(node):
            continue
        if not any(isinstance(c, str) and c.strip() for c in node.children):
            continue
        st = styles.of(node)
        ratio = contrast(st["color"], st["background"])
        need = 3.0 if _large(st["size"], st["bold"]) else 4.5
        key = (node.tag, tuple(sorted(node.classes)), st["color"], st["background"])
        if ratio < need and key not in seen:
            seen.add(key)
            out.append(f"1.4.3: text {node.text().strip()[:30]!r} ({node.tag}.{'.'.join(sorted(node.classes))}) "
                       f"has contrast {ratio:.2f}:1, needs {need}:1")

    # 1.4.3 / 1.4.11 / 1.4.1 inline SVG (our own charts; matplotlib's figures are checked for a name only)
    for svg in by_tag("svg"):
        if svg.parent is not None and svg.parent.in_svg() or _hidden(svg) or any(n.attrs.get("id") == "figure_1"
                                                                                   for n in svg.walk()):
            continue
        bg = styles.of(svg)["background"]
        series: dict = {}
        for shape in svg.walk():
            if _hidden(shape) or "raster" in shape.classes:
                continue
            if shape.tag == "text":
                fill = parse_colour(shape.attrs.get("fill", "#000000"))
                size = float(shape.attrs.get("font-size", "16"))
                bold = shape.attrs.get("font-weight", "") in ("bold", "600", "700")
                need = 3.0 if _large(size, bold) else 4.5
                if fill and contrast(fill, bg) < need:
                    out.append(f"1.4.3: chart text {shape.text().strip()[:30]!r} has contrast "
                               f"{contrast(fill, bg):.2f}:1, needs {need}:1")
            elif shape.tag in SHAPES:
                stroke, fill = parse_colour(shape.attrs.get("stroke")), parse_colour(shape.attrs.get("fill"))
                if shape.tag in ("line", "polyline") or shape.attrs.get("fill") == "none":
                    fill = None
                best = max([contrast(c, bg) for c in (stroke, fill) if c] or [0.0])
                if (stroke or fill) and best < 3.0:
                    out.append(f"1.4.11: <{shape.tag}> in chart {_name(svg, ids)[:40]!r} has contrast {best:.2f}:1 "
                               "against its background, needs 3:1 (or aria-hidden when it only decorates)")
                if shape.tag == "polyline" and stroke:
                    series.setdefault(stroke, set()).add(shape.attrs.get("stroke-dasharray", ""))
        patterns = [frozenset(v) for v in series.values()]
        if len(patterns) != len(set(patterns)):
            out.append(f"1.4.1: lines of chart {_name(svg, ids)[:40]!r} differ by colour alone (same dash pattern)")

    # 1.4.4 resize text: no font size in px in the page's CSS (SVG user units scale with the chart)
    for rule in rules:
        if re.fullmatch(r"[\d.]+px", rule.decls.get("font-size", "")):
            sel = " ".join(p[0] + "".join("." + c for c in sorted(p[1])) for p in rule.selector)
            out.append(f"1.4.4: CSS '{sel}' sets font-size {rule.decls['font-size']}; use rem or em")
    for node in nodes:
        if not node.in_svg() and re.search(r"font-size:\s*[\d.]+px", node.attrs.get("style", "")):
            out.append(f"1.4.4: inline style of <{node.tag}> sets a font size in px")

    # 1.4.10 reflow at 320 CSS px: a viewport, no fixed widths over 320 px, wide tables scroll in their own box
    if not any(m.attrs.get("name") == "viewport" and "width=device-width" in m.attrs.get("content", "")
               for m in by_tag("meta")):
        out.append('1.4.10: no <meta name="viewport" content="width=device-width, ...">')
    for rule in rules:
        for prop in ("width", "min-width"):
            if (m := re.fullmatch(r"([\d.]+)px", rule.decls.get(prop, ""))) and float(m.group(1)) > 320:
                out.append(f"1.4.10: CSS sets {prop} {m.group(0)}, wider than 320 px")
    for svg in by_tag("svg"):
        if svg.parent is not None and svg.parent.in_svg():
            continue
        w = re.match(r"[\d.]+", svg.attrs.get("width", "0"))
        wide = w is not None and float(w.group(0)) * (4 / 3 if svg.attrs.get("width", "").endswith("pt") else 1) > 320
        scales = "viewbox" in svg.attrs and styles.of(svg)["decls"].get("max-width") == "100%"
        if wide and not scales:
            out.append(f"1.4.10: <svg> {_name(svg, ids)[:40]!r} is wider than 320 px and does not scale "
                       "(viewBox and max-width:100%)")
    for table in by_tag("table"):
        if not any(styles.of(a)["decls"].get("overflow-x", styles.of(a)["decls"].get("overflow", ""))
                   in ("auto", "scroll") for a in table.ancestors()):
            out.append(f"1.4.10: a table does not scroll in its own box ({table.text().strip()[:40]!r})")

    # offline: nothing from outside the page, no script
    if by_tag("script"):
        out.append("offline: the page holds a <script>")
    for node in nodes:
        for attr in ("src", "href", "xlink:href"):
            if re.match(r"(?i)\s*(https?:)?//", node.attrs.get(attr, "")):
                out.append(f"offline: <{node.tag}> loads {node.attrs[attr]!r}")
    if re.search(r"@import|url\(\s*['\"]?(https?:)?//", "".join(tree.styles)):
        out.append("offline: the CSS loads something from outside the page")
    return out
