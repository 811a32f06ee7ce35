#!/usr/bin/env python3
"""Makes a man page from its source and the program's own --help.

    man/mkman.py man/src/PROG.1.in bin/PROG VERSION > man/PROG.1
    man/mkman.py --lang zh_CN man/src/zh_CN/PROG.1.in bin/PROG VERSION > man/zh_CN/PROG.1

The source (man/src/PROG.1.in) is roff with these words, replaced here:
  @NAME@     the name the program is installed under (sockfam-compare)
  @UNAME@    the same in capitals (for .TH)
  @VERSION@  the contents of VERSION
  @INTRO@    the paragraphs of --help before its first option
  @OPTIONS@  the rest of --help: its headings as .SS, each option a .TP,
             a list inside an option's text (NAME  text) nested under it
So the options a page lists are the ones the program takes: `make man`
writes every page again, and a test fails when one is out of step.

With --lang zh_CN the program's help is its Chinese one (bin/PROG --lang
zh_CN --help, its catalog found beside bin/ in build/locale): headings may
end with the full-width colon, a wide character takes two columns
wherever a column is counted (the help is laid out by columns, not by
characters), and the lines of a paragraph are joined with no space where
the help broke a line between two Chinese characters.
"""
import os
import re
import subprocess
import sys
import unicodedata

HELP_COL = 24   # common/cli.c prints an option's text from this column
LANGS = ("C", "zh_CN")
COLONS = (":", "：")      # a heading's end: "Endpoint:", "端点："
USAGES = ("Usage:", "用法：", "用法:")
# full-width punctuation: no space beside it when two lines are joined
PUNCT = "，。：；、）！？》」】（《「【"


def wide(ch):
    """A character that takes two columns on a terminal."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def at_col(line, col):
    """The index of the character that starts at column col, or None (the
    line is narrower, or a wide character covers the column)."""
    w = 0
    for i, c in enumerate(line):
        if w == col:
            return i
        if w > col:
            return None
        w += 2 if wide(c) else 1
    return len(line) if w == col else None


def join(chunks):
    """The lines of a paragraph as one: a space between two lines, but none
    where a wide character meets a wide character (Chinese is wrapped
    between characters, with no space to take out) nor beside full-width
    punctuation, which is never spaced."""
    out = ""
    for chunk in chunks:
        if not chunk:
            continue
        if out:
            a, b = out[-1], chunk[0]
            if not ((wide(a) and wide(b)) or a in PUNCT or b in PUNCT):
                out += " "
        out += chunk
    return out


def installed_name(prog):
    """Programs that are not FAMILY-ROLE get sockfam- in front (ImageMagick
    installs a compare of its own); the Makefile's inst_name says the same."""
    return prog if "-" in prog else "sockfam-" + prog


def esc(text):
    """Text for roff: backslashes, and dashes of options as \\- so they copy."""
    text = text.replace("\\", "\\e")
    return re.sub(r"(?<![A-Za-z0-9_-])(--?)(?=[A-Za-z0-9_@])", lambda m: "\\-" * len(m.group(1)), text)


def line_out(text):
    """One line of text; a line that starts with . or ' would be a request."""
    return "\\&" + text if text[:1] in (".", "'") else text


def left_roff(left):
    """The left column: option names bold, their arguments italic."""
    parts = []
    for part in left.split(", "):
        words = part.split(" ")
        out = ["\\fB" + esc(words[0]) + "\\fR"]
        out += ["\\fI" + esc(w) + "\\fR" for w in words[1:]]
        parts.append(" ".join(out))
    return ", ".join(parts)


def convert(help_text):
    """(intro, options): --help as roff."""
    lines = help_text.split("\n")
    # the Usage: lines, and their continuations ("       prog ...", as
    # indented as the translation's "Usage:" is wide)
    i = 0
    while i < len(lines) and (lines[i].startswith(USAGES) or (i and re.match(r" {4,}\S", lines[i]))):
        i += 1
    intro, body = [], []
    out = intro
    para = []       # lines of the paragraph being read, each one's words spaced by one
    item = None     # [left, text lines, sublist [[name, text lines]...]]

    def flush():
        nonlocal para, item
        if para:
            out.append(line_out(esc(join(para))))
            para = []
        if item:
            left, text, sub = item
            out.append(".TP")
            out.append(left_roff(left))
            out.append(line_out(esc(join(text))))
            if sub:
                out.append(".RS")
                out.append(".PD 0")
                for name, stext in sub:
                    out.append(".TP 12")
                    out.append("\\fB" + esc(name) + "\\fR")
                    out.append(line_out(esc(join(stext))))
                out.append(".PD")
                out.append(".RE")
            item = None

    def words(text):
        return " ".join(text.split())

    for n, raw in enumerate(lines[i:], i):
        line = raw.rstrip()
        if not line:
            flush()
            if out and out[-1] != ".PP" and not (out[-1].startswith(".SS")):
                out.append(".PP")
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 2:
            # an option row: "  -a, --address ADDRESS text" (the text from
            # column 24), or its left part alone on a line
            if out is intro:
                flush()
                out = body
            flush()
            m = re.match(r"  (\S.*?)(?:\s{2,}(\S.*))?$", line)
            k = at_col(line, HELP_COL)
            if k is not None and k < len(line) and line[k - 1] == " " and line[k] != " ":
                left, text = line[2:k].strip(), line[k:]
            else:   # a table of its own ("  links [IFNAME]      text"), or the left part alone
                left, text = m.group(1), m.group(2) or ""
            item = [left, [words(text)], []]
            continue
        if indent >= HELP_COL and item:
            text = line[HELP_COL:]   # spaces up to there: characters are columns
            sub_indent = len(text) - len(text.lstrip(" "))
            m = re.match(r"(\S+)(\s{2,})(.*)", text.lstrip(" "))
            if sub_indent == 2 and m:
                item[2].append([m.group(1), [words(m.group(3))]])
            elif sub_indent > 2 and item[2]:
                item[2][-1][1].append(words(text))
            else:
                item[1].append(words(text))
            continue
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if indent == 0 and line.endswith(COLONS) and not para and not following[:1].strip():
            # a heading: "Endpoint:", "Trace (as strace names them; ...):",
            # followed by a blank line or its rows (not a paragraph's first
            # line that ends with a colon)
            flush()
            if out is intro:
                out = body
            if out and out[-1] == ".PP":
                out.pop()
            out.append('.SS "' + esc(line[:-1]).replace('"', "'") + '"')
            continue
        if item:
            flush()
        para.append(words(line))
    flush()
    while intro and intro[-1] == ".PP":
        intro.pop()
    while body and body[-1] == ".PP":
        body.pop()
    return "\n".join(intro), "\n".join(body)


def main():
    args = sys.argv[1:]
    lang = "C"
    if args[:1] == ["--lang"] and len(args) > 1:
        lang, args = args[1], args[2:]
    if len(args) != 3 or lang not in LANGS:
        sys.exit("usage: mkman.py [--lang zh_CN] SOURCE.in PROGRAM VERSION")
    src, prog, version = args
    name = installed_name(prog.rsplit("/", 1)[-1])
    env = {"COLUMNS": "80", "LANG": "C", "PATH": "/usr/bin:/bin"}
    argv = [prog, "--help"]
    if lang != "C":
        # the program finds its catalog in build/locale beside bin/ (as
        # common/i18n.c's locale_dir says); named here so nothing else can
        # say otherwise
        env["LANG"] = "C.UTF-8"
        locale = os.path.join(os.path.dirname(os.path.abspath(prog)), "..", "build", "locale")
        if os.path.isdir(locale):
            env["SOCKFAM_LOCALEDIR"] = os.path.normpath(locale)
        argv = [prog, "--lang", lang, "--help"]
    help_text = subprocess.run(argv, capture_output=True, check=True, env=env).stdout.decode("utf-8")
    intro, options = convert(help_text)
    page = open(src, encoding="utf-8").read()
    for word, value in (("@NAME@", name.replace("-", "\\-")), ("@UNAME@", name.upper().replace("-", "\\-")), ("@VERSION@", version),
                        ("@INTRO@", intro), ("@OPTIONS@", options)):
        page = page.replace(word, value)
    sys.stdout.buffer.write(page.encode("utf-8"))


if __name__ == "__main__":
    main()
