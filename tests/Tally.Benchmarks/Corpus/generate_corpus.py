#!/usr/bin/env python3
"""Writes the counting benchmark's corpus: 64 MiB of realistic text per kind, seeded, so every run measures the same bytes.

    python3 generate_corpus.py OUT_DIR [SIZE_BYTES]

Kinds (the files are OUT_DIR/<kind>.txt or .html, UTF-8):
  russian               Cyrillic prose with «ёлочки», em dashes and ASCII punctuation
  chinese-spaced        Chinese words separated by spaces, with full-width punctuation and “quotes”
  english-ascii         English prose in ASCII with a rare ’ “ ” —
  english-typographic   English prose as publishers set it: ’ “ ” — … on nearly every line
  japanese-spaced       Japanese words separated by spaces, some by U+3000, with 「」、。
  arabic                Arabic prose with ، ؛ ؟
  mixed-html            an HTML page mixing all of the above with navigation, scripts, styles, tables and entities
"""
import os
import random
import sys

RUSSIAN = ("и в не на я быть он с что а по это она этот к но они мы как из у который то за свой весь год от так о для ты "
           "же все тот мочь вы человек такой его сказать только или ещё бы себя один уже до время если сам когда другой "
           "вот говорить наш мой знать стать при чтобы дело жизнь кто первый очень два день её новый рука даже во со раз "
           "где там под можно ну какой после их работа без самый потом надо хотеть ли слово идти большой должен место "
           "иметь ничто город страна вопрос система мир развитие история школа книга дорога утро вечер").split()
CHINESE = ("我们 中国 发展 经济 社会 人民 政府 工作 问题 国家 时间 世界 城市 技术 文化 教育 历史 学生 老师 朋友 今天 明天 已经 "
           "可以 需要 因为 所以 但是 如果 非常 重要 自己 他们 这个 那个 什么 没有 一个 研究 科学 计算 数据 系统 网络 服务 用户 "
           "北京 上海 市场 企业 环境 生活 健康 未来 新闻 报告 政策 管理 信息 公司 产品").split()
ENGLISH = ("the of and to a in is it you that he was for on are with as his they be at one have this from or had by "
           "word but what some we can out other were all there when up use your how said an each she which do their "
           "time if will way about many then them write would like so these her long make thing see him two has look "
           "more day could go come did number sound no most people my over know water than call first who may down "
           "side been now find queue worker result count page stream morning evening garden river window station").split()
CONTRACTIONS = ["don’t", "it’s", "we’re", "they’ve", "I’m", "isn’t", "couldn’t", "you’ll", "she’d", "o’clock", "’90s"]
JAPANESE = ("日本 東京 私 あなた 今日 明日 学校 先生 学生 会社 仕事 時間 世界 言葉 電車 天気 友達 映画 音楽 食べる 飲む 見る "
            "行く 来る する ある いる なる 新しい 大きい 小さい です ます でした ました ください ありがとう こんにちは "
            "コンピュータ データ システム ネットワーク サーバー ユーザー 春 夏 秋 冬 山 川 海 空 花 駅 本 手紙 家族").split()
ARABIC = ("في من على إلى أن هذا التي الذي كان مع عن لا ما هو هي كل بين بعد قبل عند حتى أو ثم قد لم لن يوم سنة عام "
          "العالم الناس الحياة العمل الوقت المدينة البيت الكتاب المدرسة الطالب المعلم الحكومة الدولة العربية اللغة "
          "التاريخ الثقافة العلم الصباح المساء البحر النهر الشمس القمر الطريق السوق").split()


def sentences(rng, words, end_marks, min_words=5, max_words=18, decorate=None):
    """Yields sentences forever: words joined by spaces, a capital-free end mark, optional decoration."""
    while True:
        n = rng.randint(min_words, max_words)
        chosen = rng.choices(words, k=n)
        if decorate:
            chosen = decorate(rng, chosen)
        yield " ".join(chosen) + rng.choice(end_marks)


def paragraphs(rng, source, size, joiner=" "):
    out, total = [], 0
    while total < size:
        para = joiner.join(next(source) for _ in range(rng.randint(2, 8))) + "\n\n"
        out.append(para)
        total += len(para.encode("utf-8"))
    return "".join(out)


def russian(rng, size):
    def decorate(rng, w):
        if rng.random() < 0.3:
            i = rng.randrange(len(w))
            w[i] = "«" + w[i] + "»"
        if rng.random() < 0.3:
            w.insert(rng.randrange(1, len(w)), "—")
        if rng.random() < 0.4:
            w[rng.randrange(len(w))] += ","
        return w
    return paragraphs(rng, sentences(rng, RUSSIAN, [".", ".", "!", "?", "…"], decorate=decorate), size)


def chinese(rng, size):
    def decorate(rng, w):
        if rng.random() < 0.5:
            w[rng.randrange(len(w))] += "，"
        if rng.random() < 0.2:
            i = rng.randrange(len(w))
            w[i] = "“" + w[i] + "”"
        if rng.random() < 0.2:
            w[rng.randrange(len(w))] += "、"
        return w
    return paragraphs(rng, sentences(rng, CHINESE, ["。", "。", "！", "？"], decorate=decorate), size)


def english_ascii(rng, size):
    def decorate(rng, w):
        if rng.random() < 0.3:
            w[rng.randrange(len(w))] += ","
        roll = rng.random()
        if roll < 0.01:
            w[rng.randrange(len(w))] = rng.choice(CONTRACTIONS)
        elif roll < 0.015:
            w.insert(rng.randrange(1, len(w)), "—")
        elif roll < 0.02:
            i = rng.randrange(len(w))
            w[i] = "“" + w[i] + "”"
        return w
    return paragraphs(rng, sentences(rng, ENGLISH, [".", ".", ".", "?", "!"], decorate=decorate), size)


def english_typographic(rng, size):
    def decorate(rng, w):
        for _ in range(rng.randint(0, 2)):
            w[rng.randrange(len(w))] = rng.choice(CONTRACTIONS)
        if rng.random() < 0.5:
            i = rng.randrange(len(w))
            j = min(len(w) - 1, i + rng.randint(0, 4))
            w[i], w[j] = "“" + w[i], w[j] + "”"
        if rng.random() < 0.4:
            w.insert(rng.randrange(1, len(w)), "—")
        if rng.random() < 0.3:
            w[rng.randrange(len(w))] += ","
        return w
    return paragraphs(rng, sentences(rng, ENGLISH, [".", ".", "…", "?", "!", ".”"], decorate=decorate), size)


def japanese(rng, size):
    def decorate(rng, w):
        if rng.random() < 0.4:
            w[rng.randrange(len(w))] += "、"
        if rng.random() < 0.2:
            i = rng.randrange(len(w))
            w[i] = "「" + w[i] + "」"
        return w
    source = sentences(rng, JAPANESE, ["。", "。", "！", "？"], decorate=decorate)
    out, total = [], 0
    while total < size:
        sentence = next(source)
        if rng.random() < 0.25:
            sentence = sentence.replace(" ", "\u3000", rng.randint(1, 3))
        piece = sentence + ("\n" if rng.random() < 0.2 else "\u3000" if rng.random() < 0.3 else " ")
        out.append(piece)
        total += len(piece.encode("utf-8"))
    return "".join(out)


def arabic(rng, size):
    def decorate(rng, w):
        if rng.random() < 0.4:
            w[rng.randrange(len(w))] += "،"
        if rng.random() < 0.1:
            w[rng.randrange(len(w))] += "؛"
        return w
    return paragraphs(rng, sentences(rng, ARABIC, [".", ".", "؟", "!"], decorate=decorate), size)


def mixed_html(rng, size):
    texts = {
        "en": sentences(rng, ENGLISH + CONTRACTIONS, [".", "?", "!"]),
        "ru": sentences(rng, RUSSIAN, [".", "!"]),
        "zh": sentences(rng, CHINESE, ["。"]),
        "ja": sentences(rng, JAPANESE, ["。"]),
        "ar": sentences(rng, ARABIC, ["."]),
    }
    head = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Tally — mixed-script benchmark page</title>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<link rel="stylesheet" href="/site.css"><style>body{font:16px/1.5 system-ui} .nav a{margin:0 .5em}</style>\n'
            '<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)} if (1 < 2 && "</p>") {}</script>\n'
            '</head><body>\n')
    out, total = [head], len(head)
    section = 0
    while total < size:
        section += 1
        lang = rng.choice(list(texts))
        direction = ' dir="rtl"' if lang == "ar" else ""
        parts = [f'<header class="nav"><nav><ul><li><a href="/">Home</a></li><li><a href="/news?id={section}&amp;lang={lang}">News&nbsp;&amp;&nbsp;events</a></li>'
                 f'<li><a href="/about" title="About us">About</a></li></ul></nav></header>\n'
                 f'<!-- section {section} -->\n<article lang="{lang}"{direction}><h2 id="s{section}">{next(texts[lang])}</h2>\n']
        for _ in range(rng.randint(3, 7)):
            sentence_list = [next(texts[rng.choice(list(texts)) if rng.random() < 0.2 else lang]) for _ in range(rng.randint(2, 6))]
            html = " ".join(sentence_list)
            words = html.split(" ")
            if len(words) > 4:
                i = rng.randrange(len(words) - 2)
                words[i] = f'<a href="https://example.com/{i}">{words[i]}</a>'
                words[i + 1] = f"<em>{words[i + 1]}</em>"
            html = " ".join(words).replace(" — ", " &mdash; ", 1)
            parts.append(f"<p>{html} &hellip;</p>\n")
        if rng.random() < 0.3:
            parts.append("<table><thead><tr><th>Name</th><th>Words</th></tr></thead><tbody>"
                         + "".join(f"<tr><td>{rng.choice(ENGLISH)}</td><td>{rng.randint(1, 9999)}</td></tr>" for _ in range(rng.randint(2, 6)))
                         + "</tbody></table>\n")
        if rng.random() < 0.3:
            parts.append("<ul>" + "".join(f"<li>{next(texts[lang])}</li>" for _ in range(rng.randint(2, 5))) + "</ul>\n")
        if rng.random() < 0.2:
            parts.append('<script type="application/ld+json">{"@type":"Article","name":"x &amp; y","n":' + str(section) + '}</script>\n')
        parts.append("</article>\n")
        chunk = "".join(parts)
        out.append(chunk)
        total += len(chunk.encode("utf-8"))
    out.append("<footer><p>&copy; 2026 Tally &middot; <a href=\"/privacy\">Privacy</a></p></footer></body></html>\n")
    return "".join(out)


KINDS = {
    "russian.txt": russian,
    "chinese-spaced.txt": chinese,
    "english-ascii.txt": english_ascii,
    "english-typographic.txt": english_typographic,
    "japanese-spaced.txt": japanese,
    "arabic.txt": arabic,
    "mixed-html.html": mixed_html,
}


def main():
    out_dir = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 64 * 1024 * 1024
    os.makedirs(out_dir, exist_ok=True)
    for index, (name, make) in enumerate(KINDS.items()):
        rng = random.Random(20261125 + index)
        data = make(rng, size).encode("utf-8")[:size]
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
