"""Writes a benchmark tier's section into docs/BENCHMARKS.md, between its markers
`<!-- NAME begin -->` and `<!-- NAME end -->` (appended with them when the tier is new)."""


def write(doc, name, section):
    begin, end = "<!-- %s begin -->" % name, "<!-- %s end -->" % name
    text = open(doc, encoding="utf-8").read()
    if begin in text and end in text:
        text = text[:text.index(begin) + len(begin)] + "\n" + section + "\n" + text[text.index(end):]
    else:
        text += "\n%s\n%s\n%s\n" % (begin, section, end)
    open(doc, "w", encoding="utf-8").write(text)
