"""SQS and S3 protocol test of the queue consumer (botocore's Stubber, no AWS): runs the consumer's own Sqs backend,
S3Store and Consumer.process against stubbed clients and a real model server on loopback, and prints every API call
the consumer made, per scenario, as JSON: {"scenario": [[operation, params], ...], ...}.

Usage: sqs_protocol.py <consumer.py> <model server port>
"""

import importlib.util
import json
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside consumer.py in the source tree

import boto3
from botocore.awsrequest import AWSRequest
from botocore.stub import Stubber

spec = importlib.util.spec_from_file_location("consumer", sys.argv[1])
consumer = importlib.util.module_from_spec(spec)
sys.modules["consumer"] = consumer  # dataclasses look their module up there
spec.loader.exec_module(consumer)
PORT = int(sys.argv[2])
events: list = []
consumer.log = lambda event, **fields: events.append({"event": event, **fields})  # stdout carries the JSON answer only
QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/llm-requests"


def config() -> "consumer.Config":
    return consumer.Config(
        backend="sqs", queue=QUEUE_URL, result_url="s3://llm-results/results/", model_port=PORT, model_path="/v1/predict",
        readiness_path="/health", readiness_timeout=5, request_timeout=5, visibility=60, max_deliveries=3,
        backoff_base=5, backoff_max=300, concurrency=1, stop_timeout=5, poll_wait=20, result_headers="content-type",
    )


def client(service: str, calls: list):
    c = boto3.client(service, region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test")

    def record(params, model, **_):
        body = params.get("Body")  # botocore's S3 handlers have made it a file object by now
        calls.append([model.name, {**params, "Body": json.loads(body.getvalue())} if hasattr(body, "getvalue") else dict(params)])

    c.meta.events.register(f"before-parameter-build.{service}", record)
    return c


def message(request_id: str, body: dict, receives: int) -> dict:
    return {
        "Messages": [{
            "MessageId": f"mid-{request_id}", "ReceiptHandle": f"rh-{request_id}-{receives}", "Body": json.dumps(body),
            "Attributes": {"ApproximateReceiveCount": str(receives)},
            "MessageAttributes": {"request-id": {"StringValue": request_id, "DataType": "String"}, "content-type": {"StringValue": "application/json", "DataType": "String"}},
        }]
    }  # fmt: skip


def scenario(name: str, request_id: str, body: dict, receives: int, head_exists: bool, put: str | None, then: str | None) -> list:
    calls: list = []
    sqs, s3 = client("sqs", calls), client("s3", calls)
    with Stubber(sqs) as sqs_stub, Stubber(s3) as s3_stub:
        sqs_stub.add_response("receive_message", message(request_id, body, receives))
        if head_exists:
            s3_stub.add_response("head_object", {"ContentLength": 10})
        else:
            s3_stub.add_client_error("head_object", service_error_code="404", http_status_code=404)
        if put == "ok":
            s3_stub.add_response("put_object", {"ETag": '"abc"'})
        elif put == "exists":
            s3_stub.add_client_error("put_object", service_error_code="PreconditionFailed", http_status_code=412)
        if then == "delete":
            sqs_stub.add_response("delete_message", {})
        elif then == "visibility":
            sqs_stub.add_response("change_message_visibility", {})
        cfg = config()
        backend, store = consumer.Sqs(cfg, client=sqs), consumer.S3Store("llm-results", "results/", client=s3)
        run = consumer.Consumer(cfg, backend, store)
        for m in backend.receive(4, 20):
            run.inflight[m.handle] = m
            run.process(m)
        sqs_stub.assert_no_pending_responses()
        s3_stub.assert_no_pending_responses()
    for _, params in calls:  # the time of the record varies; the rest is asserted exactly
        if isinstance(params.get("Body"), dict):
            params["Body"]["completedAt"] = "<time>"
    return calls


out = {
    "succeeded": scenario("succeeded", "sqs-ok", {"mode": "ok"}, 1, False, "ok", "delete"),
    "duplicate": scenario("duplicate", "sqs-dup", {"mode": "ok"}, 2, True, None, "delete"),
    "retry": scenario("retry", "sqs-retry", {"mode": "fail"}, 2, False, None, "visibility"),
    "dead-letter": scenario("dead-letter", "sqs-dead", {"mode": "fail"}, 3, False, "ok", "visibility"),
    "rejected": scenario("rejected", "sqs-bad", {"mode": "bad"}, 1, False, "ok", "delete"),
    "lost-race": scenario("lost-race", "sqs-race", {"mode": "ok"}, 1, False, "exists", "delete"),
}

calls: list = []
sqs = client("sqs", calls)
with Stubber(sqs) as stub:
    stub.add_response("change_message_visibility", {})
    consumer.Sqs(config(), client=sqs).extend(consumer.Message("rh-long", "mid-long", "long", b"{}", "application/json", 1, {}), 60)
out["extend"] = calls

s3 = client("s3", [])
consumer.S3Store("llm-results", "results/", client=s3)
headers = {}
for operation in ("PutObject", "HeadObject"):
    request = AWSRequest(method="PUT", url="https://llm-results.s3.eu-west-1.amazonaws.com/results/x.json")
    s3.meta.events.emit(f"before-sign.s3.{operation}", request=request, signing_name="s3", region_name="eu-west-1", signature_version="s3v4", request_signer=None, operation_name=operation)
    headers[operation] = dict(request.headers.items())
out["signedHeaders"] = headers
out["events"] = events
print(json.dumps(out))
