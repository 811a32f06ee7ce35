#!/usr/bin/env python3
"""Makes a man page from its source and the program's own --help.

    man/mkman.py man/src/PROG.1.in bin/PROG VERSION > man/PROG.1

The source (man/src/PROG.1.in) is roff with these words, replaced here:
  @NAME@     the name the program is installed under (sockfam-compare)
  @UNAME@    the same in capitals (for .TH)
  @VERSION@  the contents of VERSION
  @INTRO@    the paragraphs of --help before its first option
  @OPTIONS@  the rest of --help: its headings as .SS, each option a .TP,
             a list inside an option's text (NAME  text) nested under it
So the options a page lists are the ones the program takes: `make man`
writes every page again, and a test fails when one is out of step.
"""
import re
import subprocess
import sys

HELP_COL = 24   # common/cli.c prints an option's text from this column


def installed_name(prog):
    """Programs that are not FAMILY-ROLE get sockfam- in front (ImageMagick
    installs a compare of its own); the Makefile's inst_name says the same."""
    return prog if "-" in prog else "sockfam-" + prog


def esc(text):
    """Text for roff: backslashes, and dashes of options as \\- so they copy."""
    text = text.replace("\\", "\\e")
    return re.sub(r"(?<![\w-])(--?)(?=[\w@])", lambda m: "\\-" * len(m.group(1)), text)


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
    # the Usage: lines, and their continuations ("       prog ...")
    i = 0
    while i < len(lines) and (lines[i].startswith("Usage:") or lines[i].startswith("       ")):
        i += 1
    intro, body = [], []
    out = intro
    para = []       # words of the paragraph being read
    item = None     # [left, text words, sublist [[name, words]...]]

    def flush():
        nonlocal para, item
        if para:
            out.append(line_out(esc(" ".join(para))))
            para = []
        if item:
            left, words, sub = item
            out.append(".TP")
            out.append(left_roff(left))
            out.append(line_out(esc(" ".join(words))))
            if sub:
                out.append(".RS")
                out.append(".PD 0")
                for name, swords in sub:
                    out.append(".TP 12")
                    out.append("\\fB" + esc(name) + "\\fR")
                    out.append(line_out(esc(" ".join(swords))))
                out.append(".PD")
                out.append(".RE")
            item = None

    for raw in lines[i:]:
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
            if len(line) > HELP_COL and line[HELP_COL - 1] == " " and line[HELP_COL] != " ":
                left, text = line[2:HELP_COL].strip(), line[HELP_COL:]
            else:   # a table of its own ("  links [IFNAME]      text"), or the left part alone
                left, text = m.group(1), m.group(2) or ""
            item = [left, text.split(), []]
            continue
        if indent >= HELP_COL and item:
            text = line[HELP_COL:]
            sub_indent = len(text) - len(text.lstrip(" "))
            m = re.match(r"(\S+)(\s{2,})(.*)", text.lstrip(" "))
            if sub_indent == 2 and m:
                item[2].append([m.group(1), m.group(3).split()])
            elif sub_indent > 2 and item[2]:
                item[2][-1][1] += text.split()
            else:
                item[1] += text.split()
            continue
        if indent == 0 and line.endswith(":") and not para:
            # a heading: "Endpoint:", "Trace (as strace names them; ...):"
            flush()
            if out is intro:
                out = body
            if out and out[-1] == ".PP":
                out.pop()
            out.append('.SS "' + esc(line[:-1]).replace('"', "'") + '"')
            continue
        if item:
            flush()
        para += line.split()
    flush()
    while intro and intro[-1] == ".PP":
        intro.pop()
    while body and body[-1] == ".PP":
        body.pop()
    return "\n".join(intro), "\n".join(body)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: mkman.py SOURCE.in PROGRAM VERSION")
    src, prog, version = sys.argv[1:]
    name = installed_name(prog.rsplit("/", 1)[-1])
    help_text = subprocess.run([prog, "--help"], capture_output=True, text=True, check=True,
                               env={"COLUMNS": "80", "LANG": "C", "PATH": "/usr/bin:/bin"}).stdout
    intro, options = convert(help_text)
    page = open(src, encoding="utf-8").read()
    for word, value in (("@NAME@", name.replace("-", "\\-")), ("@UNAME@", name.upper().replace("-", "\\-")), ("@VERSION@", version),
                        ("@INTRO@", intro), ("@OPTIONS@", options)):
        page = page.replace(word, value)
    sys.stdout.write(page)


if __name__ == "__main__":
    main()
