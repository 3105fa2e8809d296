"""Word-pair prose in nine languages for the benign corpus (twelfth round, ADR 0012).

The messages are ordinary chat written here from templates: alternatives with a slash
(``log in/out``, ``sí/no``), dates, fractions and technical pairs (``12/03``, ``TCP/IP``),
sentences whose full stop, line break or ellipsis touches the next word (``ok.so``,
``I have to go.\\nTo be honest``, ``so...yeah``), abbreviations (``e.g.``, ``Ph.D.``),
full-width and CJK punctuation between words (``hello，world``, ``はい。そうです``), the
everyday words that are also dot words (``connect the dots``, ``en punto``, ``kropka``),
spaced letters and initials (``J. R. R. Tolkien``, ``U S A``), hashtags, mentions and
emoticons, in English, Spanish, French, German, Portuguese, Russian, Indonesian, Turkish
and Polish. No text is copied from anywhere.

``loose_pairs`` gives the adversarial list its entries for these messages: every two or
three words that any loose joint (white space, a line break, a run of punctuation, a
spoken dot word) separates, joined by dots, when the last one is a top-level domain.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

SEED = 12

# --- alternatives with a slash -----------------------------------------------------------------

SLASH_EN = [
    "log in/out", "Log in/Sign up", "sign in / register", "Buy Now/Pay Later", "and/or",
    "yes/no", "on/off", "read/write", "input/output", "w/o", "s/he", "TCP/IP", "I/O",
    "A/B test", "24/7", "his/her", "either/or", "in/out", "up/down", "me/you", "to/from",
    "go/no-go", "do/don't", "is/are", "it/them", "am/pm", "true/false", "dev/prod", "he/him",
    "she/her", "they/them", "win/lose", "now/later", "one/two", "new/used", "top/bottom",
    "day/night", "show/hide", "cut/copy/paste", "save/load", "push/pull", "buy/sell",
    "check in/out", "opt in/out", "zoom in/out", "turn on/off", "pick up/drop off",
    "log in slash sign up", "sign in slash register", "w/ or w/o", "b/c", "c/o", "n/a",
    "a/c", "w/e", "y/n", "r/w", "i/o", "p/e ratio", "km/h", "mg/dl", "GB/s", "L/100km",
]  # fmt: skip
SLASH_XX = {
    "es": ["sí/no", "entrar/salir", "con/sin", "ida/vuelta", "él/ella", "hoy/mañana",
           "iniciar sesión/registrarse", "compra ya/paga después", "encendido/apagado"],
    "fr": ["oui/non", "entrée/sortie", "avec/sans", "il/elle", "connexion/inscription",
           "aller/retour", "jour/nuit", "marche/arrêt", "achetez maintenant/payez plus tard"],
    "de": ["ja/nein", "ein/aus", "mit/ohne", "er/sie", "Anmelden/Registrieren", "hin/zurück",
           "Tag/Nacht", "jetzt kaufen/später zahlen", "rein/raus"],
    "pt": ["sim/não", "entrar/sair", "com/sem", "ele/ela", "ida/volta", "ligado/desligado",
           "compre agora/pague depois", "login/cadastro", "dia/noite"],
    "ru": ["да/нет", "вход/выход", "вкл/выкл", "он/она", "туда/обратно", "день/ночь",
           "купить сейчас/оплатить потом", "войти/зарегистрироваться"],
    "id": ["ya/tidak", "masuk/keluar", "dia/mereka", "pergi/pulang", "siang/malam",
           "beli sekarang/bayar nanti", "daftar/masuk", "on/off"],
    "tr": ["evet/hayır", "giriş/çıkış", "açık/kapalı", "gidiş/dönüş", "gece/gündüz",
           "şimdi al/sonra öde", "kayıt ol/giriş yap", "var/yok"],
    "pl": ["tak/nie", "wejście/wyjście", "z/bez", "on/ona", "tam/z powrotem", "dzień/noc",
           "kup teraz/zapłać później", "zaloguj/zarejestruj", "wł/wył"],
}  # fmt: skip
NUMBERS = [
    "12/03", "03/12/2026", "1/2", "3/4", "2/3", "50/50", "7/10", "9/10", "24/7", "365/24",
    "4/5 stars", "10/10", "1/3 cup", "5/8 inch", "20/20", "2026/27", "Q3/Q4", "v1/v2",
]  # fmt: skip
SLASH_FRAMES = {
    "en": ["where's the {p} button?", "the {p} thing again lol", "{p} is fine by me",
           "just pick {p} and move on", "is it {p}? idk", "{p} works now, thanks!",
           "so it's {p} then", "pls check the {p} part", "{p}\nbtw call me later",
           "I mean {p}, you know", "got it: {p} 👍", "{p}… whatever works"],
    "es": ["¿es {p}?", "pon {p} y listo", "lo de {p} no funciona", "{p}, como quieras",
           "dime {p} porfa", "el botón de {p} está roto"],
    "fr": ["c'est {p} ?", "mets {p} et c'est bon", "le bouton {p} ne marche pas",
           "{p}, comme tu veux", "dis-moi {p} stp", "j'ai choisi {p}"],
    "de": ["ist das {p}?", "einfach {p} wählen", "der {p} Knopf geht nicht",
           "{p}, wie du willst", "sag mir {p} bitte", "ich nehme {p}"],
    "pt": ["é {p}?", "coloca {p} e pronto", "o botão de {p} não funciona",
           "{p}, tanto faz", "me diz {p} por favor", "escolhi {p}"],
    "ru": ["это {p}?", "просто выбери {p}", "кнопка {p} не работает", "{p}, как хочешь",
           "скажи {p} пожалуйста", "я выбрал {p}"],
    "id": ["ini {p}?", "pilih {p} aja", "tombol {p} nggak jalan", "{p}, terserah kamu",
           "kasih tahu {p} ya", "aku pilih {p}"],
    "tr": ["bu {p} mi?", "{p} seç yeter", "{p} düğmesi çalışmıyor", "{p}, nasıl istersen",
           "bana {p} söyle lütfen", "ben {p} seçtim"],
    "pl": ["czy to {p}?", "wybierz {p} i tyle", "przycisk {p} nie działa", "{p}, jak wolisz",
           "powiedz {p} proszę", "wybrałem {p}"],
}  # fmt: skip

# --- sentences that touch ------------------------------------------------------------------------

#: Sentence ends and starts per language, chosen so that many end or start on a word that is
#: also a top-level domain (``in``, ``to``, ``so``, ``me``, ``it``, ``is``, ``us``, ``de``,
#: ``es``, ``la``, ``do``, ``na``): the loose readings a list of word pairs would catch.
ENDS = {
    "en": ["I have to go", "ok", "that's the end", "let me log in", "count me in",
           "tell me", "I'm so done", "just do it", "that's on us", "see you at", "it is what it is",
           "good to see", "not sure", "I'm in", "call me", "this is it", "give it to me",
           "wait", "right", "fine by me", "I said no", "we'll be there at"],
    "es": ["no sé", "vale", "ya está", "dímelo", "eso es", "nos vemos a las cinco en punto",
           "voy de", "la casa de", "hasta la", "lo que es", "me voy"],
    "fr": ["je sais pas", "d'accord", "c'est fini", "dis-moi", "ça va", "à la",
           "on se voit à midi pile", "je suis là", "c'est tout"],
    "de": ["ich weiß nicht", "okay", "das ist es", "sag es", "bis dann", "komm rein",
           "ich bin da", "so ist es", "mach es"],
    "pt": ["não sei", "beleza", "é isso", "me diz", "vou lá", "tudo bem", "fala comigo",
           "a casa do", "faz isso"],
    "ru": ["не знаю", "ладно", "вот и всё", "скажи мне", "пока", "я тут", "давай"],
    "id": ["nggak tahu", "oke", "udah selesai", "kasih tahu aku", "aku di", "jalan ke",
           "sampai jumpa", "aku ikut"],
    "tr": ["bilmiyorum", "tamam", "bu kadar", "söyle bana", "görüşürüz", "geliyorum",
           "ben de"],
    "pl": ["nie wiem", "dobra", "to tyle", "powiedz mi", "na razie", "jestem na", "idę do"],
}  # fmt: skip
STARTS = {
    "en": ["To be honest it's late", "so what now", "The end", "me too", "it is fine",
           "is that ok?", "us too lol", "do you know?", "in a minute", "at home now",
           "be right back", "no worries", "my bad", "am I late?", "you there?", "one sec",
           "now what", "new phone who dis", "top of the list", "The meeting moved",
           "Then we eat", "Anyway see you", "yeah", "what"],
    "es": ["es que no puedo", "de nada", "la verdad no", "me parece bien", "no pasa nada",
           "En fin, mañana", "Luego te llamo", "si quieres", "do re mi"],
    "fr": ["la vérité c'est non", "de rien", "me voilà", "En fait non", "Bref, demain",
           "le truc c'est ça", "si tu veux"],
    "de": ["de facto ja", "Also morgen", "es ist spät", "Na gut", "Das passt", "so ist das"],
    "pt": ["do jeito que der", "de nada", "é isso aí", "me liga", "Enfim, amanhã",
           "na real não"],
    "ru": ["то есть нет", "Ну ладно", "В общем завтра", "это всё"],
    "id": ["di rumah aja", "ke sana yuk", "Ya udah besok", "Jadi gimana", "id card aku hilang"],
    "tr": ["de haklısın", "Yani yarın", "Neyse sonra", "bir dakika"],
    "pl": ["to nic", "na pewno", "Dobra jutro", "Więc tak", "do jutra"],
}  # fmt: skip
#: What a sentence's end is written with when it touches the next one.
JOINTS = [
    ".", ". ", ".\n", "\n", "\n\n", "...", "..", "…", ". . .", " ... ", "!", "?", "?!", "!!",
    ",", ";", ":", " - ", ".)", " :) ", " ;) ", " :D ", " xD ", " <3 ", " ^^ ", " 🙂 ",
    " lol ", " #tbt ", " @ana ",
]  # fmt: skip
CJK_JOINTS = ["，", "。", "、", "・", "！", "？", "；", "：", "．", "｡", "〜", "…", "·", "｜"]
CJK = [
    "はい。そうです", "ありがとう。またね", "ok，明天见", "好的。see you", "그래요。ok so",
    "hello，world", "yes，no", "log in，out", "sign in・up", "ok。so", "me、too",
    "是的，是的。好", "到了。in a bit", "没问题！so cool", "먹었어？ok", "了解です。it is fine",
]  # fmt: skip
ABBREVIATIONS = [
    "e.g.", "i.e.", "etc.", "a.m.", "p.m.", "a.m./p.m.", "U.S.", "U.K.", "Ph.D.", "St.",
    "Dr.", "Mr.", "Mrs.", "vs.", "approx.", "No.", "Jr.", "z.B.", "d.h.", "usw.", "p.ej.",
    "etc...", "ca.", "S.A.", "Sr.", "Sra.", "т.е.", "и т.д.", "dll.", "vb.", "np.", "itd.",
]  # fmt: skip
ABBR_FRAMES = [
    "bring snacks, {a} chips", "{a} the blue one", "at 9 {a} sharp", "see {a}\nok", "{a}",
    "the {a} office said so", "words like {a} confuse me", "call {a} Smith",
    "{a} is fine", "we need {a} to sign it", "done{a}", "this, that, {a}",
]  # fmt: skip

# --- spoken dot and slash words -------------------------------------------------------------

SPOKEN = [
    "connect the dots", "dot the i's and cross the t's", "at this point com on", "what's the point",
    "point me to the docs", "slash the prices", "they slash prices on friday", "on the dot at nine",
    "a dot on the map", "polka dot dress", "dot com bubble talk", "point taken", "to the point",
    "the dot is red", "point of view", "slash and burn", "connect the dots in", "the point is",
    "a las cinco en punto", "punto de vista", "punto y aparte", "es un punto muy bueno",
    "punto final", "en punto de la mañana", "à point", "point de vue", "c'est le point",
    "mise au point", "Punkt zwei", "Punkt für Punkt", "um Punkt acht", "ein guter Punkt",
    "ponto de vista", "em ponto", "ponto final", "точка зрения", "точка и всё", "в точку",
    "titik temu", "titik koma", "titik terang", "nokta koydum", "nokta atışı", "son nokta",
    "kropka nad i", "kropka i koniec", "w kropki", "punto com", "dot to dot puzzle",
    "slash or dash", "slash fic", "guns and slash", "the dot in", "his point is",
]  # fmt: skip
SPOKEN_FRAMES = [
    "{s}", "lol {s}", "{s}, right?", "ok {s}", "{s} haha", "{s}\nanyway", "I said {s}",
    "{s} 😂", "so {s} is", "{s} to me", "just {s} it", "well {s} so", "{s} me", "{s} in",
]  # fmt: skip

# --- letters, initials, tags -------------------------------------------------------------------

INITIALS = [
    "J. R. R. Tolkien", "U S A", "O K", "o k", "Y E S", "N O", "G O", "S O S", "L O L",
    "I T", "a.k.a.", "R.I.P.", "P.S.", "p . s .", "B. B. King", "C. S. Lewis", "T.G.I.F.",
    "M E", "I N", "U S", "D I Y", "A S A P", "T O", "w h a t", "c o o l", "s o  g o o d",
    "H.G. Wells", "e. e. cummings", "J.K. Rowling", "F.C. Barcelona", "D.C.", "L.A.",
    "N.Y.", "R.S.V.P.", "Q&A", "R&D", "B2B", "P2P", "M&M's", "AT&T",
]  # fmt: skip
TAGS = [
    "#tbt", "#love", "#ootd", "#mondaymotivation", "#in", "#me", "#so", "#fun", "#win",
    "@ana", "@bob_is", "@team.in", "@me", "@us", "@mi.amor", "@so", "#día", "#glück",
]  # fmt: skip
EMOTICONS = [
    ":)", ":(", ";)", ":D", "xD", ":P", "<3", "^^", "o.O", "O.o", "-.-", "._.",
    "T.T", ":-)", ":'(", "¯\\_(ツ)_/¯", ">.<", "=.=", "*.*", "u.u", "n.n", ":/",
]  # fmt: skip
LETTER_FRAMES = [
    "{x} {y}", "{x} is {y}", "{y} {x}", "lol {x} {y}", "{x}\n{y}", "{x}, {y}", "{x}.{y}",
    "{x}... {y}", "{x} to {y}", "go {x} so {y}", "{x} me {y}", "{x} in", "so {x} it is",
]  # fmt: skip
WORDS_AROUND = [
    "ok", "so", "me", "in", "to", "it", "is", "us", "at", "do", "no", "my", "be", "am", "now",
    "fun", "win", "top", "one", "new", "day", "app", "com", "de", "es", "la", "na", "id", "pl",
]  # fmt: skip


def _pair_slash(rng: random.Random) -> str:
    lang = rng.choice(list(SLASH_FRAMES))
    pool = SLASH_EN + NUMBERS if lang == "en" else SLASH_XX[lang] + NUMBERS[:6]
    return rng.choice(SLASH_FRAMES[lang]).format(p=rng.choice(pool))


def _touch(rng: random.Random, lang: str) -> str:
    a = rng.choice(ENDS[lang])
    b = rng.choice(STARTS[lang] if rng.random() < 0.7 else STARTS["en"])
    return _join(a, rng.choice(JOINTS), b)


def _join(a: str, joint: str, b: str) -> str:
    """Two sentences touching at ``joint``; ``.)`` closes a parenthesis opened before ``a``."""
    if joint == ".)":
        return f"({a}.){b}"
    return f"{a}{joint}{b}"


def wp_slash(rng: random.Random) -> str:
    if rng.random() < 0.25:
        a, b = rng.choice(SLASH_EN), rng.choice(SLASH_EN)
        return f"{a} or {b}? {rng.choice(WORDS_AROUND)}"
    return _pair_slash(rng)


def wp_touch(rng: random.Random) -> str:
    return _touch(rng, "en")


def wp_abbrev(rng: random.Random) -> str:
    text = rng.choice(ABBR_FRAMES).format(a=rng.choice(ABBREVIATIONS))
    if rng.random() < 0.4:
        text = _join(text, rng.choice(JOINTS), rng.choice(STARTS["en"]))
    return text


def wp_cjk(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(CJK)
    a, b = rng.choice(ENDS["en"]), rng.choice(STARTS["en"])
    mark = rng.choice(CJK_JOINTS)
    return rng.choice([f"{a}{mark}{b}", f"{a}{mark}{b}{mark}", f"好的{mark}{a}{mark}{b}"])


def wp_spoken(rng: random.Random) -> str:
    return rng.choice(SPOKEN_FRAMES).format(s=rng.choice(SPOKEN))


def wp_letters(rng: random.Random) -> str:
    pool = rng.choice([INITIALS, TAGS, EMOTICONS])
    x = rng.choice(pool)
    y = rng.choice(WORDS_AROUND + INITIALS + TAGS + EMOTICONS)
    return rng.choice(LETTER_FRAMES).format(x=x, y=y)


def _language(lang: str) -> Callable[[random.Random], str]:
    def make(rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.3:
            frame = rng.choice(SLASH_FRAMES[lang])
            return frame.format(p=rng.choice(SLASH_XX[lang] + SLASH_EN[:12]))
        if roll < 0.8:
            return _touch(rng, lang)
        first = f"{rng.choice(ENDS[lang])} {rng.choice(SPOKEN)}"
        return _join(first, rng.choice(JOINTS), rng.choice(STARTS[lang]))

    return make


CATEGORIES: list[tuple[str, Callable[[random.Random], str], int]] = [
    ("wp-slash", wp_slash, 300),
    ("wp-touch", wp_touch, 350),
    ("wp-abbrev", wp_abbrev, 250),
    ("wp-cjk", wp_cjk, 250),
    ("wp-spoken", wp_spoken, 250),
    ("wp-letters", wp_letters, 250),
    *((f"wp-{lang}", _language(lang), 150) for lang in SLASH_XX),
]

# --- the adversarial list: every loose word pair ---------------------------------------------

_SPOKEN_WORDS = "dot|dots|slash|point|points|punto|ponto|punkt|kropka|kropki|titik|nokta|точка"
#: A word (any script's letters and digits, inner hyphens) and what lies between two words.
_LOOSE = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[^\w]+|_+", re.S)
#: A loose joint: white space, or a short run of punctuation and white space with no slash
#: (a slash makes a path, not a dot), or a spoken dot word between spaces.
_JOINT_RUN = re.compile(rf"[^\w/／]{{1,8}}|[ \t]+(?i:{_SPOKEN_WORDS})[ \t]+")


def loose_pairs(text: str, hostlike: Callable[[str], bool]) -> set[str]:
    """Every two or three words separated by loose joints, joined by dots, that
    ``hostlike`` accepts (its last label a top-level domain). Full-width letters are folded
    as NFKC folds them; spoken dot words count as joints."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(rf"[ \t]+(?i:{_SPOKEN_WORDS})[ \t]+", " ", text)
    parts = [m.group(0) for m in _LOOSE.finditer(text)]
    found: set[str] = set()
    for i, word in enumerate(parts):
        if not re.fullmatch(r"[^\W_]+(?:-[^\W_]+)*", word):
            continue
        chain = [word.lower()]
        k = i + 1
        while k + 1 < len(parts) and len(chain) < 3:
            sep, nxt = parts[k], parts[k + 1]
            if _JOINT_RUN.fullmatch(sep) is None:
                break
            if not re.fullmatch(r"[^\W_]+(?:-[^\W_]+)*", nxt):
                break
            chain.append(nxt.lower())
            cand = ".".join(chain)
            if hostlike(cand):
                found.add(cand)
            k += 2
    return found
