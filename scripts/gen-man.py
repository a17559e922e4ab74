#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""scripts/gen-man.py - turn docs/cli.md into roff man pages.

docs/cli.md is the single source of the command-line documentation; the
man pages are generated from it at build time so they cannot drift.

    gen-man.py --out DIR [--version V] [--date YYYY-MM-DD] FILE.md...
        write ecr-assets.1 and one ecr-assets-<command>.1 per command
    gen-man.py --list FILE.md...
        print the page names, one per line
    gen-man.py --options PAGE FILE.md...
        print every option (-x, --long) the page documents, one per line

The structure relied on (and nothing else):
  * `## ` headings that name a command, "`ecr-assets <cmd>`" or
    "`ecr-assets-<tool>`" (backticks optional), start the page
    ecr-assets-<cmd>(1) (or ecr-assets-<tool>(1)); `### ` headings inside
    are its subsections ("Examples" becomes the EXAMPLES section).
  * Everything else (the `# ` title, the text before the first `## `, the
    other `## ` sections such as "Exit status") makes ecr-assets(1). In
    the second and later files the text before their first `## ` is
    skipped (docs/cdk-assets.md's preface).
  * A command's first fenced code block is its SYNOPSIS; the first
    sentence of its first paragraph is its NAME line.
  * Tables whose first header cell is "option" (or "option (...)") list options: every `-x` or
    `--long` token of their first column is documented.
Markdown handled: paragraphs, fenced code, `*`/`-` lists, pipe tables,
`code`, **bold**, *italic*, [links](url).
"""
import argparse
import datetime
import os
import re
import sys

MAIN = "ecr-assets"
CMD_HEADING = re.compile(r"^`?(ecr-assets)(?:[ -]([A-Za-z0-9][\w-]*))?`?$")
OPTION_TOKEN = re.compile(r"(?<![\w\-/=$])(--?[A-Za-z0-9][\w-]*)")


class Page:
    def __init__(self, name):
        self.name = name
        self.lines = []  # markdown body lines
        self.sections = []  # (title, lines) for the main page


def split_pages(paths):
    """Return (main page, [command pages]) from the markdown files."""
    main = Page(MAIN)
    pages = []
    cur = None  # None: the main page's current section
    main_sec = ("", [])
    main.sections.append(main_sec)
    for n, path in enumerate(paths):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        in_code = False
        # further files: only their `## ` sections count
        skipping = n > 0
        for line in text.splitlines():
            if skipping and not line.startswith("## "):
                continue
            skipping = False
            if line.startswith("```"):
                in_code = not in_code
            if not in_code and line.startswith("## "):
                title = line[3:].strip()
                m = CMD_HEADING.match(title)
                if m and m.group(2):
                    sep = title.strip("`")[len(MAIN)]
                    cur = Page(MAIN + "-" + m.group(2))
                    cur.sep = sep
                    pages.append(cur)
                    continue
                cur = None
                main_sec = (title, [])
                main.sections.append(main_sec)
                continue
            if not in_code and line.startswith("# ") and cur is None:
                continue  # the document title
            (cur.lines if cur is not None else main_sec[1]).append(line)
    return main, pages


# ---- inline markup

def esc(s):
    """Escape text for roff (outside of inline markup)."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return uni(s)


def uni(s):
    """Non-ASCII characters as groff's \\[uXXXX] escapes."""
    return "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in s)


def inline(s):
    out = []
    pos = 0
    # code spans first: their content is literal
    for m in re.finditer(r"`([^`]+)`", s):
        out.append(("t", s[pos:m.start()]))
        out.append(("c", m.group(1)))
        pos = m.end()
    out.append(("t", s[pos:]))
    res = []
    for kind, t in out:
        if kind == "c":
            res.append("\\fB" + esc(t) + "\\fR")
            continue
        t = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", t)
        t = esc(t)
        t = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", t)
        t = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"\\fI\1\\fR", t)
        res.append(t)
    return "".join(res)


def plain(s):
    """Markdown inline text without markup (for NAME lines)."""
    s = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", s)
    return s.replace("`", "").replace("**", "").replace("*", "")


def roff_line(s):
    """A text line: protect a leading . or ' (roff requests)."""
    return "\\&" + s if s[:1] in (".", "'") else s


def split_row(line):
    """Cells of a pipe-table row; `|` inside code spans is kept."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    cells, cur, code = [], [], False
    for ch in line:
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    cells.append("".join(cur).strip())
    return cells


# ---- blocks

def blocks(lines):
    """Yield (kind, data): para, code, list, table, heading."""
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith("```"):
            j = i + 1
            while j < n and not lines[j].startswith("```"):
                j += 1
            yield "code", lines[i + 1:j]
            i = j + 1
            continue
        if line.startswith("### "):
            yield "heading", line[4:].strip().strip("`")
            i += 1
            continue
        if line.lstrip().startswith("|"):
            rows = []
            while i < n and lines[i].lstrip().startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            rows = [r for r in rows if not all(re.fullmatch(r":?-+:?", c) for c in r)]
            yield "table", rows
            continue
        if re.match(r"^[*-] ", line):
            items = []
            while i < n and (re.match(r"^[*-] ", lines[i]) or
                             (lines[i].startswith("  ") and items)):
                if re.match(r"^[*-] ", lines[i]):
                    items.append(lines[i][2:].strip())
                else:
                    items[-1] += " " + lines[i].strip()
                i += 1
            yield "list", items
            continue
        para = []
        while i < n and lines[i].strip() and not lines[i].startswith("```") \
                and not lines[i].startswith("### ") \
                and not lines[i].lstrip().startswith("|") \
                and not re.match(r"^[*-] ", lines[i]):
            para.append(lines[i].strip())
            i += 1
        yield "para", " ".join(para)


def render_blocks(blist, out, skip_first_code=False):
    for kind, data in blist:
        if kind == "code":
            if skip_first_code:
                skip_first_code = False
                continue
            out.append(".PP")
            out.append(".RS 4")
            out.append(".nf")
            for l in data:
                out.append(roff_line(esc(l)))
            out.append(".fi")
            out.append(".RE")
        elif kind == "heading":
            if data.lower() == "examples":
                out.append(".SH EXAMPLES")
            else:
                out.append(".SS " + inline(data))
        elif kind == "para":
            out.append(".PP")
            out.append(roff_line(inline(data)))
        elif kind == "list":
            for item in data:
                out.append(".IP \\(bu 2")
                out.append(roff_line(inline(item)))
        elif kind == "table":
            header, rows = data[0], data[1:]
            if not rows:
                continue
            if header and header[0].lower().split(" (")[0] == "option":
                out.append(".SS Options")
            for r in rows:
                out.append(".TP")
                out.append(roff_line(inline(r[0])))
                out.append(roff_line(inline(" ".join(r[1:]))))


def header(name, version, date, title="ecr-assets manual"):
    return [
        '.\\" Generated by scripts/gen-man.py from docs/cli.md: do not edit.',
        '.TH "%s" "1" "%s" "ecr-assets %s" "%s"' % (name.upper(), date, version, title),
        ".nh",
        ".ad l",
    ]


def first_sentence(text):
    s = plain(text)
    m = re.match(r"(.+?)(?:[.:;,](?:\s|$)|$)", s)
    s = (m.group(1) if m else s).strip()
    return s[:1].lower() + s[1:]


def command_summary(page):
    for kind, data in blocks(page.lines):
        if kind == "para":
            return first_sentence(data)
    return ""


def synopsis(blist):
    for kind, data in blist:
        if kind == "code":
            return data
    return []


def render_synopsis(lines, out):
    out.append(".SH SYNOPSIS")
    out.append(".nf")
    for l in lines:
        out.append(roff_line(esc(l)))
    out.append(".fi")


def exit_status_section(main):
    for title, lines in main.sections:
        if title.strip("`").lower() == "exit status":
            return lines
    return None


def render_command(page, main, pages, version, date):
    out = header(page.name, version, date)
    out.append(".SH NAME")
    out.append(esc(page.name) + " \\- " + esc(command_summary(page)))
    bl = list(blocks(page.lines))
    syn = synopsis(bl)
    if syn:
        render_synopsis(syn, out)
    out.append(".SH DESCRIPTION")
    render_blocks(bl, out, skip_first_code=bool(syn))
    has_exit = any(k == "heading" and d.lower() == "exit status" for k, d in bl)
    ex = exit_status_section(main)
    if ex is not None and not has_exit:
        out.append(".SH EXIT STATUS")
        render_blocks(list(blocks(ex)), out)
    out.append(".SH SEE ALSO")
    others = [MAIN] + [p.name for p in pages if p.name != page.name]
    out.append(", ".join("\\fB%s\\fR(1)" % esc(o) for o in others))
    return "\n".join(out) + "\n"


def render_main(main, pages, version, date):
    out = header(MAIN, version, date)
    intro = main.sections[0][1]
    bl = list(blocks(intro))
    syn = synopsis(bl)
    out.append(".SH NAME")
    out.append(esc(MAIN) + " \\- container image assets for AWS CDK, hash-compatible with aws-ecr-assets")
    if syn:
        render_synopsis(syn, out)
    out.append(".SH DESCRIPTION")
    render_blocks(bl, out, skip_first_code=bool(syn))
    out.append(".SH COMMANDS")
    for p in pages:
        label = p.name[len(MAIN) + 1:] if p.sep == " " else p.name
        out.append(".TP")
        out.append("\\fB%s\\fR" % esc(label))
        out.append(esc(command_summary(p)) + "; see \\fB%s\\fR(1)." % esc(p.name))
    for title, lines in main.sections[1:]:
        out.append(".SH " + esc(plain(title)).upper())
        render_blocks(list(blocks(lines)), out)
    out.append(".SH SEE ALSO")
    out.append(", ".join("\\fB%s\\fR(1)" % esc(p.name) for p in pages))
    return "\n".join(out) + "\n"


def documented_options(page_lines):
    opts = set()
    for kind, data in blocks(page_lines):
        if kind == "table" and data and data[0] and data[0][0].lower().split(" (")[0] == "option":
            for r in data[1:]:
                opts.update(OPTION_TOKEN.findall(r[0]))
    return opts


def main_argv():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--options", metavar="PAGE")
    ap.add_argument("--synopsis", metavar="PAGE",
                    help="print the options named in the page's SYNOPSIS")
    ap.add_argument("--version", default="0")
    ap.add_argument("--date")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    main, pages = split_pages(a.files)
    byname = {p.name: p for p in pages}
    if a.list:
        print(MAIN)
        for p in pages:
            print(p.name)
        return 0
    if a.options or a.synopsis:
        name = a.options or a.synopsis
        if name == MAIN:
            lines = [l for _, ls in main.sections for l in ls]
        elif name in byname:
            lines = byname[name].lines
        else:
            print("gen-man: no page %s" % name, file=sys.stderr)
            return 1
        if a.options:
            opts = documented_options(lines)
        else:
            opts = set()
        syn = synopsis(list(blocks(lines)))
        for l in syn:
            opts.update(OPTION_TOKEN.findall(l))
        for o in sorted(opts):
            print(o)
        return 0
    if not a.out:
        ap.error("--out, --list or --options is required")
    date = a.date
    if not date:
        # reproducible builds: SOURCE_DATE_EPOCH, else the newest source
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        ts = int(epoch) if epoch else int(max(os.path.getmtime(f) for f in a.files))
        date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
    os.makedirs(a.out, exist_ok=True)
    outputs = [(MAIN, render_main(main, pages, a.version, date))]
    for p in pages:
        outputs.append((p.name, render_command(p, main, pages, a.version, date)))
    for name, text in outputs:
        path = os.path.join(a.out, name + ".1")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main_argv())
