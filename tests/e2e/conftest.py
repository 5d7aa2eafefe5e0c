"""End-to-end fixtures: a real moto server (S3, SNS, SQS, DynamoDB, CloudWatch, EventBridge) and a Lambda runtime
API emulator that runs the real function binaries.

The emulator speaks the Lambda runtime API (``/2018-06-01/runtime/...``) on a loopback port;
the function binary is started with ``AWS_LAMBDA_RUNTIME_API`` pointing at it, exactly as the
Lambda service starts ``bootstrap``. Which binaries run is chosen by environment:

* ``E2E_FUNCTIONS=debug`` (default): ``target/debug/bedrock-{s3,cwlogs,events}-alerts``.
* ``E2E_FUNCTIONS=sam``: the arm64 ``bootstrap`` files ``sam build`` wrote to ``.aws-sam/build``,
  run through ``qemu-aarch64-static`` (with the arm64 glibc of Debian's ``libc6-arm64-cross``)
  when the host is not arm64.
"""

from __future__ import annotations

import base64
import gzip
import http.server
import json
import os
import platform
import queue
import shutil
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests
from cloudwatch_bridge import CloudWatchBridge
from jsonschema import Draft202012Validator, validators
from faultproxy import FaultProxy, Faults

ROOT = Path(__file__).resolve().parents[2]
# The published payload schema; dates are checked too (rfc3339-validator is installed).
ALERT_SCHEMA = Draft202012Validator(
    json.loads((ROOT / "schema" / "alert-v1.schema.json").read_text(encoding="utf-8")),
    format_checker=Draft202012Validator.FORMAT_CHECKER,
)
# The Amazon Q Developer custom notification the functions publish to CHAT_TOPIC_ARN (issue 18);
# loaded when a test first reads a chat message.
CHAT_SCHEMA_PATH = ROOT / "tests" / "schema" / "chat-notification.schema.json"
_chat_schema = []
# What the functions put on EVENT_BUS: one event per alert, `detail` the alert/v1 payload.
ALERT_EVENT_SOURCE = "bedrock-alerts"
ALERT_DETAIL_TYPE = "Bedrock Alert"
ALERT_RULE_PATTERN = {"source": [ALERT_EVENT_SOURCE], "detail-type": [ALERT_DETAIL_TYPE]}
EVENTS = ROOT / "events"
SAMPLE_BUCKET = "bedrock-alerts-logs-111122223333"
REGION = "us-east-1"
RUNTIME_PREFIX = "/2018-06-01/runtime"
ARM64_SYSROOT = "/usr/aarch64-linux-gnu"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- moto server


def start_moto(log_path: Path) -> tuple[subprocess.Popen, str]:
    """A moto server on a free loopback port; returns the process and its endpoint, once it
    answers. Also sets the dummy credentials and region boto3 and the binaries use."""
    port = free_port()
    server = shutil.which("moto_server") or str(ROOT / ".venv" / "bin" / "moto_server")
    log = open(log_path, "w")  # noqa: SIM115 - the server's output, open for its life
    process = subprocess.Popen([server, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{endpoint}/moto-api/", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"moto server did not start; see {log_path}")
        time.sleep(0.1)  # polling a readiness endpoint, not synchronising on time
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }
    )
    return process, endpoint


@pytest.fixture(scope="session")
def moto_endpoint():
    """A moto server on a free loopback port for the whole session."""
    process, endpoint = start_moto(ROOT / ".e2e-moto.log")
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


class Aws:
    """boto3 clients on the moto server plus helpers to set up a test's resources."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        kwargs = {"endpoint_url": endpoint, "region_name": REGION}
        self.s3 = boto3.client("s3", **kwargs)
        self.sns = boto3.client("sns", **kwargs)
        self.sqs = boto3.client("sqs", **kwargs)
        self.dynamodb = boto3.client("dynamodb", **kwargs)
        self.cloudwatch = boto3.client("cloudwatch", **kwargs)
        self.events = boto3.client("events", **kwargs)

    def bucket(self) -> str:
        name = f"logs-{uuid.uuid4().hex[:12]}"
        self.s3.create_bucket(Bucket=name)
        return name

    def state_table(self) -> str:
        """An incident state table shaped as template.yaml's AlertStateTable."""
        name = f"state-{uuid.uuid4().hex[:10]}"
        self.dynamodb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": n, "AttributeType": t}
                for n, t in [("pk", "S"), ("sk", "S"), ("due_shard", "S"), ("due_at", "N")]
            ],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{
                "IndexName": "due",
                "KeySchema": [{"AttributeName": "due_shard", "KeyType": "HASH"},
                              {"AttributeName": "due_at", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }],
        )
        return name

    def put(self, bucket: str, key: str, sample: str) -> None:
        self.s3.put_object(Bucket=bucket, Key=key, Body=(EVENTS / sample).read_bytes())

    def topic_with_queue(self, fifo: bool = False, filter_policy: dict | None = None) -> tuple[str, str]:
        """A topic and an SQS queue subscribed to it; returns (topic ARN, queue URL)."""
        suffix = uuid.uuid4().hex[:10]
        topic_attrs = {"FifoTopic": "true", "ContentBasedDeduplication": "false"} if fifo else {}
        name = f"alerts-{suffix}" + (".fifo" if fifo else "")
        topic = self.sns.create_topic(Name=name, Attributes=topic_attrs)["TopicArn"]
        queue_url = self.queue(topic, fifo=fifo, filter_policy=filter_policy)
        return topic, queue_url

    def queue(self, topic: str, fifo: bool = False, filter_policy: dict | None = None) -> str:
        suffix = uuid.uuid4().hex[:10]
        attrs = {"FifoQueue": "true"} if fifo else {}
        name = f"q-{suffix}" + (".fifo" if fifo else "")
        url = self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sub_attrs = {"FilterPolicy": json.dumps(filter_policy)} if filter_policy else {}
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=sub_attrs)
        return url

    def _drain(self, queue_url: str) -> list[dict]:
        """Every message in the queue, taken out of it. SNS→SQS delivery in moto completes
        inside the Publish call, and EventBridge→SQS delivery inside PutEvents, so once an
        invocation has returned, the queue holds all it sent."""
        found = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, AttributeNames=["All"]
            ).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                found.append(message)
                self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

    @staticmethod
    def _envelope(message: dict) -> dict:
        """The SNS envelope of an SQS message (raw delivery off), with its message attributes
        as ``_attributes`` and the SQS message's own attributes as ``_sqs`` (on a FIFO queue:
        ``MessageGroupId``, ``MessageDeduplicationId``)."""
        envelope = json.loads(message["Body"])
        envelope["_attributes"] = {k: v["Value"] for k, v in envelope.get("MessageAttributes", {}).items()}
        envelope["_sqs"] = message.get("Attributes", {})
        return envelope

    def messages(self, queue_url: str) -> list[dict]:
        """Every SNS envelope in the queue, its alert/v1 payload as ``_payload``."""
        found = []
        for message in self._drain(queue_url):
            envelope = self._envelope(message)
            envelope["_payload"] = json.loads(envelope["Message"])
            # Every message any e2e test reads is a valid alert/v1 payload.
            ALERT_SCHEMA.validate(envelope["_payload"])
            found.append(envelope)
        return found

    def chat_messages(self, queue_url: str) -> list[dict]:
        """Every SNS envelope in a chat topic's queue, its Amazon Q custom notification as
        ``_chat``: the envelope's ``Message`` itself, valid against the chat schema."""
        found = []
        for message in self._drain(queue_url):
            envelope = self._envelope(message)
            envelope["_chat"] = json.loads(envelope["Message"])
            chat_schema().validate(envelope["_chat"])
            found.append(envelope)
        return found

    def bus_events(self, queue_url: str) -> list[dict]:
        """Every EventBridge event a rule delivered to the queue (the whole event: source,
        detail-type, detail...); each `detail` is a valid alert/v1 payload."""
        found = []
        for message in self._drain(queue_url):
            event = json.loads(message["Body"])
            ALERT_SCHEMA.validate(event["detail"])
            found.append(event)
        return found


@pytest.fixture(scope="session")
def aws(moto_endpoint) -> Aws:
    return Aws(moto_endpoint)


def chat_schema():
    """The chat notification schema's validator (formats checked), read once; a test that
    reads chat messages fails, never skips, when the schema file is missing."""
    if not _chat_schema:
        if not CHAT_SCHEMA_PATH.exists():
            pytest.fail(f"{CHAT_SCHEMA_PATH} is missing: chat messages cannot be validated", pytrace=False)
        schema = json.loads(CHAT_SCHEMA_PATH.read_text(encoding="utf-8"))
        cls = validators.validator_for(schema, default=Draft202012Validator)
        cls.check_schema(schema)
        _chat_schema.append(cls(schema, format_checker=cls.FORMAT_CHECKER))
    return _chat_schema[0]


@dataclass
class ChatTopic:
    """A chat topic (CHAT_TOPIC_ARN) and the SQS queue subscribed to it, raw delivery off, as
    Amazon Q Developer receives SNS envelopes; read it with ``aws.chat_messages(queue)``."""

    arn: str
    queue: str


@pytest.fixture
def chat_topic(aws):
    """chat_topic(fifo=False) -> a ChatTopic with its queue."""

    def make(fifo: bool = False) -> ChatTopic:
        return ChatTopic(*aws.topic_with_queue(fifo=fifo))

    return make


@dataclass
class EventBus:
    """An EventBridge bus and one rule on it that sends what it matches to an SQS queue; read
    it with ``aws.bus_events(queue)``. ``name`` is what EVENT_BUS takes (so is ``arn``)."""

    name: str
    arn: str
    queue: str
    rule: str


@pytest.fixture
def event_bus(aws):
    """event_bus(default=False, pattern=ALERT_RULE_PATTERN, on=None) -> an EventBus: a new
    custom bus (the account's `default` bus with default=True; the bus of the EventBus `on`,
    for a second rule on it) with a rule of `pattern` targeting a new queue. Rules and buses
    are deleted after the test (moto's `default` bus is shared by the whole session)."""
    made: list[EventBus] = []

    def make(default: bool = False, pattern: dict | None = None, on: EventBus | None = None) -> EventBus:
        suffix = uuid.uuid4().hex[:10]
        if on is not None:
            name, arn = on.name, on.arn
        elif default:
            name = "default"
            arn = aws.events.describe_event_bus(Name="default")["Arn"]
        else:
            name = f"alerts-bus-{suffix}"
            arn = aws.events.create_event_bus(Name=name)["EventBusArn"]
        url = aws.sqs.create_queue(QueueName=f"bus-q-{suffix}")["QueueUrl"]
        queue_arn = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rule = f"alerts-rule-{suffix}"
        aws.events.put_rule(Name=rule, EventBusName=name, EventPattern=json.dumps(pattern or ALERT_RULE_PATTERN))
        aws.events.put_targets(Rule=rule, EventBusName=name, Targets=[{"Id": "queue", "Arn": queue_arn}])
        made.append(EventBus(name, arn, url, rule))
        return made[-1]

    yield make
    for bus in made:
        aws.events.remove_targets(Rule=bus.rule, EventBusName=bus.name, Ids=["queue"])
        aws.events.delete_rule(Name=bus.rule, EventBusName=bus.name)
    for name in dict.fromkeys(bus.name for bus in made):
        if name != "default":
            aws.events.delete_event_bus(Name=name)


# --------------------------------------------------------------------------- events


def load_event(name: str, bucket: str | None = None) -> dict:
    """A sample event from events/, pointed at the test bucket."""
    text = (EVENTS / name).read_text()
    if bucket:
        text = text.replace(SAMPLE_BUCKET, bucket)
    return json.loads(text)


def subscription_event(log_group: str, records: list[dict]) -> dict:
    """A Lambda CloudWatch Logs event: base64(gzip(subscription document))."""
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": "111122223333",
        "logGroup": log_group,
        "logStream": "e2e",
        "subscriptionFilters": ["e2e"],
        "logEvents": [
            {"id": str(10**55 + i), "timestamp": 1763650000000 + i, "message": json.dumps(record)}
            for i, record in enumerate(records)
        ],
    }
    data = base64.b64encode(gzip.compress(json.dumps(document).encode(), mtime=0)).decode()
    return {"awslogs": {"data": data}}


# --------------------------------------------------------------------------- runtime API


def _binary(name: str, logical_id: str) -> list[str]:
    mode = os.environ.get("E2E_FUNCTIONS", "debug")
    if mode == "sam":
        path = ROOT / ".aws-sam" / "build" / logical_id / "bootstrap"
    else:
        path = ROOT / "target" / "debug" / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: build it first (see scripts/test.sh)")
    machine = path.read_bytes()[18:20]
    is_arm64 = machine == b"\xb7\x00"
    if is_arm64 and platform.machine() not in ("aarch64", "arm64"):
        return ["qemu-aarch64-static", "-L", ARM64_SYSROOT, str(path)]
    return [str(path)]


class LambdaRuntime:
    """Serves the Lambda runtime API to one function process."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.events: queue.Queue = queue.Queue()
        self.results: queue.Queue = queue.Queue()
        self.deadlines: dict[str, int] = {}
        # Whether the last invocation answered after its deadline (Lambda would have
        # stopped it and counted a timeout).
        self.last_was_late = False
        runtime = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length", "0"))
                return self.rfile.read(length) if length else b""

            def do_GET(self):
                if self.path != f"{RUNTIME_PREFIX}/invocation/next":
                    return self._reply(404)
                request_id, payload, deadline_ms = runtime.events.get()
                self._reply(
                    200,
                    payload,
                    {
                        "Content-Type": "application/json",
                        "Lambda-Runtime-Aws-Request-Id": request_id,
                        "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:111122223333:function:e2e",
                        "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
                    },
                )

            def do_POST(self):
                body = self._body()
                parts = self.path.split("/")
                if len(parts) == 6 and parts[3] == "invocation" and parts[5] in ("response", "error"):
                    late = time.time() * 1000 > runtime.deadlines.get(parts[4], float("inf"))
                    runtime.results.put((parts[4], parts[5], json.loads(body or b"null"), late))
                    return self._reply(202, b"{}")
                return self._reply(404)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        port = self.server.server_address[1]
        self.log_path = ROOT / f".e2e-function-{uuid.uuid4().hex[:8]}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        full_env = {
            "PATH": os.environ.get("PATH", ""),
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
            "AWS_LAMBDA_FUNCTION_NAME": "e2e",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_FORMAT": "JSON",
            "AWS_LAMBDA_LOG_LEVEL": "DEBUG",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": REGION,
            **env,
        }
        self.process = subprocess.Popen(command, env=full_env, stdout=self._log, stderr=subprocess.STDOUT)

    def invoke(self, event: dict, timeout_ms: int = 60_000) -> tuple[str, object]:
        """Sends one event; returns ("response", payload) or ("error", diagnostic)."""
        request_id = str(uuid.uuid4())
        deadline = int(time.time() * 1000) + timeout_ms
        self.deadlines[request_id] = deadline
        self.events.put((request_id, json.dumps(event).encode(), deadline))
        give_up = time.monotonic() + timeout_ms / 1000 + 60
        while True:
            try:
                got_id, kind, payload, self.last_was_late = self.results.get(timeout=0.2)
                break
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the function exited ({self.process.returncode}):\n{self.logs()}") from None
                if time.monotonic() > give_up:
                    raise TimeoutError(f"no response from the function:\n{self.logs()}") from None
        assert got_id == request_id
        return kind, payload

    def logs(self) -> str:
        self._log.flush()
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)
        self.server.shutdown()
        self._log.close()
        self.log_path.unlink(missing_ok=True)


FUNCTIONS = {
    "s3": ("bedrock-s3-alerts", "S3AlertsFunction"),
    "cwlogs": ("bedrock-cwlogs-alerts", "CwLogsAlertsFunction"),
    "events": ("bedrock-events-alerts", "EventsAlertsFunction"),
}


def launch(kind: str, endpoint: str, **env: str) -> LambdaRuntime:
    """One function ("s3", "cwlogs" or "events") on the moto server at `endpoint`, under the emulator."""
    name, logical_id = FUNCTIONS[kind]
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "S3_FORCE_PATH_STYLE": "true",
        "PUBLISH_MAX_ATTEMPTS": "2",
        **env,
    }
    return LambdaRuntime(_binary(name, logical_id), {k: v for k, v in env.items() if v is not None})


@pytest.fixture
def cloudwatch(moto_endpoint):
    """The test's CloudWatch: moto's, in the protocol the Rust SDK speaks (see
    cloudwatch_bridge.py), with its calls counted and `deny` to refuse them."""
    bridge = CloudWatchBridge(moto_endpoint)
    yield bridge
    bridge.stop()


@pytest.fixture
def start_function(moto_endpoint, request):
    """start_function("s3", ALERT_TOPIC_ARN=..., ...) -> a running LambdaRuntime. The events
    function reaches CloudWatch through the `cloudwatch` fixture unless
    AWS_ENDPOINT_URL_CLOUDWATCH says otherwise. The outputs of issue 18 are set the same way:
    CHAT_TOPIC_ARN=chat_topic().arn, EVENT_BUS=event_bus().name (or its ARN); the function's
    environment holds only what is given here (and launch's defaults), never this process's."""
    started: list[LambdaRuntime] = []

    def start(kind: str, **env: str) -> LambdaRuntime:
        if kind == "events" and "AWS_ENDPOINT_URL_CLOUDWATCH" not in env:
            env["AWS_ENDPOINT_URL_CLOUDWATCH"] = request.getfixturevalue("cloudwatch").url
        started.append(launch(kind, moto_endpoint, **env))
        return started[-1]

    yield start
    for runtime in started:
        runtime.stop()


@pytest.fixture
def proxy(moto_endpoint):
    """proxy(Faults(...)) -> a running fault-injecting proxy in front of moto."""
    started = []

    def start(faults: Faults) -> FaultProxy:
        started.append(FaultProxy(moto_endpoint, faults))
        return started[-1]

    yield start
    for running in started:
        running.stop()


def closed_port_url() -> str:
    """An address where nothing listens (connections are refused)."""
    return f"http://127.0.0.1:{free_port()}"
