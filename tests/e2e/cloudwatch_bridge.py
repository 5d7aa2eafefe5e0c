"""CloudWatch for the Rust functions, on moto.

The Rust SDK (aws-sdk-cloudwatch 1.x) speaks only the Smithy RPC v2 CBOR protocol to
CloudWatch (``POST /service/GraniteServiceVersion20100801/operation/<Operation>``, CBOR
bodies). moto 5.2.5 serves CloudWatch's query and JSON protocols but not CBOR. This bridge sits
between them: it decodes a CBOR request, forwards it to moto as AWS JSON 1.0 (same operation,
same members), and encodes moto's answer, success or error, back as CBOR, guided by botocore's
model of the operation's output (which members are timestamps, doubles, integers).

It also counts the calls by operation, and with ``deny`` set refuses every call with
``AccessDenied`` (HTTP 403), as CloudWatch does when the role lacks ``cloudwatch:*`` rights.

The CBOR itself (RFC 8949) is read and written by the ``cbor2`` package (pinned in
scripts/requirements-test.txt). A request body must be exactly one CBOR item. cbor2 turns a
tag-1 timestamp into an aware datetime, which goes to moto as epoch seconds again; any tag
cbor2 does not interpret is dropped in favour of its content. In answers, timestamps are tag 1
over epoch seconds as a double, and doubles and integers take the type the model gives them.
Loopback only.
"""

from __future__ import annotations

import datetime
import http.client
import http.server
import io
import json
import threading
import urllib.parse

import botocore.session
import cbor2

TARGET_PREFIX = "GraniteServiceVersion20100801."
PATH_PREFIX = "/service/GraniteServiceVersion20100801/operation/"
TIMESTAMP_TAG = 1


def cbor_decode(data: bytes):
    """The one CBOR item that makes up ``data``; unknown tags give way to their content."""
    stream = io.BytesIO(data)
    value = cbor2.CBORDecoder(stream, tag_hook=lambda _decoder, tag: tag.value).decode()
    if stream.tell() != len(data):
        raise ValueError("trailing bytes after CBOR item")
    return value


def _to_json(value):
    """A decoded CBOR request as JSON protocol input: timestamps as epoch seconds."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if value is cbor2.undefined:
        return None
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


def _to_cbor_value(value, shape):
    """A JSON protocol output value as its CBOR form, by the botocore shape."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        return {
            name: _to_cbor_value(value[name], member)
            for name, member in shape.members.items()
            if name in value and value[name] is not None
        }
    if kind == "list":
        return [_to_cbor_value(v, shape.member) for v in value]
    if kind == "map":
        return {k: _to_cbor_value(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        return cbor2.CBORTag(TIMESTAMP_TAG, float(value))
    if kind in ("double", "float"):
        return float(value)
    if kind in ("integer", "long"):
        return int(value)
    return value


class CloudWatchBridge:
    def __init__(self, upstream: str):
        parsed = urllib.parse.urlparse(upstream)
        host, port = parsed.hostname, parsed.port
        self.model = botocore.session.get_session().get_service_model("cloudwatch")
        self.calls: dict[str, int] = {}
        self.deny = False
        self.lock = threading.Lock()
        bridge = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reply(self, status: int, body, query_error: str | None = None):
                data = cbor2.dumps(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/cbor")
                self.send_header("smithy-protocol", "rpc-v2-cbor")
                if query_error:
                    self.send_header("x-amzn-query-error", query_error)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if not self.path.startswith(PATH_PREFIX):
                    return self._reply(404, {"__type": "UnknownOperationException", "message": self.path})
                operation = self.path[len(PATH_PREFIX):]
                with bridge.lock:
                    bridge.calls[operation] = bridge.calls.get(operation, 0) + 1
                if bridge.deny:
                    return self._reply(403, {
                        "__type": "AccessDenied",
                        "message": f"not authorized to perform: cloudwatch:{operation}",
                    }, "AccessDenied;Sender")
                request = _to_json(cbor_decode(raw)) if raw else {}
                headers = {
                    "Content-Type": "application/x-amz-json-1.0",
                    "X-Amz-Target": TARGET_PREFIX + operation,
                    "Authorization": self.headers.get("Authorization", ""),
                    "X-Amz-Date": self.headers.get("X-Amz-Date", ""),
                }
                connection = http.client.HTTPConnection(host, port, timeout=60)
                connection.request("POST", "/", body=json.dumps(request).encode(), headers=headers)
                response = connection.getresponse()
                text = response.read()
                connection.close()
                try:
                    body = json.loads(text or b"{}")
                except ValueError:
                    body = {"__type": "InternalFailure", "message": text.decode(errors="replace")[:500]}
                if response.status >= 300:
                    code = str(body.get("__type", "InternalFailure")).split("#")[-1]
                    message = body.get("message") or body.get("Message") or ""
                    return self._reply(response.status, {"__type": code, "message": message},
                                       f"{code};{'Sender' if response.status < 500 else 'Receiver'}")
                output = bridge.model.operation_model(operation).output_shape
                self._reply(200, _to_cbor_value(body, output) if output is not None else {})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
