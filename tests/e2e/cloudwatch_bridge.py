"""CloudWatch for the Rust functions, on moto.

The Rust SDK (aws-sdk-cloudwatch 1.x) speaks only the Smithy RPC v2 CBOR protocol to
CloudWatch (``POST /service/GraniteServiceVersion20100801/operation/<Operation>``, CBOR
bodies). moto 5.2.5 serves CloudWatch's query and JSON protocols but not CBOR. This bridge sits
between them: it decodes a CBOR request, forwards it to moto as AWS JSON 1.0 (same operation,
same members), and encodes moto's answer, success or error, back as CBOR, guided by botocore's
model of the operation's output (which members are timestamps, doubles, integers).

It also counts the calls by operation, and with ``deny`` set refuses every call with
``AccessDenied`` (HTTP 403), as CloudWatch does when the role lacks ``cloudwatch:*`` rights.

A minimal CBOR codec (RFC 8949) is included: definite and indefinite lengths, integers,
floats, strings, bytes, arrays, maps, tags, true/false/null. Loopback only.
"""

from __future__ import annotations

import http.client
import http.server
import json
import struct
import threading
import urllib.parse

import botocore.session

TARGET_PREFIX = "GraniteServiceVersion20100801."
PATH_PREFIX = "/service/GraniteServiceVersion20100801/operation/"
TIMESTAMP_TAG = 1


class Tagged:
    """A CBOR tagged value."""

    def __init__(self, tag: int, value):
        self.tag = tag
        self.value = value

    def __repr__(self):
        return f"Tagged({self.tag}, {self.value!r})"


# --------------------------------------------------------------------------- CBOR


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError("truncated CBOR")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def argument(self, info: int) -> int | None:
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            size = 1 << (info - 24)
            return int.from_bytes(self.take(size), "big")
        if info == 31:
            return None  # indefinite length
        raise ValueError(f"bad CBOR additional info {info}")

    def item(self):
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 7:
            return self.simple(info)
        arg = self.argument(info)
        if major == 0:
            return arg
        if major == 1:
            return -1 - arg
        if major in (2, 3):
            if arg is None:
                parts = []
                while self.data[self.pos] != 0xFF:
                    parts.append(self.item())
                self.pos += 1
                return b"".join(parts) if major == 2 else "".join(parts)
            raw = self.take(arg)
            return raw if major == 2 else raw.decode("utf-8")
        if major == 4:
            if arg is None:
                items = []
                while self.data[self.pos] != 0xFF:
                    items.append(self.item())
                self.pos += 1
                return items
            return [self.item() for _ in range(arg)]
        if major == 5:
            result = {}
            if arg is None:
                while self.data[self.pos] != 0xFF:
                    key = self.item()
                    result[key] = self.item()
                self.pos += 1
                return result
            for _ in range(arg):
                key = self.item()
                result[key] = self.item()
            return result
        return Tagged(arg, self.item())  # major 6

    def simple(self, info: int):
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None
        if info == 25:
            return _half(int.from_bytes(self.take(2), "big"))
        if info == 26:
            return struct.unpack(">f", self.take(4))[0]
        if info == 27:
            return struct.unpack(">d", self.take(8))[0]
        raise ValueError(f"unsupported CBOR simple value {info}")


def _half(bits: int) -> float:
    sign = -1.0 if bits & 0x8000 else 1.0
    exponent = (bits >> 10) & 0x1F
    fraction = bits & 0x3FF
    if exponent == 0:
        return sign * fraction * 2.0 ** -24
    if exponent == 31:
        return sign * float("inf") if fraction == 0 else float("nan")
    return sign * (1 + fraction / 1024) * 2.0 ** (exponent - 15)


def cbor_decode(data: bytes):
    reader = _Reader(data)
    value = reader.item()
    if reader.pos != len(data):
        raise ValueError("trailing bytes after CBOR item")
    return value


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def cbor_encode(value) -> bytes:
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, Tagged):
        return _head(6, value.tag) + cbor_encode(value.value)
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, (bytes, bytearray)):
        return _head(2, len(value)) + bytes(value)
    if isinstance(value, (list, tuple)):
        return _head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.items())
    raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


# --------------------------------------------------------------------------- translation


def _to_json(value):
    """A decoded CBOR request as JSON protocol input: timestamps as epoch seconds."""
    if isinstance(value, Tagged):
        return _to_json(value.value)
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
        return Tagged(TIMESTAMP_TAG, float(value))
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
                data = cbor_encode(body)
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
