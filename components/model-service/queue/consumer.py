#!/usr/bin/env python3
"""modelship's queue consumer: takes a message from a queue, calls the model server beside it on loopback, writes the
response to the result store under the message's request id, then acknowledges the message. With QUEUE_BACKEND=pubsub-push
(Cloud Run) the messages arrive as Pub/Sub push requests instead, and the HTTP answer acknowledges them.

Design, environment variables and sources: docs/queue-mode.md. Python 3.11+, standard library only, except boto3 for
the sqs backend and the s3 store (imported only when used).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import os
import re
import signal
import socket
import socketserver
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Protocol

# A request id becomes an object key: letters, digits and . _ - only, so no id can escape the result prefix.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
DEFAULT_CONTENT_TYPE = "application/json"
PUSH = "pubsub-push"  # the backend that serves HTTP instead of receiving (Cloud Run)


def log(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name) or default
    if value is None:
        raise SystemExit(f"consumer: the environment variable {name} is required (docs/queue-mode.md lists them)")
    return value


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default))
    if not raw.isdigit():
        raise SystemExit(f"consumer: {name} must be a whole number, got {raw!r}")
    return int(raw)


def setting(name: str, default: int | str | None = None) -> Any:
    """A field read from the environment when the Config is made (tests pass values instead)."""
    return field(default_factory=lambda: env_int(name, default) if isinstance(default, int) else env(name, default))


def push_env() -> bool:
    return os.environ.get("QUEUE_BACKEND") == PUSH


@dataclass(frozen=True)
class Config:
    backend: str = setting("QUEUE_BACKEND")
    # A push delivery names its subscription itself: QUEUE is required by the pull backends only.
    queue: str = field(default_factory=lambda: env("QUEUE", "" if push_env() else None))
    result_url: str = setting("RESULT_URL")
    model_port: int = setting("MODEL_PORT", 8000)
    model_path: str = setting("MODEL_PATH", "/")
    readiness_path: str = setting("MODEL_READINESS_PATH", "/health")
    readiness_timeout: int = setting("MODEL_READINESS_TIMEOUT", 900)
    request_timeout: int = setting("REQUEST_TIMEOUT", 300)
    visibility: int = setting("VISIBILITY_TIMEOUT", 60)
    max_deliveries: int = setting("MAX_DELIVERIES", 5)
    backoff_base: int = setting("RETRY_BACKOFF_BASE", 5)
    backoff_max: int = setting("RETRY_BACKOFF_MAX", 300)
    concurrency: int = setting("CONCURRENCY", 1)
    # Kubernetes' default grace period is 30 s; Cloud Run sends SIGKILL 10 s after SIGTERM (container runtime contract).
    stop_timeout: int = field(default_factory=lambda: env_int("STOP_TIMEOUT", 8 if push_env() else 25))
    poll_wait: int = setting("POLL_WAIT", 20)
    result_headers: str = setting("RESULT_HEADERS", "content-type,content-encoding,content-language")
    port: int = setting("PORT", 8080)  # pubsub-push: where Cloud Run sends requests (it sets PORT)
    # Pull backends: the port of GET /drained (Kubernetes: the model server's preStop hook waits on it); 0, unset: none.
    drain_port: int = setting("DRAIN_PORT", 0)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise SystemExit(f"consumer: QUEUE_BACKEND must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if self.concurrency < 1:
            raise SystemExit(f"consumer: CONCURRENCY must be at least 1, got {self.concurrency}")


@dataclass(frozen=True)
class Message:
    handle: str  # what ack, nack and extend take: an SQS receipt handle, a Pub/Sub ack id, a Redis entry id
    message_id: str
    request_id: str
    body: bytes
    content_type: str
    deliveries: int | None  # 1 on the first delivery; None when unknown (a push subscription without a dead-letter policy)
    fields: dict[str, str]  # the message's attributes, kept for the dead-letter stream


class Backend(Protocol):
    def receive(self, max_messages: int, wait_seconds: int) -> list[Message]: ...
    def ack(self, m: Message) -> None: ...
    def nack(self, m: Message, delay_seconds: int) -> None: ...
    def extend(self, m: Message, seconds: int) -> None: ...
    def dead_letter(self, m: Message, reason: str) -> None: ...


class Store(Protocol):
    def exists(self, key: str) -> bool: ...
    def put(self, key: str, record: bytes) -> bool: ...  # False: the key was already written (another delivery won)


# ---------------------------------------------------------------- SQS and S3 (boto3)
class Sqs:
    def __init__(self, cfg: Config, client: Any = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("sqs")
        self.sqs, self.url, self.visibility = client, cfg.queue, cfg.visibility

    def receive(self, max_messages: int, wait_seconds: int) -> list[Message]:
        # At most 10 messages and a 20 s long poll per call: SQS's own limits (ReceiveMessage API reference).
        out = self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=min(max_messages, 10), WaitTimeSeconds=min(wait_seconds, 20), VisibilityTimeout=self.visibility,
            AttributeNames=["ApproximateReceiveCount"], MessageAttributeNames=["All"],
        )  # fmt: skip
        messages = []
        for m in out.get("Messages", []):
            attrs = {k: v.get("StringValue", "") for k, v in m.get("MessageAttributes", {}).items()}
            rid = attrs.get("request-id") or m["MessageId"]
            deliveries = int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            messages.append(Message(m["ReceiptHandle"], m["MessageId"], rid, m["Body"].encode(), attrs.get("content-type", DEFAULT_CONTENT_TYPE), deliveries, attrs))
        return messages

    def ack(self, m: Message) -> None:
        self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=m.handle)

    def nack(self, m: Message, delay_seconds: int) -> None:
        self.sqs.change_message_visibility(QueueUrl=self.url, ReceiptHandle=m.handle, VisibilityTimeout=delay_seconds)

    def extend(self, m: Message, seconds: int) -> None:
        self.sqs.change_message_visibility(QueueUrl=self.url, ReceiptHandle=m.handle, VisibilityTimeout=seconds)

    def dead_letter(self, m: Message, reason: str) -> None:
        self.nack(m, 0)  # the queue's redrive policy moves it once its receive count passes maxReceiveCount


def _if_none_match(request: Any, **_: Any) -> None:
    request.headers["If-None-Match"] = "*"  # S3 conditional write: 412 when the key exists (S3 user guide, conditional writes)


class S3Store:
    def __init__(self, bucket: str, prefix: str, client: Any = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        # A header, not a parameter: boto3 releases before S3's conditional writes (2024) have no IfNoneMatch argument.
        client.meta.events.register("before-sign.s3.PutObject", _if_none_match)
        self.s3, self.bucket, self.prefix = client, bucket, prefix

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.s3.head_object(Bucket=self.bucket, Key=self.prefix + key)
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def put(self, key: str, record: bytes) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.s3.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=record, ContentType="application/json")
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                return False
            raise


# ---------------------------------------------------------------- Pub/Sub and GCS (REST, the metadata server's token)
class GoogleApi:
    def __init__(self) -> None:
        self.metadata = os.environ.get("GCE_METADATA_HOST", "metadata.google.internal")
        self.token, self.expires, self.lock = "", 0.0, threading.Lock()

    def bearer(self) -> str:
        with self.lock:
            if time.time() > self.expires - 60:
                url = f"http://{self.metadata}/computeMetadata/v1/instance/service-accounts/default/token"
                with urllib.request.urlopen(urllib.request.Request(url, headers={"Metadata-Flavor": "Google"}), timeout=10) as r:
                    answer = json.load(r)
                self.token, self.expires = answer["access_token"], time.time() + int(answer["expires_in"])
            return self.token

    def call(self, method: str, url: str, body: bytes | None = None, content_type: str = "application/json", timeout: float = 30) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.bearer()}", "Content-Type": content_type}
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=body, method=method, headers=headers), timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def json(self, url: str, payload: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
        status, body = self.call("POST", url, json.dumps(payload).encode(), timeout=timeout)
        if status != 200:
            raise RuntimeError(f"POST {url} answered {status}: {body[:300]!r}")
        return json.loads(body or b"{}")


GOOGLE = GoogleApi()  # one token for the queue and the store


class PubSub:
    def __init__(self, cfg: Config, api: GoogleApi | None = None) -> None:
        self.api = api or GOOGLE
        self.base = f"{os.environ.get('PUBSUB_ENDPOINT', 'https://pubsub.googleapis.com')}/v1/{cfg.queue}"

    def receive(self, max_messages: int, wait_seconds: int) -> list[Message]:
        out = self.api.json(f"{self.base}:pull", {"maxMessages": max_messages}, timeout=wait_seconds + 60)
        messages = []
        for r in out.get("receivedMessages", []):
            m, attrs = r["message"], r["message"].get("attributes", {})
            # deliveryAttempt is set only on a subscription with a dead-letter policy; the wiring always sets one.
            messages.append(Message(r["ackId"], m["messageId"], attrs.get("request-id") or m["messageId"], base64.b64decode(m.get("data", "")), attrs.get("content-type", DEFAULT_CONTENT_TYPE), int(r.get("deliveryAttempt", 1)), attrs))
        return messages

    def ack(self, m: Message) -> None:
        self.api.json(f"{self.base}:acknowledge", {"ackIds": [m.handle]})

    def nack(self, m: Message, delay_seconds: int) -> None:
        self.api.json(f"{self.base}:modifyAckDeadline", {"ackIds": [m.handle], "ackDeadlineSeconds": min(delay_seconds, 600)})

    def extend(self, m: Message, seconds: int) -> None:
        self.nack(m, seconds)  # the same call: a new deadline, at most 600 s from now (ModifyAckDeadline reference)

    def dead_letter(self, m: Message, reason: str) -> None:
        self.nack(m, 0)  # the subscription's dead-letter policy forwards it after maxDeliveryAttempts


class GcsStore:
    def __init__(self, bucket: str, prefix: str, api: GoogleApi | None = None) -> None:
        self.api, self.bucket, self.prefix = api or GOOGLE, bucket, prefix
        self.endpoint = os.environ.get("STORAGE_ENDPOINT", "https://storage.googleapis.com")

    def exists(self, key: str) -> bool:
        status, body = self.api.call("GET", f"{self.endpoint}/storage/v1/b/{self.bucket}/o/{urllib.parse.quote(self.prefix + key, safe='')}")
        if status in (200, 404):
            return status == 200
        raise RuntimeError(f"GCS metadata of {key} answered {status}: {body[:300]!r}")

    def put(self, key: str, record: bytes) -> bool:
        # ifGenerationMatch=0: create only if no live object has this name (GCS request preconditions).
        query = urllib.parse.urlencode({"uploadType": "media", "name": self.prefix + key, "ifGenerationMatch": "0"})
        status, body = self.api.call("POST", f"{self.endpoint}/upload/storage/v1/b/{self.bucket}/o?{query}", record)
        if status in (200, 412):
            return status == 200
        raise RuntimeError(f"GCS upload of {key} answered {status}: {body[:300]!r}")


# ---------------------------------------------------------------- Redis Streams (a minimal RESP2 client) and local stores
class RedisError(Exception):
    pass


class Redis:
    """One connection per thread (the receive loop blocks on XREADGROUP while workers acknowledge)."""

    def __init__(self, url: str, timeout: float = 120) -> None:  # longer than any XREADGROUP BLOCK
        u = urllib.parse.urlparse(url)
        self.host, self.port, self.password, self.timeout = u.hostname or "127.0.0.1", u.port or 6379, u.password, timeout
        self.db = (u.path.strip("/").split("/")[0] or "0") if u.path else "0"
        self.local = threading.local()

    def __call__(self, *args: str | int | bytes) -> Any:
        if getattr(self.local, "file", None) is None:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            self.local.sock, self.local.file = sock, sock.makefile("rb")
            if self.password:
                self._send("AUTH", self.password)
            self._send("SELECT", self.db)
        return self._send(*args)

    def _send(self, *args: str | int | bytes) -> Any:
        parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        try:
            self.local.sock.sendall(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))
            return self._read()
        except OSError:
            self.local.file = None  # reconnect on the next command
            raise

    def _read(self) -> Any:
        line = self.local.file.readline()
        if not line:
            self.local.file = None
            raise RedisError("connection closed by redis")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            return None if int(rest) < 0 else self.local.file.read(int(rest) + 2)[:-2]
        return None if int(rest) < 0 else [self._read() for _ in range(int(rest))]


class RedisStreams:
    def __init__(self, cfg: Config, redis: Redis | None = None) -> None:
        self.r = redis or Redis(env("REDIS_URL", "redis://127.0.0.1:6379/0"), timeout=cfg.poll_wait + 60)
        self.stream, self.group = cfg.queue, env("QUEUE_GROUP", "modelship")
        self.dead, self.consumer = env("QUEUE_DEAD_LETTER", f"{cfg.queue}:dead-letter"), env("CONSUMER_NAME", socket.gethostname())
        self.visibility_ms = cfg.visibility * 1000
        try:  # From 0, not $: what was queued while no replica ran is what scale-from-zero is for.
            self.r("XGROUP", "CREATE", self.stream, self.group, "0", "MKSTREAM")
        except RedisError as e:
            if "BUSYGROUP" not in str(e):
                raise

    def _message(self, entry_id: bytes, flat: list[bytes], deliveries: int) -> Message:
        fields = {flat[i].decode(): flat[i + 1] for i in range(0, len(flat), 2)}
        attrs = {k: v.decode(errors="replace") for k, v in fields.items() if k != "body"}
        eid = entry_id.decode()
        return Message(eid, eid, attrs.get("request-id") or eid, fields.get("body", b""), attrs.get("content-type", DEFAULT_CONTENT_TYPE), deliveries, attrs)

    def receive(self, max_messages: int, wait_seconds: int) -> list[Message]:
        # Redelivery first: entries idle past the visibility timeout (their consumer died, or nack made them due).
        claimed = self.r("XAUTOCLAIM", self.stream, self.group, self.consumer, self.visibility_ms, "0-0", "COUNT", max_messages)[1]
        messages = []
        for entry in (e for e in claimed if e is not None):
            pending = self.r("XPENDING", self.stream, self.group, entry[0], entry[0], 1)
            messages.append(self._message(entry[0], entry[1], int(pending[0][3]) if pending else 1))
        if messages:
            return messages
        out = self.r("XREADGROUP", "GROUP", self.group, self.consumer, "COUNT", max_messages, "BLOCK", wait_seconds * 1000, "STREAMS", self.stream, ">")
        return [self._message(eid, flat, 1) for eid, flat in (out[0][1] if out else [])]

    def ack(self, m: Message) -> None:
        self.r("XACK", self.stream, self.group, m.handle)

    def nack(self, m: Message, delay_seconds: int) -> None:
        # Redis has no per-message visibility: backdate the entry's idle time so XAUTOCLAIM takes it after the delay.
        # JUSTID leaves the delivery counter alone (XCLAIM reference).
        idle = max(0, self.visibility_ms - delay_seconds * 1000)
        self.r("XCLAIM", self.stream, self.group, self.consumer, 0, m.handle, "IDLE", idle, "JUSTID")

    def extend(self, m: Message, seconds: int) -> None:
        self.r("XCLAIM", self.stream, self.group, self.consumer, 0, m.handle, "JUSTID")  # idle back to 0

    def dead_letter(self, m: Message, reason: str) -> None:
        fields = [x for k, v in {**m.fields, "body": m.body, "source-id": m.message_id, "delivery-count": str(m.deliveries), "error": reason}.items() for x in (k, v)]
        self.r("XADD", self.dead, "*", *fields)
        self.ack(m)


class DirStore:
    def __init__(self, directory: str) -> None:
        self.dir = directory
        os.makedirs(directory, exist_ok=True)

    def exists(self, key: str) -> bool:
        return os.path.exists(os.path.join(self.dir, key))

    def put(self, key: str, record: bytes) -> bool:
        tmp = os.path.join(self.dir, f".{key}.{os.getpid()}.{threading.get_ident()}")
        with open(tmp, "wb") as f:
            f.write(record)
        try:
            os.link(tmp, os.path.join(self.dir, key))  # atomic, and fails when the name exists (no overwrite)
            return True
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)


class RedisStore:
    def __init__(self, url: str) -> None:
        self.r, parts = Redis(url), urllib.parse.urlparse(url).path.strip("/").split("/", 1)
        self.prefix = parts[1] if len(parts) > 1 else ""

    def exists(self, key: str) -> bool:
        return self.r("EXISTS", self.prefix + key) == 1

    def put(self, key: str, record: bytes) -> bool:
        return self.r("SET", self.prefix + key, record, "NX") == "OK"


# ---------------------------------------------------------------- Pub/Sub push (Cloud Run): deliveries arrive over HTTP
class Malformed(Exception):
    """A request body that is not a Pub/Sub push envelope."""


class PubSubPush:
    """A push delivery is acknowledged by its HTTP answer (PushHandler), so the queue calls of the pull backends are
    nothing here, and nothing is extended: the subscription's ack deadline is the push request's timeout."""

    def __init__(self, cfg: Config) -> None:
        self.handles = itertools.count()

    def message(self, body: bytes) -> Message:
        """The message of a wrapped push envelope: {"message": {"data", "attributes", "messageId"}, "subscription",
        "deliveryAttempt"}, deliveryAttempt only on a subscription with a dead-letter policy (cloud.google.com/pubsub/docs/push)."""
        try:
            envelope = json.loads(body)
        except ValueError as e:
            raise Malformed(f"not JSON: {e}") from e
        m = envelope.get("message") if isinstance(envelope, dict) else None
        if not isinstance(m, dict):
            raise Malformed('no "message" object')
        message_id = m.get("messageId") or m.get("message_id")  # Pub/Sub sends both spellings
        if not isinstance(message_id, str) or not message_id:
            raise Malformed('no "message.messageId"')
        if not SAFE_ID.fullmatch(message_id):  # Pub/Sub's ids are digits; the key of a refused request id's record
            raise Malformed(f'"message.messageId" {message_id[:200]!r} is not [A-Za-z0-9._-]{{1,128}}')
        attrs = m.get("attributes") or {}
        if not isinstance(attrs, dict) or not all(isinstance(v, str) for v in attrs.values()):
            raise Malformed('"message.attributes" is not an object of strings')
        try:
            data = base64.b64decode(m.get("data") or "", validate=True)
        except (binascii.Error, TypeError, ValueError) as e:
            raise Malformed('"message.data" is not base64') from e
        attempt = envelope.get("deliveryAttempt")
        if isinstance(attempt, str) and attempt.isdigit():
            attempt = int(attempt)
        if attempt is not None and (type(attempt) is not int or attempt < 1):
            raise Malformed(f'"deliveryAttempt" is not a positive whole number: {attempt!r}')
        handle = f"{message_id}#{next(self.handles)}"  # unique: Pub/Sub may deliver one message twice at once
        rid = attrs.get("request-id") or message_id
        return Message(handle, message_id, rid, data, attrs.get("content-type", DEFAULT_CONTENT_TYPE), attempt, attrs)

    def receive(self, max_messages: int, wait_seconds: int) -> list[Message]:
        raise RuntimeError("pubsub-push receives nothing: deliveries arrive over HTTP (Consumer.serve)")

    def ack(self, m: Message) -> None:
        pass  # answered 204

    def nack(self, m: Message, delay_seconds: int) -> None:
        pass  # answered 503 (429): the subscription's retry policy sets the delay

    def extend(self, m: Message, seconds: int) -> None:
        pass

    def dead_letter(self, m: Message, reason: str) -> None:
        pass  # answered 503: the dead-letter policy forwards it, this being delivery maxDeliveryAttempts


BACKENDS: dict[str, type] = {"sqs": Sqs, "pubsub": PubSub, "redis": RedisStreams, PUSH: PubSubPush}


def open_store(url: str) -> Store:
    u = urllib.parse.urlparse(url)
    if u.scheme == "s3":
        return S3Store(u.netloc, u.path.lstrip("/"))
    if u.scheme == "gs":
        return GcsStore(u.netloc, u.path.lstrip("/"))
    if u.scheme == "file":
        return DirStore(u.path)
    if u.scheme == "redis":
        return RedisStore(url)
    raise SystemExit(f"consumer: RESULT_URL must start with s3://, gs://, file:// or redis://, got {url!r}")


# ---------------------------------------------------------------- the consumer
class Retry(Exception):
    """A failure another attempt may fix: 5xx, 408, 429, connection refused, timeout."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status  # the model server's answer, None when there was none


# What process() did with a message: the pull loop has told the queue already, the push server answers with it.
ACKED, RETRY, THROTTLED, DEAD_LETTERED, ERROR = "acked", "retry", "throttled", "dead-lettered", "error"
RELEASED = "released"  # the stop handed the message back while its call ran (pull backends only)


def record(request_id: str, outcome: str, deliveries: int, status: int | None, headers: dict[str, str], body: bytes | None, error: str | None = None) -> bytes:
    r: dict[str, Any] = {"requestId": request_id, "outcome": outcome, "status": status, "deliveries": deliveries, "completedAt": datetime.now(timezone.utc).isoformat()}
    if body is not None:
        r["headers"] = headers
        try:
            r["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            r["bodyBase64"] = base64.b64encode(body).decode()
    if error is not None:
        r["error"] = error
    return json.dumps(r).encode()


class Consumer:
    def __init__(self, cfg: Config, backend: Backend, store: Store) -> None:
        self.cfg, self.backend, self.store = cfg, backend, store
        self.model_url = f"http://127.0.0.1:{cfg.model_port}{cfg.model_path}"
        self.readiness_url = f"http://127.0.0.1:{cfg.model_port}{cfg.readiness_path}"
        self.kept_headers = {h.strip().lower() for h in cfg.result_headers.split(",")}
        self.ready, self.stopping, self.done = threading.Event(), threading.Event(), threading.Event()
        self.inflight: dict[str, Message] = {}  # received and neither acknowledged nor released: the heartbeat extends these
        self.running = 0  # workers busy with a message, until their last queue call returns
        self.lock = threading.Lock()
        self.stop_at = 0.0  # time.monotonic() of the SIGTERM: the stop's deadline counts from it
        self.released = threading.Event()  # the stop is over: what still ran was handed back, the process exits next
        self.unfinished = 0  # messages the stop handed back at its deadline
        self.drain_asked = threading.Event()  # a GET /drained was answered (the linger before exit waits for one)

    def stop(self, *_: Any) -> None:
        """SIGTERM, SIGINT: stop receiving. The deadline of the requests in flight counts from here."""
        if not self.stopping.is_set():
            self.stop_at = time.monotonic()
            self.stopping.set()

    def drain_state(self) -> str | None:
        """What GET /drained answers: `drained` once stopping with no message held, `released` once the stop handed back
        what still ran at its deadline, None before. Read under the lock the receive loop counts a message under, so a
        message taken before the SIGTERM is always counted when this looks."""
        with self.lock:
            if self.released.is_set():  # the stop is over, whatever the workers still do
                return "released" if self.unfinished else "drained"
            if self.stopping.is_set() and self.running == 0:
                return "drained"
        return None

    def probe(self) -> bool:
        """One readiness probe of the model server: True, and `ready` set, when it answers 2xx."""
        try:
            with urllib.request.urlopen(self.readiness_url, timeout=5) as r:
                if 200 <= r.status < 300:
                    if not self.ready.is_set():
                        self.ready.set()
                        log("ready", url=self.readiness_url)
                    return True
        except (OSError, urllib.error.URLError):
            pass
        return False

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.cfg.readiness_timeout
        while not self.stopping.is_set():
            if self.probe():
                return
            if time.monotonic() > deadline:
                raise SystemExit(f"consumer: the model server was not ready at {self.readiness_url} within {self.cfg.readiness_timeout} s")
            time.sleep(1)

    def call(self, m: Message, rid: str) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.model_url, data=m.body, method="POST", headers={"Content-Type": m.content_type, "X-Request-Id": rid})
        try:
            with urllib.request.urlopen(req, timeout=self.cfg.request_timeout) as r:
                status, headers, body = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, body = e.code, e.headers, e.read()
        except (OSError, urllib.error.URLError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, ConnectionRefusedError):
                self.ready.clear()  # the server went away: receive nothing more until it answers its readiness probe
            raise Retry(f"{'timed out after %d s' % self.cfg.request_timeout if isinstance(reason, TimeoutError) else reason}") from e
        kept = {k.lower(): v for k, v in headers.items() if k.lower() in self.kept_headers}
        if status >= 500 or status in (408, 429):
            raise Retry(f"the model server answered {status}: {body[:200].decode(errors='replace')}", status)
        return status, kept, body

    def process(self, m: Message) -> str:
        """Handles one message (the caller counted it in `running`) and says what became of it (ACKED, RETRY, ...)."""
        rid = m.request_id if SAFE_ID.fullmatch(m.request_id) else m.message_id
        key = f"{rid}.json"
        outcome = ERROR
        try:
            if rid != m.request_id:
                self.finish(m, rid, record(rid, "rejected", m.deliveries, None, {}, None, f"request-id {m.request_id[:200]!r} is not [A-Za-z0-9._-]{{1,128}}"))
                outcome = ACKED
            elif self.store.exists(key):
                log("duplicate", requestId=rid, deliveries=m.deliveries)  # done before: never call the server twice
                self.settle(m, self.backend.ack)
                outcome = ACKED
            else:
                try:
                    status, headers, body = self.call(m, rid)
                    self.finish(m, rid, record(rid, "succeeded" if status < 400 else "rejected", m.deliveries, status, headers, body))
                    outcome = ACKED
                except Retry as e:
                    if self.done.is_set():
                        # The stop handed this message back at its deadline (another replica takes it): a call failing
                        # now failed because the server stops, which is no attempt to count, and certainly no last one.
                        log("released", requestId=rid, error=str(e))
                        return RELEASED
                    # No delivery count (a push subscription without a dead-letter policy): never the last attempt.
                    if m.deliveries is not None and m.deliveries >= self.cfg.max_deliveries:
                        self.store.put(key, record(rid, "failed", m.deliveries, None, {}, None, str(e)))
                        self.settle(m, lambda m: self.backend.dead_letter(m, str(e)))
                        log("dead-letter", requestId=rid, deliveries=m.deliveries, error=str(e))
                        outcome = DEAD_LETTERED
                    else:
                        delay = min(self.cfg.backoff_max, self.cfg.backoff_base * 2 ** ((m.deliveries or 1) - 1))
                        self.settle(m, lambda m: self.backend.nack(m, delay))
                        # On push, the subscription's retry policy sets the delay, not the consumer.
                        log("retry", requestId=rid, deliveries=m.deliveries, **({} if self.cfg.backend == PUSH else {"delaySeconds": delay}), error=str(e))
                        outcome = THROTTLED if e.status == 429 else RETRY
        except Exception as e:  # the store or the queue failed: the message reappears after its visibility timeout
            log("error", requestId=rid, error=f"{type(e).__name__}: {e}")
        finally:
            with self.lock:
                self.inflight.pop(m.handle, None)
                self.running -= 1
        return outcome

    def settle(self, m: Message, action: Callable[[Message], None]) -> None:
        with self.lock:  # out of the heartbeat's hands first: no extension may follow an ack or a nack
            self.inflight.pop(m.handle, None)
        action(m)

    def finish(self, m: Message, rid: str, data: bytes) -> None:
        written = self.store.put(f"{rid}.json", data)
        self.settle(m, self.backend.ack)
        log("result", requestId=rid, outcome=json.loads(data)["outcome"], deliveries=m.deliveries, written=written)

    def heartbeat(self) -> None:
        # Every third of the visibility timeout: a message reappears only if two extensions in a row fail.
        while not self.done.wait(max(1, self.cfg.visibility // 3)):
            with self.lock:
                for m in list(self.inflight.values()):
                    try:
                        self.backend.extend(m, self.cfg.visibility)
                    except Exception as e:
                        log("error", requestId=m.request_id, error=f"extend failed: {e}")

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.stop)
        threading.Thread(target=self.heartbeat, daemon=True).start()
        drain = start_drain_server(self) if self.cfg.drain_port else None
        pool = ThreadPoolExecutor(self.cfg.concurrency)
        while not self.stopping.is_set():
            if not self.ready.is_set():
                self.wait_ready()
                continue
            free = self.cfg.concurrency - self.running
            if free <= 0:
                time.sleep(0.05)
                continue
            try:
                messages = self.backend.receive(free, self.cfg.poll_wait)
            except Exception as e:
                log("error", error=f"receive failed: {type(e).__name__}: {e}")
                time.sleep(1)
                continue
            for m in messages:
                with self.lock:  # checked and counted at once: GET /drained never sees a message between the two
                    taken = not self.stopping.is_set()
                    if taken:
                        self.inflight[m.handle] = m
                        self.running += 1
                if not taken:
                    self.backend.nack(m, 0)  # received during the stop: let another replica have it now
                    continue
                pool.submit(self.process, m)
        log("stopping", inflight=self.running)
        # From the SIGTERM, not from the end of the receive that was under way: the grace period counts from there too.
        deadline = (self.stop_at or time.monotonic()) + self.cfg.stop_timeout
        while self.running and time.monotonic() < deadline:
            time.sleep(0.05)
        self.done.set()  # no extension after this
        with self.lock:
            left, self.inflight = list(self.inflight.values()), {}
        for m in left:  # still running at the end of the grace period: visible again at once, for another replica
            self.backend.nack(m, 0)
        log("stopped", unfinished=len(left))
        self.unfinished = len(left)
        if drain is not None:
            drain.finish()
        sys.stdout.flush()
        os._exit(0)  # worker threads may still wait on the model server; their messages were released above

    def serve(self) -> int:
        """pubsub-push: an HTTP server on PORT (all interfaces, as Cloud Run's ingress container must listen) instead
        of a receive loop. On SIGTERM it stops accepting, answers 503 to what arrives on open connections, waits up to
        STOP_TIMEOUT for the requests in flight and exits 0; a request still running then gets no answer, and Pub/Sub
        delivers it again."""
        if not isinstance(self.backend, PubSubPush):
            raise SystemExit(f"consumer: serve() takes push deliveries, QUEUE_BACKEND is {self.cfg.backend!r}")
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())
        server = PushServer(("0.0.0.0", self.cfg.port), PushHandler)
        server.consumer, server.deliveries, server.slots = self, self.backend, threading.BoundedSemaphore(self.cfg.concurrency)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        log("listening", port=self.cfg.port, concurrency=self.cfg.concurrency, stopTimeout=self.cfg.stop_timeout)
        while not self.stopping.wait(1):
            pass
        server.shutdown()  # no more accepts...
        server.server_close()  # ...and new connections refused
        with self.lock:  # from here on every handler sees `stopping` (it checks it under this lock)
            log("stopping", inflight=self.running)
        deadline = time.monotonic() + self.cfg.stop_timeout
        while self.running and time.monotonic() < deadline:
            time.sleep(0.05)
        log("stopped", unfinished=self.running)
        sys.stdout.flush()
        os._exit(0)  # handler threads still running are cut off: their deliveries get no answer, Pub/Sub retries them


class PushServer(ThreadingHTTPServer):
    daemon_threads = True  # not joined on close: the stop waits for the requests in flight itself, up to STOP_TIMEOUT
    request_queue_size = 128  # listen backlog; containerConcurrency may be up to 1000 (Cloud Run concurrency docs)
    consumer: Consumer
    deliveries: PubSubPush
    slots: threading.BoundedSemaphore


# A push delivery's answer: 102, 200, 201, 202 and 204 acknowledge, any other status is a negative acknowledgement
# and Pub/Sub delivers the message again (cloud.google.com/pubsub/docs/push).
ANSWERS = {ACKED: 204, RETRY: 503, THROTTLED: 429, DEAD_LETTERED: 503, ERROR: 503}


class PushHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: Cloud Run proxies requests to the container as HTTP/1
    server_version, sys_version = "modelship-queue-consumer", ""
    server: PushServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the consumer logs its own events, as JSON lines

    def answer(self, status: int, payload: dict[str, Any] | None = None) -> None:
        body = json.dumps(payload).encode() if payload is not None and status != 204 else b""
        self.send_response(status)
        if status != 204:  # a 204 has neither a body nor a Content-Length (RFC 9110, 8.6)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        if self.server.consumer.stopping.is_set():
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":  # RFC 9112, 7.1 (no trailers expected)
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        length = self.headers.get("Content-Length", "")
        return self.rfile.read(int(length)) if length.isdigit() else b""

    def do_GET(self) -> None:
        if urllib.parse.urlsplit(self.path).path != "/healthz":
            return self.answer(404, {"error": f"no route GET {self.path}"})
        # Cloud Run's startup probe of the ingress container: no delivery reaches an instance before the model is ready.
        ready = self.server.consumer.probe()
        self.answer(200 if ready else 503, {"ready": ready})

    def do_POST(self) -> None:
        consumer = self.server.consumer
        if urllib.parse.urlsplit(self.path).path != "/":
            return self.answer(404, {"error": f"no route POST {self.path}"})
        with consumer.lock:
            if consumer.stopping.is_set():
                return self.answer(503, {"error": "stopping"})
            consumer.running += 1  # counted before anything else, so that the stop waits for it
        counted = True
        try:
            body = self.body()
            try:
                m = self.server.deliveries.message(body)
            except Malformed as e:
                # Not acknowledged (a 4xx is a negative acknowledgement too): if the subscription delivers unwrapped
                # payloads by mistake, every message is kept, to dead-letter or to serve once the wrapper is back.
                log("malformed", error=str(e), bytes=len(body))
                return self.answer(400, {"error": f"not a Pub/Sub push envelope: {e}"})
            # Cloud Run sends an instance at most containerConcurrency requests; CONCURRENCY beyond that waits here
            # rather than answering 429, which would spend a delivery attempt without calling the model.
            while not self.server.slots.acquire(timeout=0.1):
                if consumer.stopping.is_set():
                    return self.answer(503, {"error": "stopping"})
            try:
                counted = False  # process() uncounts it
                outcome = consumer.process(m)
            finally:
                self.server.slots.release()
            self.answer(ANSWERS[outcome], {"outcome": outcome, "requestId": m.request_id})
        finally:
            if counted:
                with consumer.lock:
                    consumer.running -= 1


# ---------------------------------------------------------------- GET /drained: the stop order on Kubernetes
DRAIN_PATH = "/drained"
DRAIN_WAITERS = 16  # GET /drained waiting at once; the kubelet sends one per stop, more are answered "busy" at once
DRAIN_LINGER = 5  # seconds the stop waits before exiting for a GET /drained not asked yet (the kubelet's may be late)


class DrainServer(ThreadingHTTPServer):
    """`GET /drained` on DRAIN_PORT (pull backends; docs/queue-mode.md, "Stop order"). The model server's preStop hook is
    an httpGet to it: the kubelet sends that request to the pod's IP, never to loopback, so it listens on every interface
    (IPv4 and IPv6). It answers once the consumer has had its SIGTERM and holds no message (`drained`), or once the stop
    handed back at its deadline what still ran (`released`), so the server stops only after it. Anyone who reaches the port
    learns that and the seconds waited, nothing else; the request carries no input, and a GET before the SIGTERM waits
    at most STOP_TIMEOUT, then answers 503 `not-stopping` (the server restarted alone, after failing its liveness probe)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, consumer: Consumer, dual: bool) -> None:
        self.address_family = socket.AF_INET6 if dual else socket.AF_INET
        self.consumer, self.waiters = consumer, threading.BoundedSemaphore(DRAIN_WAITERS)
        self.active, self.active_lock = 0, threading.Lock()
        super().__init__(("::" if dual else "0.0.0.0", consumer.cfg.drain_port), DrainHandler)

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # IPv4 too: a pod's IP may be either
        socketserver.TCPServer.server_bind(self)  # not HTTPServer's, which looks the address up in DNS
        self.server_name, self.server_port = "queue-consumer", self.socket.getsockname()[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        log("error", error=f"drain endpoint: {sys.exc_info()[1]}")  # a caller that went away; nothing to recover

    def finish(self) -> None:
        """The stop is over: waiting requests answer `released` now. Then, before the process exits, a moment for a
        request not arrived yet, so that the kubelet finds an answer rather than a closed port (a failed hook, logged)."""
        self.consumer.released.set()
        deadline = time.monotonic() + DRAIN_LINGER
        while time.monotonic() < deadline and (self.active or not self.consumer.drain_asked.is_set()):
            time.sleep(0.05)


class DrainHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version, sys_version = "modelship-queue-consumer", ""
    timeout = 10  # seconds to send the request line and headers: no connection is held by a caller that sends nothing
    server: DrainServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the consumer logs its own events, as JSON lines

    def answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # BaseHTTPRequestHandler's own errors (501 for a method other than GET, 400 for a malformed request): JSON,
        # echoing nothing of the request.
        self.answer(code, {"error": HTTPStatus(code).phrase.lower()})

    def do_GET(self) -> None:  # any other method: 501, from BaseHTTPRequestHandler through send_error
        if urllib.parse.urlsplit(self.path).path != DRAIN_PATH:
            return self.answer(404, {"error": "not found"})
        if not self.server.waiters.acquire(blocking=False):
            return self.answer(503, {"state": "busy"})
        with self.server.active_lock:
            self.server.active += 1
        try:
            consumer, start = self.server.consumer, time.monotonic()
            # The kubelet runs the server's preStop and sends the consumer its SIGTERM in parallel: wait for the SIGTERM
            # (at most STOP_TIMEOUT), then for the drain, which the stop's own deadline bounds.
            while (state := consumer.drain_state()) is None:
                if not consumer.stopping.is_set() and time.monotonic() - start >= consumer.cfg.stop_timeout:
                    state = "not-stopping"
                    break
                time.sleep(0.05)
            waited = round(time.monotonic() - start, 2)
            log("drain", state=state, waitedSeconds=waited)
            self.answer(503 if state == "not-stopping" else 200, {"state": state, "waitedSeconds": waited})
        finally:
            self.server.consumer.drain_asked.set()
            with self.server.active_lock:
                self.server.active -= 1
            self.server.waiters.release()


def start_drain_server(consumer: Consumer) -> DrainServer:
    try:
        try:
            server = DrainServer(consumer, dual=socket.has_dualstack_ipv6())
        except OSError:
            server = DrainServer(consumer, dual=False)  # IPv6 present but unusable (disabled by sysctl): IPv4 only
    except OSError as e:
        raise SystemExit(f"consumer: cannot listen on DRAIN_PORT {consumer.cfg.drain_port}: {e}") from e
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    log("drain-listening", port=server.server_port, path=DRAIN_PATH)
    return server


def main() -> int:
    cfg = Config()
    consumer = Consumer(cfg, BACKENDS[cfg.backend](cfg), open_store(cfg.result_url))
    return consumer.serve() if cfg.backend == PUSH else consumer.run()


if __name__ == "__main__":
    sys.exit(main())
