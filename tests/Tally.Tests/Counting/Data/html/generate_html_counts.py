#!/usr/bin/env python3
"""Writes html-counts.jsonl: HTML cases with the word count a real browser gives them.

The oracle is the design's definition: Chromium's document.body.innerText (rendered by
render_inner_text.mjs through playwright-core and the OS's /usr/bin/chromium), split by Python's
str.split(). So the expected counts come from a browser and Python, never from Tally.

    npm ci   # playwright-core, from package.json
    python3 generate_html_counts.py > html-counts.jsonl

Each case is served with its own Content-Type and bytes, so charset cases exercise the
browser's own sniffing. The tests need no browser: they read the committed html-counts.jsonl.
"""
import base64
import html.entities
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", ".."))
UTF8 = "text/html; charset=utf-8"
cases = []


def case(name, body, content_type=UTF8):
    data = body.encode("utf-8") if isinstance(body, str) else body
    cases.append({"id": name, "contentType": content_type, "body": base64.b64encode(data).decode("ascii")})


def page(body, head="<title>A title of four words</title>"):
    return f"<!DOCTYPE html><html><head><meta charset=utf-8>{head}</head><body>{body}</body></html>"


# --- The reproductions of the counting issue -------------------------------------------------
case("issue/unquoted-value-with-quote", "<p class=it's>Hello world</p><p>Another paragraph isn't here</p>")
case("issue/comment-abrupt-1", "one<!-->two three")
case("issue/comment-abrupt-2", "one<!--->two three")
case("issue/title-and-head", page("<p>Body text only</p>", "<title>Head title words</title><meta name=x content='y z'>"))
case("issue/hairsp", "a&hairsp;b c")
case("issue/newline-ref", "a&NewLine;b")
case("issue/legacy-nbsp", "a&nbspb c")
case("issue/c1-numeric", "a&#133;b c")

# --- Attributes in every quoting style --------------------------------------------------------
attributes = [
    "class=x", "class='x y'", 'class="x y"', "class=it's", 'class=say"hi"', "class='a\"b'", 'class="a\'b"',
    "hidden", "title = 'spaced = value'", 'data-x="a>b"', "data-x='a>b'", "data-x=a'b'c", "a=b=c", "=x", "'q'=v",
    '"dq"=v', "a='' b=\"\" c", "title=\"<p>not a tag</p>\"", "x=&amp;y", "onclick=\"if(a<b)x()\"", "a\tb\nc\fd",
    "a/b", "/", "class=x/", "class=\"x\"/", "class=\"x\"y=z",
]
for i, attr in enumerate(attributes):
    case(f"attributes/{i:02d}", f"<p>before</p><p {attr}>in side</p>after words")
    case(f"attributes/span-{i:02d}", f"left<span {attr}>mid</span>right end")

# --- Named references: every whitespace name, legacy forms, longest match, unknown names -----
space_names = sorted(n for n, v in html.entities.html5.items() if any(c.isspace() for c in v))
for name in space_names:
    case(f"references/space-{name.rstrip(';')}{'' if name.endswith(';') else '-legacy'}", f"a&{name}b c")
for i, text in enumerate([
    "AT&T rocks", "a &amp b", "a&ampb", "a&AMP;b", "&notit; x", "&notin; x", "&notin x", "&nbsp&nbsp;x", "x&nbsp;&nbsp;y",
    "&unknown; word", "& alone &", "a&b", "&#", "&#x", "&#;x", "&#x;x", "a&#x20b", "a&#32b", "a&#x20;b", "a&#9;b",
    "a&#10;b", "a&#12;b", "a&#13;b", "a&#0;b", "a&#xD800;b", "a&#x110000;b", "a&#99999999999999;b", "a&#x1F600;b",
    "a&#x85;b", "a&#x80;b", "a&#x81;b", "a&#x9F;b", "a&#160;b", "a&#x3000;b", "a&#x2028;b", "a&#x200B;b", "a&#x180E;b",
    "a&#x1680;b", "a&#x205F;b", "a&#x202F;b", "&ThickSpace;x", "&NegativeThinSpace;x", "x&nvlt;y", "&CounterClockwiseContourIntegral;x",
    "&CounterClockwiseContourIntegralx y", "&Aacute&aacute;", "&copy2026", "&lt;p&gt;text&lt;/p&gt;", "a &amp; b &lt; c",
    "&zwnj;&zwj;x", "a&shy;b", "&nbsp;", "a&nbsp", "x&NonBreakingSpace;y", "tab&Tab;sep",
]):
    case(f"references/misc-{i:02d}", text)
for code in list(range(0x80, 0xA0)):
    case(f"references/c1-{code:02X}", f"a&#{code};b")

# --- Block and inline elements ---------------------------------------------------------------
for tag in ["p", "div", "span", "b", "i", "em", "strong", "a", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h6", "section", "article",
            "nav", "header", "footer", "main", "aside", "blockquote", "pre", "address", "figure", "figcaption", "table", "caption",
            "tr", "td", "th", "tbody", "label", "code", "small", "sub", "sup", "q", "cite", "abbr", "mark", "time", "u", "s",
            "font", "center", "button", "legend", "fieldset", "form", "hgroup", "search", "summary", "menu", "option", "select",
            "custom-element", "object", "kbd", "var", "ins", "del", "bdi", "data", "output", "progress", "meter", "dialog", "xmp",
            "listing", "marquee", "nobr", "big", "tt", "strike", "acronym", "applet"]:
    case(f"elements/{tag}", f"a<{tag}>b</{tag}>c d")
for tag in ["br", "wbr", "hr", "img", "input", "embed", "area", "col", "source", "track", "meta", "link", "base", "param"]:
    case(f"void/{tag}", f"a<{tag}>b c")
case("void/end-br", "a</br>b")
case("void/end-p", "a</p>b")

# --- What a reader does not see ---------------------------------------------------------------
for tag in ["title", "style", "script", "template", "noscript", "textarea", "iframe", "noembed", "noframes", "datalist",
            "video", "audio", "canvas", "rp", "head", "dialog", "details"]:
    case(f"hidden/{tag}", f"one <{tag}>hidden words here</{tag}> two")
for i, body in enumerate([
    "<p hidden>gone</p>shown", "<span hidden>gone</span> shown", "<div hidden><p>gone</p><p>also</p></div>shown here",
    "<p hidden>gone<div>shown</div>", "<my-widget hidden>gone</my-widget>shown", "<details open><summary>s</summary>body text</details>",
    "<details><summary>only summary</summary><p>not this</p></details>after", "<details>no summary</details>x",
    "<dialog open>open dialog</dialog>", "<dialog>closed dialog</dialog>x", "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby> x",
    "<template><p>a</p><template>b</template>c</template>shown", "<select><option>one</option><option>two</option></select>x",
    "<button>press</button>me", "<object>fallback text</object>", "<svg><title>t</title><text>svg words</text></svg>after",
    "<svg viewBox='0 0 1 1'/>after svg", "a<svg><desc>d</desc><g><text>x</text></g></svg>b", "<math><mi>x</mi><mo>+</mo><mi>y</mi></math>z",
    "<svg><style>.a{}</style><p>html again</p>", "<ul><li hidden>a<li>b<li>c</ul>", "<dl><dt hidden>t<dd>d</dl>",
    "<table><tr><td hidden>a<td>b</tr></table>", "<table><tr hidden><td>a</td></tr><tr><td>b</td></tr></table>",
    "<input type=hidden value=x>y", "<label>name <input value='typed text'></label>", "<img alt='alt text'>z",
    "<noscript><p>no script</p></noscript>x", "<iframe><p>frame</p></iframe>x", "<textarea><b>tag in textarea</b></textarea>x",
    "<div hidden>a</span>b</div>c", "<span hidden>a<div>b</div>c</span>d", "<b hidden>x<p>y</p></b>z",
    "<p hidden>a</p><p>b</p>", "<section hidden><h1>t</h1></section>after", "<head><p>in head</p></head>x",
    "<head>text in head</head><body>body</body>", "<html><head><title>x y</title></head></html>after html",
    "</body>after body", "</html>after html end", "<body hidden>hidden body</body>", "<frameset><frame></frameset>",
    "<audio controls><p>no audio</p></audio>x", "<p>a<br>b<br/>c<wbr>d</p>", "<table><caption>cap</caption><tr><td>a</td><td>b</td></tr></table>",
]):
    case(f"visibility/{i:02d}", body)

# --- Comments, DOCTYPE, processing instructions, CDATA ----------------------------------------
for i, body in enumerate([
    "a<!-- hidden -->b", "a <!-- x -- y --> b", "a<!--x--!>b", "a<!-- <!-- nested --> b", "a<!-- <!--> b", "a<!->b c",
    "a<!>b c", "a<?php echo 1 ?>b c", "a</3 x>b c", "a</>b", "<!DOCTYPE html>a b", "<!doctype html public \"x>y\">a b",
    "a<![CDATA[x y]]>b", "a<!--- x --->b", "a<!---->b", "a<!--unterminated b c", "a<!-- -- >still-->b", "a<!--->-->b",
    "a<!--x--->b", "a<!-- x ---!>b", "<!-- c -->", "a<!--b", "x<!DOCTYPE",
]):
    case(f"comments/{i:02d}", body)

# --- Raw text, RCDATA, script data ------------------------------------------------------------
for i, body in enumerate([
    "<script>if (a < b) x = '</p>';</script>after", "<script><!-- <script></script> --></script>after", "<script><!-- x --></script>after",
    "<script><!--<script>a</script>b</script>after", "<script>x</scriptx>y</script>after", "<SCRIPT>x</SCRIPT>after",
    "<script>x</script >after", "<script>x</script\tfoo=bar>after", "<script>a<!--b-->c</script>after", "<script><!-- </script>after",
    "<style>p { content: '</p>' }</style>after", "<style>x</style >after", "<title>t &amp; t</title>after", "<textarea>a</textarea>b",
    "<xmp><b>raw text</b></xmp>after", "<plaintext><b>all</b></plaintext> of it", "<noscript><b>x</b></noscript>after",
    "<iframe><script>x</script></iframe>after", "<script>document.x = 1</script>a<script>y</script>b", "<style><!-- p{} --></style>x",
    "<title><b>x</b></title>y", "<script><!--<script>x</script>--></script>y", "<script><!----></script>y", "<script>a</scr", 
]):
    case(f"rawtext/{i:02d}", body)

# --- Malformed and truncated markup -----------------------------------------------------------
for i, body in enumerate([
    "a <", "a <p", "a <p class", "a <p class=", "a <p class='x", "<p class=\"x\">y", "a&", "a &am", "a &#12", "a &#x",
    "<b><i>x</b></i> y", "<p>one<p>two<p>three", "<ul><li>a<li>b</ul>c", "<table><td>a<td>b</table>c", "<div><span>x</div>y</span>",
    "a < b > c", "1<2 and 3>2", "<<p>>x", "<p<p>x", "<a href=x>link", "</p></p></p>x", "<p/>x<div/>y", "<br/><br />x",
    "x</br>y", "<h1>a<h2>b</h1>c", "<a><a>x</a>y</a>", "<p>a</b>b", "<div>a</div>b</div>c", "a\u0000b", "<p>\u0000</p>",
    "<P>UPPER</P>CASE", "<DIV HIDDEN>gone</DIV>shown", "<p\nclass=x>y z", "<p\tclass=x>y z", "<p\fclass=x>y z", "a\r\nb\rc",
    "<p class=x\"y>q r", "<a href='x'title='y'>z</a>", "<img src=x onerror=alert(1)>text", "<p>café naïve</p>",
    "<p>𝄞 music 😀 emoji</p>", "<p>日本語のテキスト　全角スペース</p>", "<p dir=rtl>مرحبا بالعالم</p>", "<p>Привет мир</p>",
]):
    case(f"malformed/{i:02d}", body)

# --- Tables, lists, preformatted text ---------------------------------------------------------
for i, body in enumerate([
    "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "<table><tr><th>h</th><td>x</td></tr></table>y",
    "<ol><li>one<li>two</ol>three", "<dl><dt>term<dd>def</dl>", "<pre>a  b\n c</pre>d", "<pre>x</pre>y", "text<table>in</table>text",
    "<table>foster<tr><td>cell</td></tr></table>", "<ul><li>a<ul><li>b</ul></ul>", "<p>a</p>\n\n<p>b</p>", "a<td>b</td>c",
]):
    case(f"structure/{i:02d}", body)

# --- Charsets: BOM, header, <meta> prescan, label aliases ---------------------------------------
case("charset/bom-utf16le-header-utf16", b"\xff\xfe" + " leading space then words".encode("utf-16-le"), "text/html; charset=utf-16")
case("charset/bom-utf8-header-1252", b"\xef\xbb\xbf" + "naïve\u00a0café words".encode("utf-8"), "text/html; charset=windows-1252")
case("charset/bom-utf16be-no-header", b"\xfe\xff" + "<p>big endian text</p>".encode("utf-16-be"), "text/html")
case("charset/latin1-label-0x85", b"a\x85b c\xa0d", "text/html; charset=iso-8859-1")
case("charset/latin1-label-0x80", b"price \x80 5", "text/html; charset=latin1")
case("charset/us-ascii-label", b"a\x85b \x93quoted\x94 c\xa0d", "text/html; charset=us-ascii")
case("charset/1252-label", b"a\x85b c\xa0d", "text/html; charset=windows-1252")
case("charset/meta-1251", b"<meta charset=windows-1251><p>\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0\xa0x</p>", "text/html")
case("charset/meta-http-equiv-koi8r", b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>\xf0\xd2\xc9\xd7\xc5\xd4 \xcd\xc9\xd2</p>', "text/html")
case("charset/meta-latin1-0x85", b"<meta charset=iso-8859-1><p>a\x85b c</p>", "text/html")
case("charset/meta-utf16-means-utf8", b"<meta charset=utf-16><p>caf\xc3\xa9 \xc2\xa0x</p>", "text/html")
case("charset/header-beats-meta", b"<meta charset=windows-1251><p>a\xa0b</p>", "text/html; charset=utf-8")
case("charset/header-unknown-label", b"<p>caf\xc3\xa9 x\xc2\xa0y</p>", "text/html; charset=utf-7")
case("charset/header-bogus-label-meta-wins", b"<meta charset=windows-1252><p>a\xa0b</p>", "text/html; charset=no-such-charset")
case("charset/meta-unknown-label", b"<meta charset=utf-7><p>caf\xc3\xa9 x\xc2\xa0y</p>", "text/html")
case("charset/meta-after-comment", b"<!-- <meta charset=windows-1251> --><meta charset=windows-1252><p>a\xa0b</p>", "text/html")
case("charset/meta-in-attribute-value", b"<p title='<meta charset=windows-1252>'>a\xc2\xa0b</p>", "text/html")
case("charset/meta-past-1024", b"<!--" + b"x" * 1100 + b"--><meta charset=windows-1252><p>a\xa0b</p>", "text/html")
case("charset/no-label-utf8", b"<p>caf\xc3\xa9\xc2\xa0x \xe3\x80\x80y</p>", "text/html")
case("charset/shift-jis-invalid-lead", b"a\x81 b c", "text/html; charset=shift_jis")
case("charset/shift-jis-ideographic-space", b"a\x81\x40b", "text/html; charset=shift_jis")
case("charset/euc-jp-invalid", b"a\xa1 b\xa1\xa1c", "text/html; charset=euc-jp")
case("charset/gbk-invalid", b"a\x81 b\xa1\xa1c", "text/html; charset=gbk")
case("charset/gb2312-label", b"a\x81 b\xa1\xa1c", "text/html; charset=gb2312")
case("charset/big5-invalid", b"a\x81 b\xa1\x40c", "text/html; charset=big5")
case("charset/euc-kr-invalid", b"a\x81 b\xa1\xa1c", "text/html; charset=euc-kr")
case("charset/x-sjis-label", b"a\x81\x40b c", "text/html; charset=x-sjis")
case("charset/ascii-label-alias", b"a\xa0b", "text/html; charset=ascii")
case("charset/cp1252-label", b"a\xa0b", "text/html; charset=cp1252")
case("charset/iso-8859-2", b"a\xa0b \xb1c", "text/html; charset=iso-8859-2")
case("charset/quoted-label", b"a\xa0b", 'text/html; charset="windows-1252"')
case("charset/utf-16le-label-no-bom", "<p>a b</p>".encode("utf-16-le"), "text/html; charset=utf-16le")
case("charset/x-user-defined", b"a\xa0b \x85c", "text/html; charset=x-user-defined")

# --- Realistic pages ------------------------------------------------------------------------------
for name in sorted(os.listdir(os.path.join(HERE, "pages"))):
    with open(os.path.join(HERE, "pages", name), "rb") as f:
        case(f"pages/{name}", f.read())


def render(all_cases):
    renderer = subprocess.run(
        ["node", os.path.join(HERE, "render_inner_text.mjs")],
        input="".join(json.dumps(c) + "\n" for c in all_cases), capture_output=True, text=True, check=True, cwd=ROOT)
    return {r["id"]: r["innerText"] for r in map(json.loads, filter(None, renderer.stdout.split("\n")))}


def main():
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    texts = render(cases)
    for c in cases:
        text = texts[c["id"]]
        sys.stdout.write(json.dumps({**c, "innerText": text, "words": len(text.split())}, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
