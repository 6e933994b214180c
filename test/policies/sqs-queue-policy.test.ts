/**
 * public-endpoint-auth on SQS queues (a queue-mode service's submit endpoint on AWS): a queue policy, or the `policy` of a
 * queue, that lets every principal send without a condition narrowing the senders fails; one narrowed by a condition, one
 * naming its principals and modelship's own queue (no policy) pass. The symmetric of the Pub/Sub topic check
 * (cloudrun-queue.test.ts).
 */
import { describe, expect, it } from "vitest";
import { Accelerator, KubernetesQueueProvider, ModelService, ScalingMode, ServingRuntime, Target } from "../../index";
import { coversSendMessage } from "../../policies/inspect/exposure-sqs";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf, record } from "./helpers";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

const short = (urn: string | undefined) => urn?.split("::").pop();
const found = (resources: ResourceRecord[]) => findingsOf("public-endpoint-auth", resources, {}).map((f) => `${short(f.urn)}: ${f.message}`);

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/111122223333/llm-requests";
const QUEUE_ARN = "arn:aws:sqs:us-east-1:111122223333:llm-requests";
const queuePolicy = (name: string, statement: Record<string, unknown>, asObject = false) => {
    const document = { Version: "2012-10-17", Statement: [statement] };
    return record("aws:sqs/queuePolicy:QueuePolicy", name, { queueUrl: QUEUE_URL, policy: asObject ? document : JSON.stringify(document) });
};
const open = (why: string, name: string, action: string) =>
    `${name}: statement ${why} allows ${action} to every principal ("*") with no condition on aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID or another key that narrows it: anyone on the internet can send to SQS queue ${QUEUE_URL} (a queue's submit endpoint); name the callers' accounts or roles as the Principal, or add such a condition`;

describe("public-endpoint-auth on SQS queue policies", () => {
    it('fails a queue policy that lets every principal send, by Principal "*" or {AWS: "*"}, by sqs:SendMessage, sqs:* or *', () => {
        const resources = [
            queuePolicy("anyone", { Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE_ARN }),
            queuePolicy("any-aws", { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111122223333:root", "*"] }, Action: ["sqs:GetQueueUrl", "sqs:*"], Resource: QUEUE_ARN }, true),
            queuePolicy("star", { Sid: "All", Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: QUEUE_ARN, Condition: { Bool: { "aws:SecureTransport": "true" } } }),
            queuePolicy("if-exists", {
                Sid: "IfExists",
                Effect: "Allow",
                Principal: "*",
                Action: "SQS:Send*",
                Resource: QUEUE_ARN,
                Condition: { ArnEqualsIfExists: { "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:events" } },
            }),
            record("aws:sqs/queue:Queue", "inline", {
                name: "llm-requests",
                policy: JSON.stringify({ Statement: { Sid: "Inline", Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" } }),
            }),
        ];
        expect(found(resources)).toEqual([
            open("Anyone", "anyone", "sqs:SendMessage"),
            open("0", "any-aws", "sqs:*"),
            open("All", "star", "*"),
            open("IfExists", "if-exists", "SQS:Send*"),
            open("Inline", "inline", "sqs:SendMessage").replace(`SQS queue ${QUEUE_URL}`, "SQS queue llm-requests"),
        ]);
    });

    it("passes a statement narrowed by aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID, named principals, a Deny, and other actions", () => {
        const resources = [
            queuePolicy("from-topic", {
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: QUEUE_ARN,
                Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:events" } },
            }),
            queuePolicy("source-account", { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE_ARN, Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } }),
            queuePolicy("org", { Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:*", Resource: QUEUE_ARN, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
            queuePolicy("named", { Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:role/clients" }, Action: "sqs:SendMessage", Resource: QUEUE_ARN }),
            queuePolicy("deny", { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: QUEUE_ARN, Condition: { Bool: { "aws:SecureTransport": "false" } } }),
            queuePolicy("read-only", { Effect: "Allow", Principal: "*", Action: ["sqs:GetQueueAttributes", "sqs:Receive*"], Resource: QUEUE_ARN }),
        ];
        expect(found(resources)).toEqual([]);
    });

    it("passes modelship's own queue on Kubernetes: no queue policy, the queues without a policy", async () => {
        const { resources } = await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 4 },
                    kubernetes: { queue: { provider: KubernetesQueueProvider.AwsSqs, eksClusterName: "ml-dev", kedaRoleArn: "arn:aws:iam::123456789012:role/keda-operator" } },
                    target: Target.Kubernetes,
                }),
        );
        expect(resources.filter((r) => r.type === "aws:sqs/queue:Queue").map((r) => r.name)).toEqual(["llm-dead-letter", "llm-requests"]);
        expect(found(resources)).toEqual([]);
    });

    it("reads IAM action wildcards as IAM does: * and ?, case-insensitive", () => {
        expect(["sqs:SendMessage", "sqs:sendmessage", "sqs:*", "*", "sqs:Send*", "sqs:?endMessage", "*:SendMessage"].map(coversSendMessage)).toEqual([true, true, true, true, true, true, true]);
        expect(["sqs:SendMessageBatch", "sqs:ReceiveMessage", "sns:*", "sqs:Send"].map(coversSendMessage)).toEqual([false, false, false, false]);
    });
});
