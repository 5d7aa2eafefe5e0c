"""The chat notifications bedrock-alerts renders (issue 18): one Amazon Q Developer in chat
applications custom notification per alert, the SNS Message of the chat topic.

The CLI renders them as the functions do: `bedrock-alerts scan <input> --format chat` prints
one notification per line, `--format alert` the alert/v1 payloads they stand for, in the same
order. Over every sample in events/, the hostile-input corpus and a generated very large
input, each notification must validate against tests/schema/chat-notification.schema.json
(AWS's documented format plus our own stricter part), fit SNS's documented message size,
carry no prompt or response text (the fixtures plant CANARY strings in them), thread by the
alert's incident or group id and name the alert's severity and status in its title. PLANTED
mistakes prove the schema rejects what it must, for the reason named.

The CLI is target/debug/bedrock-alerts (cargo build / cargo test builds it), or
BEDROCK_ALERTS_CLI.
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

import pytest
from jsonschema import Draft202012Validator, ValidationError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import samples  # noqa: E402  (the sample generators' record builders)

from test_alert_schema import set_at, violations as alert_violations

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("BEDROCK_ALERTS_CLI", ROOT / "target" / "debug" / "bedrock-alerts"))
SCHEMA_PATH = Path(__file__).resolve().parent / "chat-notification.schema.json"
DOCS_URL = "https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html"
EVENTS = ROOT / "events"
BAD_INPUTS = ROOT / "tests" / "fixtures" / "bad-inputs"

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

# SNS Publish: "at most 256 KB in size (262,144 bytes, not 262,144 characters)".
SNS_MESSAGE_MAX_BYTES = 262_144
# scripts/samples.py plants CANARY-PROMPT-7f3a and CANARY-OUTPUT-9c2e in prompts and outputs.
CANARY = "CANARY"
MAX_DECODED = 64 << 20  # the hostile corpus holds a gzip bomb
SEVERITIES = ("ERROR", "WARN")


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------
def all_errors(instance: Any) -> Iterator[ValidationError]:
    """Every validation error, with those inside allOf branches."""
    pending = list(VALIDATOR.iter_errors(instance))
    while pending:
        error = pending.pop()
        yield error
        pending.extend(error.context)


def violations(notification: Any) -> list[str]:
    return sorted(f"{e.json_path}: {e.message[:300]}" for e in VALIDATOR.iter_errors(notification))


class Scan(NamedTuple):
    lines: list[str]  # stdout, one JSON document per line
    stderr: str
    returncode: int


@functools.lru_cache(maxsize=None)
def scan(inputs: tuple[str, ...], fmt: str) -> Scan:
    """`bedrock-alerts scan INPUTS --format FMT` (cached: each test reads it again)."""
    if not CLI.is_file():
        pytest.fail(f"{CLI} is missing: build it first (cargo build -p bedrock-alerts-cli; "
                    "scripts/test.sh runs cargo test before these tests), or set BEDROCK_ALERTS_CLI")
    args = [str(CLI), "scan", "--format", fmt, "--no-progress", "--max-decoded-bytes", str(MAX_DECODED), *inputs]
    result = subprocess.run(args, capture_output=True, timeout=600)
    stdout = result.stdout.decode("utf-8")  # not UTF-8 would fail here, as it should
    assert result.returncode in (0, 1), f"{' '.join(args)}: exit {result.returncode}\n{result.stderr.decode()}"
    return Scan([line for line in stdout.split("\n") if line], result.stderr.decode("utf-8", "replace"),
                result.returncode)


def pairs(inputs: tuple[str, ...]) -> list[tuple[dict, str]]:
    """(alert/v1 payload, the chat line that renders it), in the CLI's order."""
    alerts = scan(inputs, "alert")
    chats = scan(inputs, "chat")
    assert chats.returncode == alerts.returncode
    assert len(chats.lines) == len(alerts.lines), (
        f"{inputs}: {len(alerts.lines)} alerts but {len(chats.lines)} chat notifications (one per alert)")
    return [(json.loads(alert), chat) for alert, chat in zip(alerts.lines, chats.lines)]


# What a reader sees of a text: no white space, control, zero-width or bidirectional-override
# characters, backticks as quotes (the renderer puts log text in code spans, which cannot hold
# backticks), and <, > and the @ of @here/@channel/@everyone as the look-alikes the renderer
# uses so that no mention or link syntax reaches the channel.
BIDI = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HIDDEN = re.compile(f"[\\s\\x00-\\x1f\\x7f-\\x9f{BIDI}]")
LOOK_ALIKES = str.maketrans({"`": "'", "<": "\u2039", ">": "\u203a"})
AT_BROADCAST = re.compile("@(?=here|channel|everyone)", re.IGNORECASE)


def shown(text: str) -> str:
    return AT_BROADCAST.sub("\uff20", HIDDEN.sub("", text).translate(LOOK_ALIKES))


def names(shown_text: str, original: str) -> bool:
    """shown_text stands for original: the same visible characters, or a cut of them (…)."""
    visible = shown(shown_text).removesuffix("…")
    return bool(visible) and shown(original).startswith(visible)


def check_notification(alert: dict, line: str, where: str) -> dict:
    """Everything one chat line must be, given the alert it renders; returns it parsed."""
    assert CANARY not in line, f"{where}: prompt or response text in a chat notification"
    size = len(line.encode("utf-8"))
    assert size <= SNS_MESSAGE_MAX_BYTES, f"{where}: {size} bytes, over SNS's {SNS_MESSAGE_MAX_BYTES}"
    notification = json.loads(line)
    assert violations(notification) == [], f"{where} (alert {alert.get('status')})"
    content, metadata = notification["content"], notification["metadata"]
    context = metadata["additionalContext"]
    assert notification["id"] == alert["id"], where
    assert metadata["threadId"] == alert.get("incident_id", alert["group_id"]), f"{where}: threadId"
    keywords = content["keywords"]
    assert keywords[:2] == [alert["severity"], alert["source"]], f"{where}: keywords {keywords}"
    assert names(keywords[2], alert["status"]), f"{where}: keywords {keywords} for status {alert['status']!r}"
    title = content["title"]
    assert alert["severity"] in title, f"{where}: the title {title!r} does not name the severity"
    assert shown(alert["status"])[:40] in shown(title), (
        f"{where}: the title {title!r} does not name the status {alert['status']!r}")
    assert (context["alert_id"], context["group_id"]) == (alert["id"], alert["group_id"]), where
    assert (context["severity"], context["source"]) == (alert["severity"], alert["source"]), where
    assert names(context["status"], alert["status"]), f"{where}: context status {context['status']!r}"
    assert context["count"] == str(alert["count"]), where
    related = metadata["relatedResources"]
    named = [alert.get("job_arn"), (alert.get("alarm") or {}).get("arn")]
    for arn in filter(None, named):
        assert arn in related, f"{where}: relatedResources {related} leaves out {arn}"
    return notification


def unnamed_resources(alert: dict, notification: dict) -> list[str]:
    """The knowledge base and model the alert names that relatedResources leaves out (the
    contract: "ARNs / ids named by the alert")."""
    related = notification["metadata"]["relatedResources"]
    return [identity for identity in filter(None, [alert.get("knowledge_base_id"), alert.get("model_id")])
            if not any(identity in resource for resource in related)]


def event_files() -> list[Path]:
    return sorted(p for p in EVENTS.rglob("*")
                  if p.is_file() and p.name != "README.md" and not p.name.startswith("."))


EVENT_FILES = [str(p.relative_to(ROOT)) for p in event_files()]


# ------------------------------------------------------------------------------------------
# The schema
# ------------------------------------------------------------------------------------------
def test_the_schema_is_valid_and_cites_the_documentation():
    Draft202012Validator.check_schema(SCHEMA)
    assert DOCS_URL in SCHEMA["description"]
    assert SCHEMA["properties"]["version"]["const"] == "1.0"
    assert SCHEMA["properties"]["source"]["const"] == "custom"
    assert SCHEMA["properties"]["content"]["properties"]["textType"]["enum"] == ["client-markdown"]
    ours = SCHEMA["allOf"]
    assert len(ours) == 1 and "ours" in ours[0]["description"], "our own part is one allOf entry"


def test_the_readmes_example_is_a_valid_notification():
    """The README's rendered example ("Chat channels and EventBridge") validates."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Chat channels and EventBridge", 1)[1].split("\n## ", 1)[0]
    example = json.loads(re.findall(r"```json\n(.*?)```", section, re.S)[0])
    assert violations(example) == []


# ------------------------------------------------------------------------------------------
# What the CLI renders
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sample", EVENT_FILES)
def test_every_sample_renders_one_valid_notification_per_alert(sample: str):
    for number, (alert, line) in enumerate(pairs((str(ROOT / sample),)), start=1):
        assert alert_violations(alert) == [], f"{sample}: --format alert line {number} is not alert/v1"
        check_notification(alert, line, f"{sample}, chat line {number}")


def test_the_samples_give_alerts_of_every_source_the_cli_reads():
    """The parametrized test above is not vacuous: the samples give alerts, of each source."""
    alerting = {sample: [alert for alert, _ in pairs((str(ROOT / sample),))] for sample in EVENT_FILES}
    alerting = {sample: alerts for sample, alerts in alerting.items() if alerts}
    assert {"events/objects/kb-application-logs.ndjson", "events/cwlogs-kb-failures.json",
            "events/objects/invocation-batch.json.gz", "events/eventbridge-bedrock-job-events.json",
            "events/objects/bad-lines.ndjson"} <= set(alerting), sorted(alerting)
    sources = {alert["source"] for alerts in alerting.values() for alert in alerts}
    assert sources >= {"model_invocation", "knowledge_base", "processor", "bedrock_job"}, sources
    severities = {alert["severity"] for alerts in alerting.values() for alert in alerts}
    assert severities == set(SEVERITIES)


def test_related_resources_name_the_knowledge_base_and_the_model():
    missing = []
    for sample in EVENT_FILES:
        for number, (alert, line) in enumerate(pairs((str(ROOT / sample),)), start=1):
            left_out = unnamed_resources(alert, json.loads(line))
            if left_out:
                missing.append(f"{sample} line {number}: {left_out}")
    assert missing == [], "relatedResources leaves out what the alert names:\n" + "\n".join(missing)


def test_all_samples_at_once():
    """The whole events/ directory in one scan (groups then span files)."""
    found = pairs((str(EVENTS),))
    assert len(found) >= 10
    threads = [check_notification(alert, line, f"events/, chat line {n}")["metadata"]["threadId"]
               for n, (alert, line) in enumerate(found, start=1)]
    assert len(set(threads)) == len(threads), "one thread per group"
    assert CANARY not in scan((str(EVENTS),), "chat").stderr


def test_the_hostile_inputs_render_valid_notifications_without_prompts():
    """tests/fixtures/bad-inputs: broken and hostile inputs with CANARY strings in their bodies."""
    planted = [p for p in BAD_INPUTS.rglob("*") if p.is_file() and b"CANARY" in p.read_bytes()]
    assert len(planted) >= 10, "the corpus plants canaries (else this test proves nothing)"
    found = pairs((str(BAD_INPUTS),))
    assert found, "the corpus gives alerts"
    for number, (alert, line) in enumerate(found, start=1):
        check_notification(alert, line, f"bad-inputs, chat line {number}")
    chat = scan((str(BAD_INPUTS),), "chat")
    assert CANARY not in "\n".join(chat.lines) and CANARY not in chat.stderr


@pytest.mark.parametrize("fixture", sorted(
    str(p.relative_to(ROOT)) for p in BAD_INPUTS.rglob("*")
    if p.is_file() and b"CANARY" in p.read_bytes()))
def test_each_canary_fixture_alone_leaks_nothing(fixture: str):
    for number, (alert, line) in enumerate(pairs((str(ROOT / fixture),)), start=1):
        check_notification(alert, line, f"{fixture}, chat line {number}")


# ------------------------------------------------------------------------------------------
# A very large input: long reasons, long names, many groups
# ------------------------------------------------------------------------------------------
LONG_REASON = ("Le document dépasse la limite d'entrée du modèle d'embedding 🚫 — *bold* _it_ ~s~ "
               "`code` <https://x.example|link> & <tag> | ")


def kb_failure(kb: int, document: int) -> dict:
    """A classic KB document failure with a long, distinct reason and a long document URI."""
    return samples.kb_event(1763647200000 + document, "StartIngestionJob.ResourceStatusChanged", {
        "ingestion_job_id": "JOB0000001",
        "data_source_id": "DS00000001",
        "knowledge_base_arn": f"arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB{kb:08d}",
        "document_location": {"type": "S3", "s3_location": {
            "uri": f"s3://docs/{kb}/" + "très-long-dossier/" * 100 + f"{document}.pdf"}},
        "status": "EMBEDDING_FAILED",
        "status_reasons": [f"{document}: " + LONG_REASON * 20, "second reason " * 50],
    }, "ERROR")


APP = "arn:aws:iam::111122223333:role/app"


def invocation_failure(request: int, model: str, code: str) -> dict:
    """A failed Converse call whose prompt and answer are canaries."""
    prompt = samples.json_input({"messages": [samples.message("user", "CANARY-PROMPT-7f3a " * 50)]}, 10)
    answer = samples.json_output({"text": "CANARY-OUTPUT-9c2e"}, 0)
    return samples.invocation_record("2026-11-20T14:05:00Z", f"req-{request}", "Converse", model, APP,
                                     prompt, answer, errorCode=code)


@pytest.fixture(scope="module")
def large_input(tmp_path_factory) -> Path:
    """~5 MB gzip NDJSON: 60 knowledge bases x 25 failed documents (more groups than
    MAX_ALERTS_PER_INVOCATION, so the summary alert too), and 2,000 failed invocations on a
    model with a very long id and an error code far over 128 bytes."""
    long_model = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/" + "m" * 400
    long_code = "VeryLongException" + "X" * 600
    records = [kb_failure(kb, doc) for kb in range(60) for doc in range(25)]
    records += [invocation_failure(i, long_model, long_code) for i in range(2000)]
    path = tmp_path_factory.mktemp("large") / "large.ndjson.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode(),
                                   mtime=0))
    return path


def test_a_very_large_input_stays_within_the_limits(large_input: Path):
    found = pairs((str(large_input),))
    statuses = {alert["status"] for alert, _ in found}
    assert "ALERT_LIMIT_REACHED" in statuses, f"expected the summary alert too: {sorted(statuses)}"
    sizes = []
    for number, (alert, line) in enumerate(found, start=1):
        check_notification(alert, line, f"large input, chat line {number}")
        sizes.append(len(line.encode("utf-8")))
    assert max(sizes) <= SNS_MESSAGE_MAX_BYTES


# Slack broadcast mentions: log text must not be able to notify a whole channel.
BROADCAST = re.compile(r"<!(channel|here|everyone)\b|(?<![\w`])@(channel|here|everyone)\b")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_log_text_cannot_mention_the_whole_channel(tmp_path: Path):
    """Reasons, statuses, error codes and job ids are log text; copied as they are into
    client-markdown they could ping the channel (Amazon Q Developer renders in the platform's
    markdown, where <!channel> and @here notify everyone). Outside code spans, in what the
    channel shows, none may remain."""
    reason = kb_failure(1, 1)
    reason["event"]["status_reasons"] = ["<!channel> @here the index is gone, <!everyone> @channel"]
    reason["event"]["document_location"]["s3_location"]["uri"] = "s3://docs/<!here>@everyone.pdf"
    status = kb_failure(2, 1)
    status["event"]["status"] = "<!here>_FAILED"  # judged by its suffix: a failure
    code = invocation_failure(1, "amazon.nova-pro-v1:0", "<!channel> @here")
    job = kb_failure(3, 1)
    job["event"]["ingestion_job_id"] = "<!channel>"
    path = tmp_path / "mentions.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in [reason, status, code, job]), encoding="utf-8")
    found = pairs((str(path),))
    assert len(found) == 4
    reached = []
    for number, (alert, line) in enumerate(found, start=1):
        notification = check_notification(alert, line, f"mentions, line {number}")
        shown_fields = {**notification["content"], "summary": notification["metadata"]["summary"]}
        for field in ["title", "description", "nextSteps", "summary"]:
            for text in strings(shown_fields[field]):
                if BROADCAST.search(CODE.sub("", text)):
                    reached.append(f"line {number} {field}: {text!r}")
    assert reached == [], "broadcast mentions from the logs reach the channel:\n" + "\n".join(reached)


SPOOFING = re.compile(f"[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f{BIDI}]")


def test_log_text_cannot_spoof_or_garble_what_the_channel_shows():
    """The hostile corpus puts terminal escapes, BEL and a right-to-left override (U+202E) in
    an error code: what the channel shows (title, description, next steps, keywords) must
    carry no control character but the description's line breaks, and no bidirectional
    override, which would show text reversed (the same trick as "Trojan Source")."""
    found = []
    for inputs in [(str(BAD_INPUTS),), (str(EVENTS),)]:
        for number, (_, line) in enumerate(pairs(inputs), start=1):
            content = json.loads(line)["content"]
            for field in ["title", "description", "nextSteps", "keywords"]:
                for text in strings(content[field]):
                    if SPOOFING.search(text):
                        found.append(f"{inputs[0]} line {number} {field}: {text[:120]!r}")
    assert found == [], "control or bidi characters from the logs reach the channel:\n" + "\n".join(found)


# ------------------------------------------------------------------------------------------
# PLANTED: what a renderer could get wrong is rejected, for the reason named
# ------------------------------------------------------------------------------------------
EXAMPLE: dict = {
    "version": "1.0",
    "source": "custom",
    "id": "a" * 64,
    "content": {
        "textType": "client-markdown",
        "title": ":rotating_light: ERROR · EMBEDDING_FAILED x3 · knowledge base KB12345678 · us-east-1",
        "description": "*3* documents failed to embed between 14:05 and 14:07 UTC.\n• handbook.pdf",
        "nextSteps": ["<https://us-east-1.console.aws.amazon.com/bedrock/home|Open the knowledge base>",
                      "Logs Insights: `fields @timestamp, event.status | filter event.status = \"EMBEDDING_FAILED\"`"],
        "keywords": ["ERROR", "knowledge_base", "EMBEDDING_FAILED"],
    },
    "metadata": {
        "threadId": "b" * 64,
        "summary": "[ERROR] Bedrock KB KB12345678: EMBEDDING_FAILED x3",
        "eventType": "BedrockAlert",
        "relatedResources": ["arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678"],
        "additionalContext": {"alert_id": "a" * 64, "group_id": "b" * 64, "severity": "ERROR",
                              "source": "knowledge_base", "status": "EMBEDDING_FAILED", "count": "3"},
    },
}


def drop(path: str) -> Callable[[dict], dict]:
    def mutate(notification: dict) -> dict:
        notification = copy.deepcopy(notification)
        *parents, last = path.split(".")
        target: Any = notification
        for part in parents:
            target = target[part]
        del target[last]
        return notification
    return mutate


class Planted(NamedTuple):
    mutate: Callable[[dict], Any]
    path: str  # the json_path of one error it must cause


PLANTED: dict[str, Planted] = {
    # AWS's documented format
    "wrong version": Planted(set_at("version", "2.0"), "$.version"),
    "version as a number": Planted(set_at("version", 1.0), "$.version"),
    "wrong source": Planted(set_at("source", "bedrock-alerts"), "$.source"),
    "no content": Planted(drop("content"), "$"),
    "no description": Planted(drop("content.description"), "$.content"),
    "textType markdown": Planted(set_at("content.textType", "markdown"), "$.content.textType"),
    "nextSteps as one string": Planted(set_at("content.nextSteps", "open the console"), "$.content.nextSteps"),
    "a number in additionalContext": Planted(
        set_at("metadata.additionalContext.count", 3), "$.metadata.additionalContext.count"),
    # ours
    "oversize description": Planted(set_at("content.description", "x" * 3001), "$.content.description"),
    "oversize title": Planted(set_at("content.title", "ERROR " + "x" * 250), "$.content.title"),
    "title on two lines": Planted(set_at("content.title", "ERROR\nEMBEDDING_FAILED"), "$.content.title"),
    "title without the severity": Planted(set_at("content.title", "EMBEDDING_FAILED x3"), "$.content.title"),
    "missing threadId": Planted(drop("metadata.threadId"), "$.metadata"),
    "threadId not an alert id": Planted(set_at("metadata.threadId", "KB12345678"), "$.metadata.threadId"),
    "missing id": Planted(drop("id"), "$"),
    "missing title": Planted(drop("content.title"), "$.content"),
    "missing summary": Planted(drop("metadata.summary"), "$.metadata"),
    "summary not ASCII": Planted(set_at("metadata.summary", "[ERROR] Bedrock KB · x3"), "$.metadata.summary"),
    "summary of 100 characters": Planted(set_at("metadata.summary", "x" * 100), "$.metadata.summary"),
    "other eventType": Planted(set_at("metadata.eventType", "Bedrock Alert"), "$.metadata.eventType"),
    "keywords in another order": Planted(
        set_at("content.keywords", ["knowledge_base", "ERROR", "EMBEDDING_FAILED"]), "$.content.keywords[0]"),
    "a fourth keyword": Planted(
        set_at("content.keywords", ["ERROR", "knowledge_base", "EMBEDDING_FAILED", "x"]), "$.content.keywords"),
    "six next steps": Planted(set_at("content.nextSteps", ["a"] * 6), "$.content.nextSteps"),
    "undocumented field": Planted(set_at("prompt", "hello"), "$"),
    "undocumented content field": Planted(set_at("content.body", "x"), "$.content"),
    "additionalContext without count": Planted(drop("metadata.additionalContext.count"), "$.metadata.additionalContext"),
    "additionalContext key with a space": Planted(
        set_at("metadata.additionalContext.knowledge base", "KB1"), "$.metadata.additionalContext"),
    "not an object": Planted(lambda n: [n], "$"),
}


def test_the_example_is_valid():
    assert violations(EXAMPLE) == []


@pytest.mark.parametrize("name", PLANTED)
def test_planted_violations_are_rejected(name: str):
    planted = PLANTED[name]
    broken = planted.mutate(EXAMPLE)
    assert violations(broken), f"{name}: accepted"
    paths = {error.json_path for error in all_errors(broken)}
    assert planted.path in paths, f"{name}: rejected at {sorted(paths)}, not at {planted.path}"


def test_the_checks_fail_on_a_wrong_rendering():
    """check_notification itself fails when the renderer gets the thread, the keywords, the
    size or the canaries wrong (so the sample tests can fail)."""
    alert = {"id": "a" * 64, "group_id": "b" * 64, "severity": "ERROR", "source": "knowledge_base",
             "status": "EMBEDDING_FAILED", "count": 3, "knowledge_base_id": "KB12345678"}
    assert check_notification(alert, json.dumps(EXAMPLE), "example")
    wrong = {
        "thread of another alert": set_at("metadata.threadId", "c" * 64)(EXAMPLE),
        "incident ignored": EXAMPLE,
        "canary": set_at("content.description", "CANARY-PROMPT-7f3a")(EXAMPLE),
        "over SNS's limit": set_at("metadata.additionalContext.padding", "x" * 1000)(
            set_at("content.description", "x" * 3000)(EXAMPLE)) | {"pad": "y" * SNS_MESSAGE_MAX_BYTES},
        "status missing from the title": set_at("content.title", "ERROR · KB12345678")(EXAMPLE),
    }
    for name, notification in wrong.items():
        checked = {**alert, "incident_id": "d" * 64} if name == "incident ignored" else alert
        with pytest.raises(AssertionError):
            check_notification(checked, json.dumps(notification), name)


# ------------------------------------------------------------------------------------------
# The golden chat notifications (shared/tests/golden/*.chat.json, written by `cargo test --test
# golden`): the alarm alert among them, which the CLI cannot render.
# ------------------------------------------------------------------------------------------
GOLDEN = ROOT / "shared" / "tests" / "golden"
GOLDEN_CHATS = sorted(p.name for p in GOLDEN.glob("*.chat.json"))


def test_every_golden_alert_has_a_golden_chat_notification():
    alerts = sorted(p.name for p in GOLDEN.glob("*.json") if not p.name.endswith(".chat.json"))
    assert [name.replace(".json", ".chat.json") for name in alerts] == GOLDEN_CHATS


@pytest.mark.parametrize("name", GOLDEN_CHATS)
def test_golden_chat_notifications_render_their_alert(name):
    alert = json.loads((GOLDEN / name.replace(".chat.json", ".json")).read_text(encoding="utf-8"))["payload"]
    line = json.dumps(json.loads((GOLDEN / name).read_text(encoding="utf-8")), ensure_ascii=False)
    check_notification(alert, line, name)
