"""Generate the benign code/config/log/word-pair corpus and its adversarial list.

Usage: ``python make_benign_code.py`` rewrites ``corpus.jsonl`` and ``list.txt`` next to it.

The messages are written here, from templates, in the conventions of public code, config and
logs: the names they use (imports, member chains, config keys, file names, module paths) are
in ``vocabulary.json``, gathered from public repositories (SOURCES.md); no file of those
repositories is copied. Hosts that are meant as hosts use reserved names (``*.example``,
``*.test``, ``*.invalid``) or the few public hosts in ``GENUINE``.

The list is adversarial: a host-level entry for every host-shaped token of the text (a dotted
token whose last label is a top-level domain: ``self.name``, ``setup.py``, ``x.to``), for
every pair or triple of words joined by one separator that a loose reading may take for a dot
(``log in/out`` -> ``log.in``, ``create_app`` -> ``create.app``), and a path entry for every
such token written with a path (``h5bp/tls`` after ``ssl.conf``). Genuine hosts are left out.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import make_word_pairs

HERE = Path(__file__).parent
VOCAB: dict[str, Any] = json.loads((HERE / "vocabulary.json").read_text("utf-8"))
SEED = 9

#: Public hosts the messages name as hosts on purpose (module paths, registries): not listed.
GENUINE = frozenset(
    [
        "github.com",
        "golang.org",
        "google.golang.org",
        "go.mongodb.org",
        "gopkg.in",
        "k8s.io",
        "docker.io",
        "gcr.io",
        "ghcr.io",
        "quay.io",
        "pypi.org",
        "npmjs.com",
        "registry.npmjs.org",
        "maven.apache.org",
        "repo.maven.apache.org",
        "go.uber.org",
        "cloud.google.com",
        "gitlab.com",
        "bitbucket.org",
        "kubernetes.io",
        "mcr.microsoft.com",
        "pear.nrk.io",
    ]
)
RESERVED = ("example", "test", "invalid", "localhost")

HOSTS = [
    "db.internal.example",
    "api.staging.example",
    "cache-01.prod.example",
    "mail.corp.example",
    "build.ci.test",
    "auth.svc.test",
    "queue-2.dc1.example",
    "node17.cluster.invalid",
    "smtp.mail.example",
    "grafana.ops.example",
    "registry.dev.example",
    "files.cdn.example",
]
WORDS = [
    "user",
    "order",
    "cart",
    "item",
    "invoice",
    "payment",
    "account",
    "session",
    "token",
    "profile",
    "message",
    "group",
    "chat",
    "event",
    "report",
    "job",
    "task",
    "worker",
    "client",
    "server",
    "request",
    "response",
    "config",
    "setting",
    "cache",
    "queue",
    "file",
    "image",
    "video",
    "upload",
    "download",
    "page",
    "post",
    "comment",
    "like",
    "share",
    "follow",
    "friend",
    "team",
    "project",
    "build",
    "release",
    "deploy",
    "test",
    "run",
    "name",
    "email",
    "phone",
    "address",
    "city",
    "country",
    "date",
    "time",
    "status",
]
FIRST = [
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
    "oscar",
    "peggy",
    "trent",
]


def _r(rng: random.Random, key: str) -> str:
    return rng.choice(VOCAB[key])


def _ts(rng: random.Random) -> str:
    return (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )


def _ip(rng: random.Random) -> str:
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _file(rng: random.Random) -> str:
    return _r(rng, "filename")


def _word(rng: random.Random) -> str:
    return rng.choice(WORDS)


# --- code -------------------------------------------------------------------------------


def code_jvm(rng: random.Random) -> str:
    name = _r(rng, "jvm_import")
    cls = name.rsplit(".", 1)[-1]
    chain = _r(rng, "chains")
    call = _r(rng, "calls")
    return rng.choice(
        [
            f"import {name};",
            f"import {name}",
            f"package {_r(rng, 'jvm_package')};\n\nimport {name};\nimport {_r(rng, 'jvm_import')};",
            f"import static {name}.*;",
            f"why does {name} not resolve after the upgrade?",
            f"val x = {chain}\n{call}(x)",
            f"    {call}()\n    assertThat({chain}).isEqualTo(expected)",
            f"{cls} is in {name.rpartition('.')[0]}, add the dependency",
            f"at "
            f"{name}.{rng.choice(['run', 'invoke', 'apply', 'call', 'get'])}({cls}"
            f".java:{rng.randint(12, 900)})",
            f"Caused by: {name}: {_word(rng)} failed\n\tat "
            f"{_r(rng, 'jvm_import')}.execute({cls}.kt:{rng.randint(10, 400)})",
            f"{chain} returns null here, {call}() works",
            f"adb shell am start -n {_r(rng, 'jvm_package')}/.MainActivity",
            f'<activity android:name="{_r(rng, "jvm_package")}.{cls}Activity" />',
            f'implementation("{name.rpartition(".")[0]}:{cls.lower()}:1.{rng.randint(0, 9)}.0")',
        ]
    )


def code_py(rng: random.Random) -> str:
    module, _, name = _r(rng, "py_from").partition("|")
    chain = _r(rng, "chains")
    call = _r(rng, "calls")
    attr = rng.choice(
        ["name", "email", "id", "data", "path", "url", "config", "app", "run", "info"]
    )
    return rng.choice(
        [
            f"from {module} import {name}",
            f"import {_r(rng, 'py_import')}\nfrom {module} import {name}",
            f"self.{attr} = {attr}",
            f"return self.{attr}",
            f"if self.{attr} is None:\n    raise ValueError('{attr} missing')",
            f"path = os.path.join(base, '{_file(rng)}')",
            "os.path.join(root, name)",
            "app.run(debug=True)",
            f"{call}({chain})",
            f"x = {chain}",
            f"print({chain})",
            f"user.email is empty for {rng.randint(2, 90)} rows",
            f"    assert rv.data == b'{_word(rng)}'",
            f"logger.info('%s done', {chain})",
            f"try {module}.{name}, it replaces {chain}",
            f"def {_word(rng)}_{_word(rng)}(self):\n    return self.{attr}.{rng.choice(WORDS)}",
            f"@app.route('/{_word(rng)}')\ndef {_word(rng)}():\n    return "
            f"render_template('{_word(rng)}.html')",
            f"config.{rng.choice(['update', 'from_object', 'get'])}(settings)",
            f'File "/srv/app/{_word(rng)}.py", line {rng.randint(3, 300)}, in {_word(rng)}\n   '
            f" {call}()",
        ]
    )


def code_js(rng: random.Random) -> str:
    chain = _r(rng, "chains")
    call = _r(rng, "calls")
    req = _r(rng, "js_require")
    return rng.choice(
        [
            f"const {re.sub(r'[^a-z]', '', req.split(':')[-1]) or 'x'} = require('{req}')",
            f"module.exports = {rng.choice(['router', 'app', 'config', 'handler'])};",
            f"module.exports.{_word(rng)} = {_word(rng)}",
            f"window.location.href = '/{_word(rng)}'",
            "window.location.reload()",
            f"document.getElementById('{_word(rng)}').value",
            f"console.log({chain})",
            f"{call}('/{_word(rng)}', handler)",
            "res.json({ ok: true })",
            f"is this node.js or the browser? {chain} is undefined",
            f"node.js {rng.randint(16, 22)} breaks {req}",
            f"export default {{ name: '{_word(rng)}' }}",
            f"import {{ {_word(rng)} }} from './{_word(rng)}.js'",
            f"if (err.message) {call}(err.message)",
            f"  {chain}\n    .then(r => r.json())",
            "process.env.NODE_ENV === 'production'",
        ]
    )


def code_go(rng: random.Random) -> str:
    imp = _r(rng, "go_import")
    chain = _r(rng, "chains")
    return rng.choice(
        [
            f'import "{imp}"',
            f'import (\n\t"fmt"\n\t"net/http"\n\n\t"{imp}"\n)',
            f"go get {imp}@latest",
            f"{chain}(w, r)",
            "\tassert.Equal(t, http.StatusOK, w.Code)",
            f'c.JSON(http.StatusOK, gin.H{{"{_word(rng)}": {_word(rng)}}})',
            f"module example.test/{_word(rng)}\n\ngo 1.22",
            f"fmt.Println({chain})",
        ]
    )


def code_rs(rng: random.Random) -> str:
    return rng.choice(
        [
            'fn main() {\n    println!("{}", self.name);\n}',
            f"use "
            f"std::{rng.choice(['io', 'fs', 'path', 'env'])}"
            f"::{rng.choice(['Read', 'Path', 'Write'])};",
            f"cargo run --bin {_word(rng)} -- {_file(rng)}",
            "see src/main.rs and src/lib.rs",
            f"self.{_word(rng)}.len()",
            f"{_r(rng, 'calls')}(&args)?;",
        ]
    )


def code_css_sql(rng: random.Random) -> str:
    return rng.choice(
        [
            f"{_r(rng, 'css_sel')} {{\n  {_r(rng, 'css_decl')};\n}}",
            f".btn.active, .btn.show {{ {_r(rng, 'css_decl')}; }}",
            f".{_word(rng)}-{_word(rng)} {{ {_r(rng, 'css_decl')}; }}",
            f"SELECT u.name, u.email FROM users u WHERE u.id = {rng.randint(1, 999)};",
            "SELECT o.id, o.total FROM orders o JOIN users u ON u.id = o.user_id",
            f"UPDATE accounts SET status = 'active' WHERE id = {rng.randint(1, 999)};",
            f"CREATE TABLE {_word(rng)}s (id SERIAL PRIMARY KEY, name TEXT)",
            f"select t.name from {_word(rng)} t",
        ]
    )


# --- config -----------------------------------------------------------------------------

PROPS = [
    "spring.datasource.url=jdbc:postgresql://db.internal.example:5432/app",
    "spring.datasource.username=app",
    "spring.jpa.hibernate.ddl-auto=update",
    "spring.jpa.show-sql=true",
    "spring.application.name=orders",
    "spring.mail.host=smtp.mail.example",
    "mail.smtp.host=smtp.mail.example",
    "mail.smtp.port=587",
    "mail.smtp.auth=true",
    "server.port=8080",
    "server.servlet.context-path=/api",
    "logging.level.root=INFO",
    "management.endpoints.web.exposure.include=health,info",
    "app.name=orders",
    "app.version=1.4.2",
    "app.locale=en",
    "org.gradle.jvmargs=-Xmx2g",
    "org.gradle.parallel=true",
    "android.useAndroidX=true",
    "kotlin.code.style=official",
]
ENV = [
    "DATABASE_URL=postgres://app:secret@db.internal.example:5432/app",
    "MAIL_HOST=smtp.mail.example",
    "APP_NAME=orders",
    "APP_ENV=development",
    "NODE_ENV=production",
    "REDIS_HOST=cache-01.prod.example",
    "SECRET_KEY=change-me",
    "PORT=3000",
]
TOML = [
    "[tool.black]\nline-length = 100",
    '[tool.pytest.ini_options]\naddopts = "-q"',
    '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"',
    '[dependencies]\nserde = { version = "1", features = ["derive"] }',
    '[server]\nhost = "0.0.0.0"\nport = 8080',
    '[database]\nurl = "postgres://db.internal.example/app"',
]
INI = [
    "[flake8]\nmax-line-length = 100\nexclude = .git,__pycache__,build",
    "[mysqld]\nbind-address = 127.0.0.1",
    "[core]\n\teditor = vim\n\tautocrlf = input",
    "[user]\n\tname = Alice\n\temail = alice@mail.example",
    "root = true\n\n[*]\nindent_style = space\nindent_size = 2",
]


def config(rng: random.Random) -> str:
    key = _r(rng, "prop_key")
    return rng.choice(
        [
            rng.choice(PROPS),
            "\n".join(rng.sample(PROPS, 3)),
            f"{key}={rng.choice(['true', 'false', str(rng.randint(1, 99)), _word(rng)])}",
            f"set {rng.choice(PROPS).split('=')[0]} to {rng.randint(1, 20)} in "
            f"application.properties",
            rng.choice(ENV),
            "\n".join(rng.sample(ENV, 3)),
            rng.choice(TOML),
            rng.choice(INI),
            _r(rng, "yaml_line"),
            "\n".join(_r(rng, "yaml_line") for _ in range(3)),
            f"spring:\n  datasource:\n    url: jdbc:mysql://db.internal.example:3306/app\n    "
            f"username: {rng.choice(FIRST)}",
            f"app.name: {_word(rng)}\napp.version: 2.{rng.randint(0, 9)}",
            "is app.name read from the env or application.yml?",
        ]
    )


def infra(rng: random.Random) -> str:
    host = rng.choice(HOSTS)
    return rng.choice(
        [
            f"    {_r(rng, 'nginx')};",
            f"server {{\n    listen 80;\n    server_name {host};\n    {_r(rng, 'nginx')};\n}}",
            f"location /{_word(rng)}/ {{\n    proxy_pass http://{host}:8080;\n}}",
            "include conf.d/*.conf;\ninclude mime.types;",
            "error_log /var/log/nginx/error.log warn;",
            f"<VirtualHost *:80>\n  ServerName {host}\n  DocumentRoot "
            f"/var/www/html\n</VirtualHost>",
            "RewriteRule ^index\\.html$ - [L]",
            _r(rng, "docker"),
            "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt",
            f'COPY {_file(rng)} /app/\nCMD ["python", "app.py"]',
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {_word(rng)}",
            f"        image: registry.dev.example/{_word(rng)}:1.{rng.randint(0, 9)}",
            f"kubectl -n {_word(rng)} get pods -l app.kubernetes.io/name={_word(rng)}",
            f"    app.kubernetes.io/name: {_word(rng)}\n    app.kubernetes.io/part-of: "
            f"{_word(rng)}",
        ]
    )


# --- shell and file names -----------------------------------------------------------------


def shell(rng: random.Random) -> str:
    f1, f2 = _file(rng), _file(rng)
    return rng.choice(
        [
            "python setup.py install",
            f"./run.sh --{_word(rng)}",
            "bash run.sh && cat README.md",
            f"cp {f1} {f2}",
            f"mv {f1} backup/{f1}",
            f"git add {f1} {f2}",
            f"git diff HEAD~1 -- {f1}",
            "unzip archive.zip -d out/",
            "tar -czf logs.tar.gz logs/",
            "ffmpeg -i clip.mov -vcodec h264 clip.mp4",
            f"chmod +x {f1}",
            f"open {f1} and look at line {rng.randint(1, 300)}",
            f"I pushed {f1}, can you review it?",
            f"{f1} and {f2} are out of date",
            f"rename {f1} to {f2}",
            f"the build fails in {f1}",
            f"attached: "
            f"{rng.choice(['report', 'slides', 'notes', 'photo', 'clip'])}"
            f".{rng.choice(['zip', 'mov', 'pdf', 'png', 'docx', 'xlsx', 'mp4'])}",
            "edit main.rs then run cargo build",
            f"see {f1}\n{f2}\n{_file(rng)}",
        ]
    )


# --- logs, traces, e-mail -------------------------------------------------------------------


def log(rng: random.Random) -> str:
    ts = _ts(rng)
    host = rng.choice(HOSTS)
    chain = _r(rng, "chains")
    cls = _r(rng, "jvm_import")
    level = rng.choice(["INFO", "WARN", "ERROR", "DEBUG"])
    return rng.choice(
        [
            f"{ts},{rng.randint(100, 999)} {level} "
            f"[{rng.choice(['main', 'worker-1', 'AsyncDispatcher'])}] {cls}: {_word(rng)} "
            f"{rng.choice(['started', 'stopped', 'failed'])}",
            f"{ts} {level} {chain} = {rng.randint(0, 9)}",
            f"{rng.choice(['Jun', 'Dec', 'Mar'])} {rng.randint(1, 28)} "
            f"0{rng.randint(1, 9)}:1{rng.randint(0, 9)}:0{rng.randint(0, 9)} "
            f"{rng.choice(['combo', 'LabSZ', 'web01'])} sshd[{rng.randint(1000, 30000)}]: "
            f"Accepted password for {rng.choice(FIRST)} from {_ip(rng)} port "
            f"{rng.randint(1024, 65000)} ssh2",
            f"{_ip(rng)} - - [02/Dec/2026:07:{rng.randint(10, 59)}:0{rng.randint(0, 9)} +0000] "
            f'"GET /{_word(rng)}/{rng.randint(1, 99)} HTTP/1.1" 200 {rng.randint(100, 9000)}',
            f"[{rng.randint(10, 12)}.{rng.randint(10, 30)} "
            f"1{rng.randint(0, 9)}:2{rng.randint(0, 9)}:3{rng.randint(0, 9)}] chrome.exe - "
            f"{host}:443 close, {rng.randint(0, 9000)} bytes sent",
            f"{rng.choice('VDIWE')}"
            f"/{rng.choice(['ActivityManager', 'PowerManagerService', 'WindowManager'])}"
            f"({rng.randint(100, 3000)}): {_word(rng)}.{_word(rng)} acquired",
            f'Traceback (most recent call last):\n  File "/srv/app/{_word(rng)}.py", line '
            f"{rng.randint(1, 400)}, in <module>\n    {chain}\nAttributeError: 'NoneType' "
            f"object has no attribute '{_word(rng)}'",
            f'Exception in thread "main" {cls}Exception\n\tat '
            f"{cls}.run({cls.rsplit('.', 1)[-1]}.java:{rng.randint(10, 500)})",
            f"level=info ts={ts.replace(' ', 'T')}Z "
            f'caller={_word(rng)}.go:{rng.randint(10, 300)} msg="{_word(rng)} ready"',
            f'{{"level":"{level.lower()}","logger":"{chain}","msg":"{_word(rng)} done"}}',
            f"{ts} [{level}] connecting to {host}:5432 as {rng.choice(FIRST)}",
            f"{ts} {level} {_word(rng)}.{_word(rng)} took {rng.randint(2, 900)}ms",
            "npm ERR! code ENOENT\nnpm ERR! path /app/package.json",
            f"PASSED tests/test_{_word(rng)}.py::test_{_word(rng)}_{_word(rng)}",
            f"{rng.choice(['Step_LSC', 'HiH_Listener', 'Step_SPUtils'])}"
            f"|{rng.randint(10000000, 39999999)}|{_word(rng)} {rng.randint(1, 9999)}",
        ]
    )


def email(rng: random.Random) -> str:
    a, b = rng.choice(FIRST), rng.choice(FIRST)
    return rng.choice(
        [
            f"From: {a.title()} <{a}@mail.example>\nTo: {b}@corp.example\nSubject: "
            f"{_word(rng)} {_word(rng)}",
            f"Received: from smtp.mail.example (smtp.mail.example [{_ip(rng)}])\n\tby "
            f"mx.corp.example with ESMTPS id {rng.randint(10**6, 10**7)}",
            'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: '
            "quoted-printable",
            f"Message-ID: <{rng.randint(10**8, 10**9)}.{rng.randint(1000, 9999)}@mail.example>",
            "DKIM-Signature: v=1; a=rsa-sha256; d=mail.example; s=s1;\n\th=from:to:subject:date;",
            f"Reply-To: {a}@mail.example\nX-Mailer: "
            f"{rng.choice(['Outlook 16.0', 'Apple Mail (2.3731)', 'Thunderbird 115'])}",
            f"On Mon, 1 Dec 2026 at 10:0{rng.randint(0, 9)}, {a.title()} <{a}@mail.example> "
            f"wrote:\n> see the {_word(rng)} notes\n> thanks",
            f"{_r(rng, 'email_hdr')}: {_word(rng)}",
        ]
    )


# --- word-pair prose ------------------------------------------------------------------------

PAIRS = [
    "log in/out",
    "Log In/Log Out",
    "sign in/up",
    "Sign In/Register",
    "sign up/in",
    "Buy Now/Pay Later",
    "buy now/pay later",
    "yes/no",
    "and/or",
    "on/off",
    "read/write",
    "input/output",
    "client/server",
    "true/false",
    "day/night",
    "pros/cons",
    "his/her",
    "he/she",
    "s/he",
    "w/o",
    "either/or",
    "open/close",
    "start/stop",
    "import/export",
    "upload/download",
    "before/after",
    "check in/out",
    "opt in/out",
    "zoom in/out",
    "plug in/out",
    "drop in/off",
    "pick up/drop off",
    "move in/out",
    "set up/tear down",
    "go to/from",
    "come in/out",
    "back up/restore",
    "turn on/off",
    "top up/cash out",
    "log in/sign-up",
    "opt in/opt-out",
    "sign in/sign-up",
    "buy now/pay-later",
    "move in/move-out",
    "log in/e-mail",
    "check in/check-out",
    "help me/us",
    "talk to/with",
    "give it/them",
    "tell me/him",
    "call me/text me",
    "to me/you",
    "shop now/sign in",
    "Log In/Sign Up/Forgot Password",
    "log in/out(s)",
    "log in / out",
    "zoom in/out x2",
    "log in slash sign up",
    "log in slash out",
    "Log In|Sign Up",
    "Log In · Sign Up",
    "log in・out",
    "log in，out",
    "Sign In/Registrieren",
    "Log in/登录",
    "log in/выйти",
]
PROSE = [
    "you can {p} from the menu",
    "where is the {p} button?",
    "the {p} flow is broken again",
    "{p} works on the web but not in the app",
    "please add {p} to the settings page",
    "I can't {p} since yesterday",
    "{p} 🙂",
    "is it {p} or something else?",
    "{p}\nthanks",
    "({p})",
    "“{p}”",
    "「{p}」",
    "tap {p}!!",
    "{p}? no idea",
    "{p}… still nothing",
    "menu > {p} > done",
    "#{p}",
    "{p}, then restart",
    '"{p}" — that\'s what the banner says',
    "the {p} option is greyed out",
]
SENTENCES = [
    "I have to go.\nTo be honest I'm tired",
    "hello，world",
    "ok. me too",
    "log in slash sign up, whichever",
    "go to settings, then log in",
    "sign in. Then go to settings",
    "see you at 5.To be fair it's late",
    "I'll be there at 7 pm.Is that ok?",
    "the app is slow today.Any idea why?",
    "meet me at the cafe.It's near the station",
    "we can talk later.In the meantime read the doc",
    "this is fine.So is that",
    "log in, go to profile, tap save",
    "thanks!See you tomorrow",
    "I'm in.Are you?",
    "it's me.Open the door",
    "yes/no/maybe",
    "who/what/where",
    "Mon/Tue/Wed",
    "1/2 cup sugar, 3/4 cup milk",
    "24/7 support",
    "dos.and.donts",
]


def word_pair(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(SENTENCES)
    return rng.choice(PROSE).format(p=rng.choice(PAIRS))


CATEGORIES: list[tuple[str, Callable[[random.Random], str], int]] = [
    ("code-jvm", code_jvm, 450),
    ("code-py", code_py, 500),
    ("code-js", code_js, 350),
    ("code-go", code_go, 200),
    ("code-rs", code_rs, 150),
    ("code-css-sql", code_css_sql, 200),
    ("config", config, 500),
    ("infra", infra, 350),
    ("shell-files", shell, 450),
    ("log", log, 550),
    ("email", email, 250),
    ("word-pair", word_pair, 800),
]


def generate() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    rows = []
    seen: set[str] = set()
    for category, make, count in CATEGORIES + make_word_pairs.CATEGORIES:
        if category == make_word_pairs.CATEGORIES[0][0]:
            rng = random.Random(make_word_pairs.SEED)  # the twelfth round's rows: their own seed
        n = 0
        tries = 0
        while n < count and tries < count * 40:
            tries += 1
            text = make(rng)
            if text in seen:
                continue
            seen.add(text)
            n += 1
            rows.append({"id": f"{category}-{n:04d}", "category": category, "text": text})
    return rows


# --- the adversarial list -------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+(?:/[A-Za-z0-9_.-]+)?")
#: Characters a loose reading may take for a dot between two words.
_JOINT = re.compile(r"[A-Za-z0-9-]+|[ _,*#~+=&!?^|，。・·、]|.", re.S)


def _tlds() -> frozenset[str]:
    from linkscreen.psl import top_level_domains

    return frozenset(top_level_domains())


#: A label of a host-shaped token; of a loose pair of word-pair prose, any script's letters.
_LABEL = r"[a-z0-9][a-z0-9-]*"
_ANY_LABEL = r"[^\W_](?:[^\W_-]|-(?=[^\W_]))*"


def _hostlike(host: str, tlds: frozenset[str], label: str = _LABEL) -> bool:
    labels = host.split(".")
    return (
        len(labels) >= 2
        and all(re.fullmatch(label, part) for part in labels)
        and labels[-1] in tlds
        and labels[-1] not in RESERVED
        and not re.fullmatch(r"[0-9.]+", host)
    )


def _genuine(host: str) -> bool:
    """A genuine host, a subdomain of one, or a parent of one (``mongodb.org``)."""
    if host.rsplit(".", 1)[-1] in RESERVED:
        return True
    return any(host == g or host.endswith("." + g) or g.endswith("." + host) for g in GENUINE)


def entries(texts: list[str], prose: Sequence[str] = ()) -> list[str]:
    """The list for ``texts``; ``prose`` (word-pair messages) also gets every loose pair."""
    tlds = _tlds()
    hosts: set[str] = set()
    paths: set[str] = set()
    for text in prose:
        hosts |= make_word_pairs.loose_pairs(
            text, lambda h: _hostlike(h, tlds, _ANY_LABEL) and not _genuine(h)
        )
    for text in texts:
        for match in _TOKEN.finditer(text):
            token = match.group(0).lower()
            host, _, path = token.partition("/")
            host = host.strip("-_.")
            # the dotted token, and every dotted tail of it (a subdomain hit needs its parent)
            labels = host.split(".")
            for i in range(len(labels) - 1):
                tail = ".".join(labels[i:])
                if _hostlike(tail, tlds) and not _genuine(tail):
                    hosts.add(tail)
                    if path and i == 0:
                        paths.add(f"{tail}/{path.split('/')[0]}/")
            # snake_case and kebab-free pieces: "create_app" -> "create.app"
            pieces = [p for p in re.split(r"[_.]", host) if p]
            for i in range(len(pieces) - 1):
                for j in (i + 2, i + 3):
                    cand = ".".join(pieces[i:j])
                    if j <= len(pieces) and _hostlike(cand, tlds) and not _genuine(cand):
                        hosts.add(cand)
        # words joined by one separator: "log in/out" -> "log.in", "hello，world"
        words = [m.group(0) for m in _JOINT.finditer(text)]
        for i, word in enumerate(words):
            if not re.fullmatch(r"[A-Za-z0-9-]+", word):
                continue
            chain = [word.lower()]
            k = i + 1
            while k + 1 < len(words) and len(chain) < 3:
                sep, nxt = words[k], words[k + 1]
                if not re.fullmatch(r"[ _,*#~+=&!?^|，。・·、\n.]", sep):
                    break
                if not re.fullmatch(r"[A-Za-z0-9-]+", nxt):
                    break
                chain.append(nxt.lower())
                cand = ".".join(chain)
                if _hostlike(cand, tlds) and not _genuine(cand):
                    hosts.add(cand)
                    after = "".join(words[k + 2 : k + 4])
                    seg = re.match(r"\s?/\s?([A-Za-z0-9-]+)", after)
                    if seg:
                        paths.add(f"{cand}/{seg.group(1).lower()}/")
                k += 2
    return [f"http://{h}/" for h in sorted(hosts)] + [f"http://{p}" for p in sorted(paths)]


def render(rows: list[dict[str, str]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows)


def build() -> tuple[str, str]:
    rows = generate()
    listing = "# adversarial list for corpus.jsonl (make_benign_code.py): never edit by hand\n"
    prose = [row["text"] for row in rows if row["category"].startswith(("word-pair", "wp-"))]
    listing += "\n".join(entries([row["text"] for row in rows], prose)) + "\n"
    return render(rows), listing


def main() -> None:
    corpus, listing = build()
    (HERE / "corpus.jsonl").write_text(corpus, encoding="utf-8")
    (HERE / "list.txt").write_text(listing, encoding="utf-8")


def iter_rows() -> Iterator[dict[str, str]]:
    for line in (HERE / "corpus.jsonl").read_text("utf-8").splitlines():
        yield json.loads(line)


if __name__ == "__main__":
    main()
