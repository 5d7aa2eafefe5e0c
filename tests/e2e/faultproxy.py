"""A small fault-injecting HTTP proxy in front of the moto server.

* SNS ``PublishBatch``: a share of calls fail — an HTTP 500, an HTTP 400 ``Throttling`` error,
  or a 200 whose ``Failed`` list names entries that were not delivered (they are taken out
  of the request before it is forwarded, as SNS would not have delivered them).
* SNS ``PublishBatch`` over 256 KiB in all (messages, subjects and attributes) is refused
  with ``BatchRequestTooLong``, as SNS does and moto does not.
* S3 ``GetObject``: optionally the body is cut off halfway and the connection closed, or,
  for keys containing ``stall_s3_keys``, half the body is sent and the rest held back until
  the proxy stops (at most ``stall_seconds``).

* EventBridge ``PutEvents`` (issue 18): every call is recorded (``put_events``: its entries'
  buses and resources, and its size as EventBridge counts it); ``put_events_faults`` lists one
  fault per call, in order, applied until the list runs out: ``"500"`` (an HTTP 500
  ``InternalException``; nothing delivered) or ``"partial"`` (a 200 whose first entry failed
  with ``InternalFailure``: that entry is taken out of the request before it is forwarded, the
  others are delivered).
* SNS ``Publish`` / ``PublishBatch``: every call is recorded (``sns_publishes``: topic and each
  entry's ``MessageStructure``), faults or not.

* DynamoDB: every call is counted by operation; calls run one at a time, as DynamoDB makes
  each item write atomic and moto's threaded server does not; with ``dynamodb_down`` every
  call fails with an HTTP 500 ``InternalServerError``; with ``stall_dynamodb`` every call is
  held (at most ``stall_seconds``, or until the proxy stops) and then fails so.

Everything else is forwarded unchanged. Loopback only, bounded, and stopped by the fixture.
"""

from __future__ import annotations

import http.client
import http.server
import json
import random
import re
import threading
import urllib.parse
from dataclasses import dataclass, field


@dataclass
class Faults:
    sns_failure_rate: float = 0.0
    cut_s3_bodies: bool = False
    stall_s3_keys: str | None = None
    stall_seconds: float = 30.0
    dynamodb_down: bool = False
    stall_dynamodb: bool = False
    seed: int = 1
    rng: random.Random = field(init=False)
    calls: int = 0
    injected: dict = field(
        default_factory=lambda: {"500": 0, "throttling": 0, "partial": 0, "cut": 0, "stalled": 0, "too_long": 0}
    )
    dynamodb_calls: dict = field(default_factory=dict)
    put_events_faults: list = field(default_factory=list)
    put_events: list = field(default_factory=list)
    put_events_injected: dict = field(default_factory=lambda: {"500": 0, "partial": 0})
    sns_publishes: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    dynamodb_lock: threading.Lock = field(default_factory=threading.Lock)
    released: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def roll(self) -> str | None:
        """Fails exactly `sns_failure_rate` of the calls, spread evenly (the first call
        included), cycling through the kinds of failure."""
        with self.lock:
            call = self.calls
            self.calls += 1
            if (call * 7) % 10 >= round(self.sns_failure_rate * 10):
                return None
            kind = ["500", "throttling", "partial"][sum(self.injected.values()) % 3]
            self.injected[kind] += 1
            return kind


ERROR_XML = (
    '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>{type}</Type>'
    "<Code>{code}</Code><Message>{message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
)


SNS_BATCH_LIMIT = 256 * 1024


def _batch_bytes(form: dict[str, list[str]]) -> int:
    """What SNS counts against a PublishBatch's size limit: every entry's message and
    subject, and each attribute's name, data type and value."""
    counted = re.compile(
        r"PublishBatchRequestEntries\.member\.\d+\.(Message|Subject"
        r"|MessageAttributes\.entry\.\d+\.(Name|Value\.DataType|Value\.StringValue))"
    )
    return sum(len(v[0].encode()) for k, v in form.items() if counted.fullmatch(k))


def _entry_ids(form: dict[str, list[str]]) -> dict[str, str]:
    """member number -> entry Id of a form-encoded PublishBatch request."""
    ids = {}
    for key, values in form.items():
        match = re.fullmatch(r"PublishBatchRequestEntries\.member\.(\d+)\.Id", key)
        if match:
            ids[match.group(1)] = values[0]
    return ids


def _drop_members(form: dict[str, list[str]], members: set[str]) -> bytes:
    """The request without the given entries, the rest renumbered from 1."""
    kept = sorted((int(n) for n in _entry_ids(form) if n not in members))
    renumber = {str(old): str(new) for new, old in enumerate(kept, 1)}
    pairs = []
    for key, values in form.items():
        match = re.match(r"PublishBatchRequestEntries\.member\.(\d+)\.(.*)", key)
        if match:
            if match.group(1) in members:
                continue
            key = f"PublishBatchRequestEntries.member.{renumber[match.group(1)]}.{match.group(2)}"
        pairs.extend((key, v) for v in values)
    return urllib.parse.urlencode(pairs).encode()


def _put_events_bytes(entry: dict) -> int:
    """An entry's size as EventBridge counts it against PutEvents' 256 KiB: 14 bytes for
    Time when given, and the UTF-8 bytes of Source, DetailType, Detail and each resource."""
    size = 14 if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        size += len((entry.get(key) or "").encode())
    return size + sum(len(r.encode()) for r in entry.get("Resources") or [])


def _sns_publish(form: dict[str, list[str]]) -> dict:
    """What a Publish or PublishBatch call asked for: its topic and each entry's
    MessageStructure (None when not given)."""
    if form["Action"] == ["Publish"]:
        structures = [form.get("MessageStructure", [None])[0]]
    else:
        structures = [form.get(f"PublishBatchRequestEntries.member.{n}.MessageStructure", [None])[0]
                      for n in sorted(_entry_ids(form), key=int)]
    return {"action": form["Action"][0], "topic": form.get("TopicArn", [None])[0], "structures": structures}


class FaultProxy:
    def __init__(self, upstream: str, faults: Faults):
        self.faults = faults
        parsed = urllib.parse.urlparse(upstream)
        host, port = parsed.hostname, parsed.port
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self, body: bytes | None) -> tuple[int, list[tuple[str, str]], bytes]:
                connection = http.client.HTTPConnection(host, port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "connection")}
                if body is not None:
                    headers["Content-Length"] = str(len(body))
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                connection.close()
                return response.status, response.getheaders(), data

            def _send(self, status: int, headers: list[tuple[str, str]], data: bytes, cut: bool = False,
                      stall: bool = False):
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                if cut:
                    self.send_header("Connection", "close")
                self.end_headers()
                if stall:
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    proxy.faults.released.wait(proxy.faults.stall_seconds)
                    self.close_connection = True
                    return
                self.wfile.write(data[: len(data) // 2] if cut else data)
                if cut:
                    self.wfile.flush()
                    self.close_connection = True

            def _dynamodb(self, operation: str, body: bytes):
                with proxy.faults.lock:
                    calls = proxy.faults.dynamodb_calls
                    calls[operation] = calls.get(operation, 0) + 1
                if proxy.faults.stall_dynamodb:
                    proxy.faults.released.wait(proxy.faults.stall_seconds)
                if proxy.faults.dynamodb_down or proxy.faults.stall_dynamodb:
                    error = b'{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected"}'
                    return self._send(500, [("Content-Type", "application/x-amz-json-1.0")], error)
                with proxy.faults.dynamodb_lock:
                    status, headers, data = self._forward(body)
                self._send(status, headers, data)

            def _put_events(self, body: bytes):
                request = json.loads(body)
                entries = request.get("Entries", [])
                with proxy.faults.lock:
                    proxy.faults.put_events.append({
                        "entries": len(entries),
                        "bytes": sum(_put_events_bytes(e) for e in entries),
                        "buses": [e.get("EventBusName") for e in entries],
                        "resources": [e.get("Resources") for e in entries],
                    })
                    pending = proxy.faults.put_events_faults
                    fault = pending.pop(0) if pending else None
                    if fault:
                        proxy.faults.put_events_injected[fault] += 1
                json_type = [("Content-Type", "application/x-amz-json-1.1")]
                if fault == "500":
                    error = b'{"__type":"InternalException","message":"injected"}'
                    return self._send(500, json_type, error)
                if fault == "partial" and entries:
                    failed = {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"}
                    rest = entries[1:]
                    results = []
                    if rest:
                        status, headers, data = self._forward(json.dumps(dict(request, Entries=rest)).encode())
                        if status != 200:
                            return self._send(status, headers, data)
                        results = json.loads(data)["Entries"]
                    answer = {"FailedEntryCount": 1 + sum(1 for r in results if r.get("ErrorCode")),
                              "Entries": [failed, *results]}
                    return self._send(200, json_type, json.dumps(answer).encode())
                status, headers, data = self._forward(body)
                self._send(status, headers, data)

            def _body(self) -> bytes | None:
                length = self.headers.get("Content-Length")
                return self.rfile.read(int(length)) if length else None

            def do_GET(self):
                status, headers, data = self._forward(None)
                is_object = status == 200 and "list-type" not in self.path and len(data) > 64
                if proxy.faults.cut_s3_bodies and is_object:
                    with proxy.faults.lock:
                        proxy.faults.injected["cut"] += 1
                    return self._send(status, headers, data, cut=True)
                stall = proxy.faults.stall_s3_keys
                if stall and is_object and stall in urllib.parse.unquote(self.path):
                    with proxy.faults.lock:
                        proxy.faults.injected["stalled"] += 1
                    return self._send(status, headers, data, stall=True)
                self._send(status, headers, data)

            def do_HEAD(self):
                status, headers, data = self._forward(None)
                self._send(status, headers, data)

            def do_PUT(self):
                status, headers, data = self._forward(self._body())
                self._send(status, headers, data)

            def do_POST(self):
                body = self._body() or b""
                target = self.headers.get("X-Amz-Target", "")
                if target.startswith("DynamoDB_"):
                    return self._dynamodb(target.split(".")[-1], body)
                if target == "AWSEvents.PutEvents":
                    return self._put_events(body)
                form = urllib.parse.parse_qs(body.decode(errors="replace"), keep_blank_values=True)
                if form.get("Action") in (["Publish"], ["PublishBatch"]):
                    with proxy.faults.lock:
                        proxy.faults.sns_publishes.append(_sns_publish(form))
                if form.get("Action") == ["PublishBatch"] and _batch_bytes(form) > SNS_BATCH_LIMIT:
                    with proxy.faults.lock:
                        proxy.faults.injected["too_long"] += 1
                    xml = ERROR_XML.format(type="Sender", code="BatchRequestTooLong",
                                           message="The length of all the batch messages put together is more than the limit.")
                    return self._send(400, [("Content-Type", "text/xml")], xml.encode())
                if form.get("Action") == ["PublishBatch"]:
                    fault = proxy.faults.roll()
                    if fault == "500":
                        xml = ERROR_XML.format(type="Receiver", code="InternalError", message="injected")
                        return self._send(500, [("Content-Type", "text/xml")], xml.encode())
                    if fault == "throttling":
                        xml = ERROR_XML.format(type="Sender", code="Throttling", message="Rate exceeded")
                        return self._send(400, [("Content-Type", "text/xml")], xml.encode())
                    if fault == "partial":
                        ids = _entry_ids(form)
                        with proxy.faults.lock:
                            dropped = {n for n in ids if proxy.faults.rng.random() < 0.5} or {min(ids)}
                        status, headers, data = self._forward(_drop_members(form, dropped) if len(dropped) < len(ids) else None)
                        failed = "".join(
                            f"<member><Id>{ids[n]}</Id><Code>InternalError</Code><Message>injected</Message>"
                            f"<SenderFault>false</SenderFault></member>"
                            for n in sorted(dropped)
                        )
                        if len(dropped) == len(ids):
                            data = (b'<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
                                    b"<PublishBatchResult><Successful/><Failed/></PublishBatchResult>"
                                    b"<ResponseMetadata><RequestId>fault-proxy</RequestId></ResponseMetadata></PublishBatchResponse>")
                            status, headers = 200, [("Content-Type", "text/xml")]
                        text = data.decode()
                        text = re.sub(r"<Failed\s*/>", "<Failed></Failed>", text)
                        text = text.replace("<Failed>", "<Failed>" + failed, 1)
                        return self._send(status, headers, text.encode())
                status, headers, data = self._forward(body)
                self._send(status, headers, data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.faults.released.set()
        self.server.shutdown()
