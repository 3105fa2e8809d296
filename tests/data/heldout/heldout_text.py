"""Benign messages of the held-apart corpus, written for it (no text copied from elsewhere).

Categories: multilingual chat (``chat-xx``), word-pair prose against host-level decoy entries
(``word-pair``), code, config, logs, e-mail, file names and versions, numbers and
abbreviations, fancy text and invisible characters without links (``fancy``), and ordinary
links to unlisted sites (``links``). Imported by ``make_heldout.py``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

#: Host-level decoy entries whose names are everyday word pairs (TLD checked against the PSL).
WORD_PAIR_PHRASES: dict[str, tuple[str, ...]] = {
    "log.in": (
        "log in/out",
        "Log In/Sign Up",
        "log in / log out",
        "log in slash sign up",
        "Log in/Register",
        "log in/create account",
        "LOG IN/OUT",
    ),
    "sign.in": (
        "Sign In/Register",
        "sign in/sign up",
        "Sign In / Create Account",
        "sign in slash register",
        "Sign in/Join",
    ),
    "check.in": ("check in/out times", "Check In/Check Out", "check in/bag drop"),
    "plug.in": ("plug in/unplug it", "plug in/charge overnight"),
    "made.in": ("made in/shipped from", "Made In/Designed In"),
    "buy.now": (
        "Buy Now/Pay Later",
        "buy now/pay later",
        "Buy Now / Add to Cart",
        "buy now slash pay later",
        "BUY NOW/PAY LATER",
    ),
    "shop.now": ("Shop Now/Browse", "shop now/save for later"),
    "go.to": ("go to/from work", "where do I go to/from here"),
    "talk.to": ("talk to/text me later", "who do I talk to/email about this"),
    "next.to": ("next to/behind the station", "right next to/across from the bank"),
    "hello.world": ("hello，world", "Hello，World!", "hello・world", "hello·world"),
    "call.me": ("call me/text me", "Call Me/WhatsApp", "call me slash text me"),
    "text.me": ("text me/call me", "text me/email me"),
    "it.is": ("it is/was fine", "it is/isn't clear"),
    "to.be": ("to be/not to be", "has to be/should be done", "going to be/is late"),
    "have.fun": ("have fun/be safe!", "Have Fun/Stay Safe"),
    "one.day": ("one day/night pass", "one day/two days", "One Day/Multi Day tickets"),
    "go.live": ("go live/launch date", "we go live/ship on Monday"),
    "click.here": ("click here/tap here", "Click Here/Learn More"),
    "see.you": ("see you/bye!", "see you/talk soon"),
    "thank.you": ("thank you/thanks a lot", "Thank You/Merci", "thank you slash sorry"),
    "love.you": ("love you/miss you", "love you/see you soon"),
}
WORD_PAIR_HOSTS = tuple(WORD_PAIR_PHRASES)

#: Host-level decoys that dot words in ordinary prose read as ("mi punto de vista" → mi.de/).
DOT_WORD_HOSTS = ("mi.de", "meu.de", "no.de", "mon.de", "el.es", "the.com")

#: Host-level decoys that dotted identifiers in code, config and logs reach by subdomain.
CODE_IDENTIFIER_HOSTS = (
    "group.chat", "acme.group", "user.email", "logger.info", "server.host", "smtp.host",
    "mobile.shop", "team.dev", "user.tools", "profile.name", "commons.io", "client.post",
    "core.app",
)  # fmt: skip

#: Short openers that make positives and benign chat look alike.
CHAT_FILL = ("hey", "ok", "btw", "lol", "so", "fyi", "hi all", "yo", "ps", "also")

NAMES = (
    "Anna",
    "Ben",
    "Chloé",
    "Dmitri",
    "Elif",
    "Farah",
    "Gustavo",
    "Hana",
    "Ivan",
    "Jun",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomás",
    "Yuki",
    "Zeynep",
    "Wei",
    "Aarav",
    "Minh",
    "Ola",
    "Siti",
    "Karim",
)
PLACES = (
    "the station",
    "the office",
    "the park",
    "the café",
    "Gate 12",
    "the library",
    "platform 3",
    "the gym",
    "the market",
    "home",
)
TIMES = ("7:30", "8", "noon", "10.30", "half past six", "18:00", "9am", "3 pm")

BENIGN_CHAT: dict[str, tuple[str, ...]] = {
    "en": (
        "are we still on for {time}?",
        "running late, be there in {n} minutes",
        "can you grab some milk on the way home",
        "lol that's hilarious",
        "did you finish the report",
        "I'll call you after the meeting",
        "happy birthday {name}!! 🎉",
        "the train is delayed again",
        "see you at {place}",
        "thanks so much for yesterday",
        "what time does it start",
        "meet at 6 on the dot",
        "she wore a polka dot dress",
        "dot your i's and cross your t's",
        "the dot com bubble was wild",
        "use the slash key to search",
        "and/or whatever works",
        "it's open 24/7",
        "50/50 chance honestly",
        "he/she will decide",
        "I/O is the bottleneck",
        "grab a coffee w/ me?",
        "who's bringing snacks",
        "ok sounds good",
        "my phone died sorry",
        "can you send me the photos from {place}",
        "lunch at {time}?",
        "traffic is insane today",
        "just landed ✈️",
        "the meeting moved to {time}",
        "I'll be working from home tomorrow",
        "don't forget mum's birthday",
        "good morning!",
        "hmm not sure",
        "let me check and get back to you",
        "I have to go. Talk later",
        "the cat knocked over my coffee again",
        "score was 3-1, what a game",
        "is {name} coming too?",
        "bring an umbrella, it's pouring",
    ),
    "es": (
        "nos vemos a las 8 en punto",
        "desde mi punto de vista está bien",
        "punto y aparte",
        "el punto es que no puedo ir",
        "punto final, no discutimos más",
        "¿vienes a cenar hoy?",
        "llego en {n} minutos",
        "feliz cumpleaños {name} 🎂",
        "qué calor hace hoy",
        "¿me pasas las fotos?",
        "vale, hablamos luego",
        "el tren va con retraso",
        "te espero en la estación",
        "gracias por todo",
        "mañana trabajo desde casa",
        "jajaja qué bueno",
    ),
    "pt": (
        "chego às 7 em ponto",
        "do meu ponto de vista tudo bem",
        "estou no ponto de ônibus",
        "ponto final, chega",
        "bom dia! tudo bem?",
        "vou atrasar uns {n} minutos",
        "parabéns {name}!!",
        "manda as fotos depois",
        "valeu pela ajuda",
        "amanhã tem reunião às 9",
        "kkkkk muito bom",
        "vamos almoçar juntos?",
    ),
    "de": (
        "Punkt acht Uhr am Bahnhof",
        "das ist ein guter Punkt",
        "Punkt für Punkt durchgehen",
        "er redet ohne Punkt und Komma",
        "bin in {n} Minuten da",
        "alles Gute zum Geburtstag {name}",
        "der Zug hat wieder Verspätung",
        "kannst du Brot mitbringen?",
        "danke dir!",
        "morgen bin ich im Homeoffice",
        "wie spät treffen wir uns?",
        "haha sehr gut",
    ),
    "fr": (
        "rendez-vous à 8 heures pile",
        "c'est un bon point",
        "de mon point de vue ça va",
        "mettre les points sur les i",
        "j'arrive dans {n} minutes",
        "joyeux anniversaire {name} !",
        "le train est encore en retard",
        "tu peux acheter du pain ?",
        "merci beaucoup",
        "demain je télétravaille",
        "on se voit à la gare",
        "mdr trop drôle",
    ),
    "ru": (
        "с моей точки зрения всё нормально",
        "точка встречи у метро",
        "и точка!",
        "в девять ровно, точка",
        "буду через {n} минут",
        "с днём рождения, {name}!",
        "поезд опять опаздывает",
        "купи хлеба по дороге",
        "спасибо большое",
        "завтра работаю из дома",
        "во сколько встречаемся?",
        "ахаха класс",
    ),
    "pl": (
        "kropka nad i",
        "o ósmej, kropka",
        "i kropka, koniec dyskusji",
        "z mojego punktu widzenia jest ok",
        "będę za {n} minut",
        "wszystkiego najlepszego {name}!",
        "pociąg znowu się spóźnia",
        "kupisz chleb?",
        "dzięki wielkie",
        "jutro pracuję z domu",
    ),
    "tr": (
        "artık nokta koyalım",
        "bu önemli bir nokta",
        "buluşma noktası istasyon",
        "saat 8'de, nokta",
        "{n} dakikaya oradayım",
        "doğum günün kutlu olsun {name}!",
        "tren yine gecikti",
        "eve gelirken ekmek alır mısın",
        "çok teşekkürler",
        "yarın evden çalışıyorum",
    ),
    "id": (
        "titik temu kita di stasiun",
        "titik kumpul jam 7",
        "pakai titik koma di situ",
        "sampai titik darah penghabisan",
        "aku sampai {n} menit lagi",
        "selamat ulang tahun {name}!",
        "keretanya telat lagi",
        "tolong beli roti ya",
        "makasih banyak",
        "besok kerja dari rumah",
    ),
    "vi": (
        "thế là chấm hết",
        "nhớ thêm dấu chấm câu",
        "cô đang chấm điểm bài thi",
        "đi chơi lúc 7 giờ nhé",
        "mình đến trong {n} phút",
        "chúc mừng sinh nhật {name}!",
        "tàu lại trễ rồi",
        "mua giúp mình ổ bánh mì",
        "cảm ơn nhiều",
        "mai mình làm ở nhà",
    ),
    "zh": (
        "我一点到",
        "快点儿吧",
        "今天有一点累",
        "我们先点菜吧",
        "三点半见",
        "重点是明天的会",
        "我们三點見",
        "生日快乐{name}！",
        "火车又晚点了",
        "回家路上买点面包",
        "谢谢你",
        "哈哈哈太好笑了",
        "明天在家办公",
        "你几点下班？",
    ),
    "ja": (
        "ドット絵が好き",
        "三時に駅で",
        "ポイントは明日です",
        "ちょっと待って",
        "{n}分で着きます",
        "お誕生日おめでとう{name}！",
        "電車がまた遅れてる",
        "パン買ってきてくれる？",
        "ありがとう！",
        "明日は在宅勤務です",
        "何時に会う？",
        "草",
        "水玉模様のドット柄のシャツ",
    ),
    "ko": (
        "점심 뭐 먹을래",
        "세 시에 만나",
        "닷새 뒤에 봐",
        "점수 나왔어",
        "{n}분 뒤에 도착해",
        "생일 축하해 {name}!",
        "기차가 또 늦었어",
        "빵 좀 사다 줄래?",
        "고마워",
        "내일 재택해",
        "ㅋㅋㅋ 웃기다",
        "몇 시에 볼까?",
    ),
    "ar": (
        "نلتقي الساعة الثامنة",
        "هذه نقطة مهمة جدا",
        "نقطة التجمع عند المحطة",
        "سأصل بعد {n} دقائق",
        "عيد ميلاد سعيد يا {name}",
        "القطار متأخر مرة أخرى",
        "اشتري خبز في طريقك",
        "شكرا جزيلا",
        "غدا أعمل من البيت",
        "هههه حلو",
    ),
    "hi": (
        "मैं आठ बजे पहुँचूँगा",
        "यह एक अच्छा पॉइंट है",
        "पोल्का डॉट वाली ड्रेस अच्छी है",
        "मैं {n} मिनट में आ रहा हूँ",
        "जन्मदिन मुबारक हो {name}!",
        "ट्रेन फिर से लेट है",
        "घर आते समय दूध ले आना",
        "बहुत धन्यवाद",
        "कल मैं घर से काम करूँगा",
        "हाहा बढ़िया",
    ),
}

UI_FRAMES: tuple[str, ...] = (
    "the button says {P} but nothing happens",
    "tap {P} at the top right",
    "our {P} page is broken again",
    "just hit {P}, it's easy",
    "where is the {P} link??",
    "the banner still says {P}",
    "can you make the {P} text bigger",
    "I can't find {P} anywhere",
    "El botón {P} no funciona",
    "Der Button {P} geht nicht",
    "Le bouton {P} ne marche pas",
    "Кнопка {P} не работает",
    "ボタンの{P}が押せない",
    "点击{P}按钮没反应",
    "{P} 버튼이 안 눌려요",
    "O botão {P} sumiu",
    "زر {P} لا يعمل",
    "{P} बटन काम नहीं कर रहा",
    "menu: {P}",
    "{P}",
    "options are {P}",
)
PROSE_FRAMES: tuple[str, ...] = (
    "please {P} and try again",
    "can you {P}?",
    "remember to {P}",
    "I'll {P} tonight",
    "{P} — that's the plan",
    "ok, {P}",
    "we said {P}",
)
LINE_JOINS: tuple[str, ...] = (
    "I have to go.\nTo be honest I'm exhausted",
    "Time to go.\nTo the station first",
    "let's go.\nTo the park!",
    "ready to go.\nto be continued",
    "I need to go.\nTo bed, finally",
    "where do we go.\nToday or tomorrow?",
    "have fun.\nSee you soon",
    "thank you.\nTomorrow then",
    "this is it.\nIs it ok?",
    "we go live.\nLive at 9!",
)

JAVA_IDS = (
    "com.acme.group.chat",
    "com.acme.group",
    "org.acme.core.app",
    "net.acme.team.dev",
    "io.github.user.tools",
    "com.acme.mobile.shop",
    "com.example.mobile.shop",
)
CODE_SNIPPETS: tuple[str, ...] = (
    "package {J};",
    "import {J}.MessageService;",
    "import {J}.ui.MainActivity",
    'applicationId "{J}"',
    '<manifest package="{J}">',
    "adb shell am start -n {J}/.MainActivity",
    "pm uninstall {J}",
    "the bundle id is {J}",
    "rename the package to {J} before release",
    "org.apache.commons.io.FileUtils.copyFile(src, dst);",
    "import org.apache.commons.io.IOUtils;",
    'self.logger.info("started worker %s", name)',
    "app.logger.info('ready')",
    "current_app.logger.info(msg)",
    "self.client.post('/api/items', data=payload)",
    "response = self.client.post(url, json=body)",
    "email = request.user.email",
    "if not self.user.email: raise ValueError",
    "name = user.profile.name or 'anon'",
    "print(self.profile.name)",
    "host = cfg.server.host",
    "conn = connect(settings.server.host)",
    "smtp = SMTP(config.smtp.host, 587)",
    "os.path.join(base, name)",
    "df.groupby('a').sum()",
    "np.array([1, 2, 3]).reshape(3, 1)",
    "const x = window.location.hash;",
    "document.body.classList.add('dark')",
    "console.log(user.name)",
    "SELECT u.name, o.total FROM users u JOIN orders o ON o.user_id = u.id;",
    "git checkout -b feature/login-form",
    "git log --oneline -5",
    "pip install -e '.[dev]'",
    "docker run -p 8080:80 nginx:1.25",
    "kubectl get pods -n web",
    "ls -la ~/.config",
    "x = a.b.c.d",
    "return this.props.items.map(i => i.id)",
    "obj.data.items[0].value",
    "val repo = UserRepository(context.applicationContext)",
    'fun main() = println("hi")',
    "let total = cart.items.reduce((s, i) => s + i.price, 0)",
    "for k, v in d.items():",
    "assert resp.status_code == 200",
    "echo $PATH | tr ':' '\\n'",
    "#include <stdio.h>",
    "std::vector<int> v{1, 2, 3};",
    "System.out.println(user.getName());",
    "def log_in(self, user):",
    "@app.route('/sign_in')",
    '<button id="buy_now">',
    "check_in = booking.check_in_date",
    "print('hello_world')",
    "self.go_to(page)",
    "async function sign_in(user) {}",
    "var buy_now = document.querySelector('#buy_now');",
    "CREATE TABLE check_in (id serial);",
    "make hello_world && ./hello_world",
)
CONFIG_SNIPPETS: tuple[str, ...] = (
    "mail.smtp.host=smtp.example.org",
    "mail.smtp.port=587",
    "db.server.host=10.0.0.5",
    "app.user.email=admin@example.org",
    "spring.datasource.url=jdbc:postgresql://db:5432/app",
    "logging.level.root=INFO",
    "server.port=8080",
    "cache.redis.ttl=300",
    "feature.flags.darkMode=true",
    "chat.acme.group.enabled=true",
    "[server]\nhost = 0.0.0.0\nport = 8000",
    "retries: 3\ntimeout: 30s",
    "env:\n  - name: LOG_LEVEL\n    value: debug",
    "DEBUG=false",
    "DATABASE_URL=postgres://app@localhost/app",
    "max_connections = 100",
    '"editor.fontSize": 14,',
    '"files.autoSave": "afterDelay"',
    "key: value",
    "metadata:\n  labels:\n    app: web",
    "image: nginx:1.25.3",
    "replicas: 2",
    "core.editor=vim",
    "user.name=Anna Example",
    "push.default=simple",
)
LOG_LINES: tuple[str, ...] = (
    "2025-03-14 10:22:31,114 INFO [{J}.Gateway] connected in {n} ms",
    "W/ActivityManager: Process {J} (pid {n}) has died",
    "java.lang.NullPointerException\n\tat {J}.Repo.load(Repo.java:{n})",
    "E/AndroidRuntime: FATAL EXCEPTION: main Process: {J}, PID: {n}",
    '203.0.113.{o} - - [14/Mar/2025:10:22:31 +0000] "GET /static/app.js HTTP/1.1" 200 5123',
    "Mar 14 10:22:31 web01 sshd[{n}]: Accepted publickey for deploy from 192.0.2.{o} port 51234",
    "tests/test_api.py::test_login PASSED [ {n}%]",
    "npm WARN deprecated inflight@1.0.6",
    "[{n}] GET /healthz 200 0.4ms",
    "kernel: [ {n}.123456] usb 1-1: new high-speed USB device",
    'level=info msg="listening" addr=0.0.0.0:{n}',
    "DEBUG self.logger.info called twice for request {n}",
    "{time} ERROR mail.smtp.host unreachable, retry {n}",
    "WARN cfg.server.host missing, using default",
    "INFO  o.a.c.io.FileUtils - copied {n} files",
    "Build finished in {n}.2s",
    "org.acme.core.app.Main - started on port {n}",
    "ts=2025-03-14T10:22:31Z caller=main.go:{n}",
)
EMAIL_BODIES: tuple[str, ...] = (
    (
        "Hi {name},\n\n"
        "Thanks for the update. I'll review the slides and get back to you by\nFriday.\n"
        "\nBest regards,\nAnna"
    ),
    (
        "Hello team,\n\n"
        "Please find attached the minutes from today's meeting. The next one is\n"
        "on Tuesday at 10.30.\n\nCheers,\nBen\n\nSent from my iPhone"
    ),
    (
        "On Mon, 3 Mar 2025 at 10:00, {name} <{mail}> wrote:\n"
        "> Can we move the call to 3 pm?\n\nSure, 3 pm works."
    ),
    (
        "Dear {name},\n\n"
        "Your order No. 4417 has shipped. You can reply to this e-mail with any\n"
        "questions.\n\nKind regards\nCustomer Service"
    ),
    (
        "Hi,\n\nI can't log in to the portal since this morning, it says my password\n"
        "expired. Could you reset it?\n\nThanks,\n{name}"
    ),
    ("Reminder: the office is closed on Monday.\n-- \n{name} | Facilities | +44 20 7946 0000"),
    "Hi {name}, quick one: is the budget file final or still a draft?\nThx",
    ("Good morning,\nattached is the invoice for March (INV-2025-031.pdf).\nRegards, {name}"),
    ("From: {name} <{mail}>\nSubject: Re: holiday plans\n\nLet's book the train early this time."),
    (
        "Hi all,\n\nThe wiki page is here: https://www.example.org/wiki/Onboarding\n"
        "Please read it\nbefore Monday.\n\n{name}"
    ),
)
MAILS = ("anna@example.org", "ben.k@example.com", "team@example.net", "info@example.org")
FILE_NAMES: tuple[str, ...] = (
    "IMG_20240501_1234.jpg",
    "report_final_v2.docx",
    "Q3.results.xlsx",
    "backup-2024.05.01.tar.gz",
    "setup.py",
    "README.md",
    "package.json",
    "app-release-1.4.2.apk",
    "photo (3).png",
    "Invoice 2024-117.pdf",
    "notes.txt",
    "archive.zip",
    "holiday.mov",
    "lecture_05.mp4",
    "song.mp3",
    "Cargo.toml",
    "requirements.txt",
    "main.rs",
    "index.html",
    "style.css",
    "deploy.sh",
    "data.2024.csv",
    "thesis.v3.FINAL.pdf",
    "scan0001.tiff",
    "budget.xlsx",
    "libssl.so.3",
    "node-v20.11.0-linux-x64.tar.xz",
    "Screenshot 2025-03-14 at 10.22.31.png",
    "chat.acme.group.export.json",
    "com.acme.group.chat.apk",
    "logger.info.txt",
)
FILE_FRAMES: tuple[str, ...] = (
    "I attached {f}",
    "can you open {f}?",
    "{f} is 2.3 MB",
    "renamed it to {f}",
    "where did you save {f}",
    "{f} won't open on my phone",
    "sent {f} to the group",
    "please don't delete {f}",
    "check {f} before the meeting",
)
VERSIONS: tuple[str, ...] = (
    "upgrade to v2.3.1 first",
    "works on 1.2.3-rc.1",
    "needs python3.11 or newer",
    "kernel 6.8.0-45-generic",
    "iOS 17.4.1 broke it",
    "Android 14, build UP1A.231005.007",
    "Chrome 122.0.6261.94",
    "node 20.11.0 and npm 10.2.4",
    "version 1.2.3.4 of the firmware",
)
NUMBER_TEXT: tuple[str, ...] = (
    "pi is about 3.14",
    "total was 1,234.56",
    "due 12.05.2024",
    "see you at 10.30 am",
    "the U.S. office",
    "e.g. apples, pears",
    "i.e. tomorrow",
    "at 5 p.m. sharp",
    "Ph.D. defense",
    "No. 5 on the list",
    "approx. 3.5km away",
    "€12,50 each",
    "¥1,200 only",
    "it's 2/3 done",
    "meeting 14/03, room 4.12",
    "score 7.5/10",
    "Sec. 4.2.1 of the spec",
    "St. Mary's Rd.",
    "vol. 3, pp. 12-19",
    "temp 36.6°C",
    "1.5x speed",
    "run 5.0 km",
    "ver. 2.0 out now",
)
FANCY_TEXT: tuple[str, ...] = (
    "𝓖𝓸𝓸𝓭 𝓶𝓸𝓻𝓷𝓲𝓷𝓰 ☀️",
    "ᴛʜᴀɴᴋ ʏᴏᴜ ꜱᴏ ᴍᴜᴄʜ",
    "ⓗⓔⓛⓛⓞ ⓕⓡⓘⓔⓝⓓⓢ",
    "n̶o̶t̶ ̶t̶o̶d̶a̶y̶ tomorrow",
    "🇯🇵🇫🇷 trip was amazing",
    "👨‍👩‍👧‍👦 family dinner",
    "👍🏽👍🏿",
    "1️⃣ eggs 2️⃣ milk 3️⃣ bread",
    "ㅤ",
    "می‌خواهم بروم خانه",
    "‏שלום לכולם‏",
    "नमस्‍ते दोस्तों",
    "𝐁𝐈𝐆 𝐍𝐄𝐖𝐒 today",
    "𝕙𝕒𝕡𝕡𝕪 𝕗𝕣𝕚𝕕𝕒𝕪",
    "🅷🅴🅻🅻🅾",
    "u̲n̲d̲e̲r̲l̲i̲n̲e̲d̲ bit",
    "ｆｕｌｌ ｗｉｄｔｈ ｌｏｌ",
    "⠀⠀⠀⠀",
    "word\u200bjoiner",
    "soft\u00adhyphen\u00adated",
    "ᴀᴡᴇꜱᴏᴍᴇ",
    "🏳️‍🌈🏴‍☠️",
    "𝐥𝐨𝐠 𝐢𝐧/𝐨𝐮𝐭 please",
    "𝘽𝙪𝙮 𝙉𝙤𝙬/𝙋𝙖𝙮 𝙇𝙖𝙩𝙚𝙧",
    "ꜱɪɢɴ ɪɴ/ʀᴇɢɪꜱᴛᴇʀ",
    "ｈｅｌｌｏ，ｗｏｒｌｄ",
    "‮olleh‬ reversed",
    "ⓢⓔⓔ ⓨⓞⓤ/ⓑⓨⓔ",
    "t̶h̶a̶n̶k̶ ̶y̶o̶u̶/thanks",
)
LINKS: tuple[str, ...] = (
    "https://en.wikipedia.org/wiki/Unicode",
    "https://github.com/python/cpython/issues/{n}",
    "https://docs.python.org/3/library/json.html",
    "https://www.bbc.co.uk/news",
    "https://stackoverflow.com/questions/{n}",
    "https://www.openstreetmap.org/#map=12/51.5/-0.1",
    "https://developer.mozilla.org/en-US/docs/Web/API/URL",
    "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
    "https://news.ycombinator.com/item?id={n}",
    "https://www.example.org/events/{n}",
    "www.gov.uk/browse/driving",
    "https://www.nasa.gov/missions/",
    "example.com/menu.pdf",
    "https://www.google.com/url?q=https%3A%2F%2Fen.wikipedia.org%2Fwiki%2FTea&sa=D",
    "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.example.org%2Fparty&h=AT1",
    "[the docs](https://docs.python.org/3/)",
    "<https://www.example.net/faq>",
    "https://www.example.com/search?q=log+in%2Fout",
    "https://www.example.org/hello-world",
)
LINK_FRAMES: tuple[str, ...] = (
    "have a look {L}",
    "{L} is what I meant",
    "the slides: {L}",
    "more here {L} :)",
    "mira {L}",
    "siehe {L}",
    "вот тут {L}",
    "看这里 {L}",
    "ここ {L}",
    "여기 {L}",
)


def _fill(rng: random.Random, text: str) -> str:
    return (
        text.replace("{name}", rng.choice(NAMES))
        .replace("{place}", rng.choice(PLACES))
        .replace("{time}", rng.choice(TIMES))
        .replace("{n}", str(rng.randrange(2, 999)))
        .replace("{o}", str(rng.randrange(2, 255)))
        .replace("{J}", rng.choice(JAVA_IDS))
        .replace("{mail}", rng.choice(MAILS))
    )


def _chat(rng: random.Random, lang: str) -> str:
    pool = BENIGN_CHAT[lang]
    count = rng.choice((1, 1, 2, 2, 3))
    joiner = "" if lang in ("zh", "ja") else rng.choice((" ", ". ", "\n", " "))
    return joiner.join(_fill(rng, rng.choice(pool)) for _ in range(count))


def _word_pair(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(LINE_JOINS)
    phrase = rng.choice(WORD_PAIR_PHRASES[rng.choice(WORD_PAIR_HOSTS)])
    frames = UI_FRAMES if roll < 0.75 else PROSE_FRAMES
    return rng.choice(frames).replace("{P}", phrase)


def _code(rng: random.Random) -> str:
    lines = [_fill(rng, rng.choice(CODE_SNIPPETS)) for _ in range(rng.choice((1, 1, 2, 3)))]
    text = "\n".join(lines)
    return rng.choice(
        ("{C}", "```\n{C}\n```", "`{C}`", "look at this: {C}", "{C}\nwhy does it fail?")
    ).replace("{C}", text)


def _config(rng: random.Random) -> str:
    lines = [_fill(rng, rng.choice(CONFIG_SNIPPETS)) for _ in range(rng.choice((1, 2, 3)))]
    return rng.choice(("{C}", "set this in application.properties:\n{C}", "```\n{C}\n```")).replace(
        "{C}", "\n".join(lines)
    )


def _log(rng: random.Random) -> str:
    return "\n".join(_fill(rng, rng.choice(LOG_LINES)) for _ in range(rng.choice((1, 2, 3))))


def _email(rng: random.Random) -> str:
    return _fill(rng, rng.choice(EMAIL_BODIES))


def _filename(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(VERSIONS)
    return rng.choice(FILE_FRAMES).replace("{f}", rng.choice(FILE_NAMES))


def _numbers(rng: random.Random) -> str:
    return " ".join(rng.choice(NUMBER_TEXT) for _ in range(rng.choice((1, 2))))


def _fancy(rng: random.Random) -> str:
    return rng.choice(FANCY_TEXT)


def _links(rng: random.Random) -> str:
    return _fill(rng, rng.choice(LINK_FRAMES).replace("{L}", rng.choice(LINKS)))


PUNCTUATION_TEXT: tuple[str, ...] = (
    "• Log in • Sign up • Help",
    "col·legi i col·lega",
    "東京・大阪・京都",
    "Sign·In",
    "一、二、三",
    "Log in 🔸 Sign up 🔸 Help",
    "Menu: Home · Shop · Buy now · Contact",
    "hello。world!",
    "A・B・C",
    "vanilla • chocolate • mint",
    "Mon · Tue · Wed",
    "step 1 ▪ step 2 ▪ done",
    "Q1・Q2 results",
    "ok・thanks",
    "l·l catalana",
    "go • to • bed",
)
CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("please log in first", "then settings/profile"),
    ("where are you?", "at the station", "platform 3/4, near the café"),
    ("did you check in?", "yes, bags/passports ready"),
    ("call me", "or text/email, whatever"),
    ("the repo is github.com/python/cpython", "see Lib/json/decoder.py"),
    ("have fun", "photos/videos please!"),
    ("I have to go.", "To be honest I'm tired"),
    ("buy now", "pay later/never lol"),
    ("sign in with your work account", "then Tools/Options"),
    ("meet at 6", "ok", "door 2/B"),
    ("see https://en.wikipedia.org/wiki/Tea", "section History/Origins"),
    ("it is late", "tomorrow/Friday then"),
    ("go live at 9?", "yes, slides/notes are ready"),
    ("what's the wifi", "guest/guest123"),
)
CATEGORIES: tuple[tuple[str, str, int, Callable[[random.Random], str]], ...] = (
    ("word-pair", "word_pair", 900, _word_pair),
    ("code", "code", 700, _code),
    ("config", "config", 400, _config),
    ("log", "log", 500, _log),
    ("email", "email", 400, _email),
    ("filename", "filename_version", 400, _filename),
    ("numbers", "numbers_abbreviations", 300, _numbers),
    ("fancy", "fancy_text_no_link", 300, _fancy),
    ("links", "ordinary_links", 300, _links),
    ("punctuation", "dot_like_punctuation", 200, lambda rng: rng.choice(PUNCTUATION_TEXT)),
)
CONVERSATION_COUNT = 150
CHAT_PER_LANGUAGE = 130


def benign_messages(rng: random.Random) -> Iterator[dict[str, object]]:
    """Every benign row, in a fixed order."""
    for lang in BENIGN_CHAT:
        for number in range(1, CHAT_PER_LANGUAGE + 1):
            yield _row(f"chat-{lang}", "chat", number, _chat(rng, lang))
    for category, technique, count, make in CATEGORIES:
        for number in range(1, count + 1):
            yield _row(category, technique, number, make(rng))
    for number in range(1, CONVERSATION_COUNT + 1):
        conversation = f"benign-conversation-{number:04d}"
        for turn, text in enumerate(rng.choice(CONVERSATIONS), 1):
            row = _row("conversation", "multi_message", number, _fill(rng, text))
            row["id"] = f"{conversation}-t{turn}"
            yield {**row, "conversation": conversation, "turn": turn}


def _row(category: str, technique: str, number: int, text: str) -> dict[str, object]:
    return {
        "id": f"benign-{category}-{number:04d}",
        "kind": "benign",
        "technique": technique,
        "source": "written for this corpus",
        "text": text,
        "category": category,
    }
