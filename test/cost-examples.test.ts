/**
 * The cost of every example is the price of what it would run, checked by hand against the price lists: each
 * expected figure is written out from the CSV rows (730 hours a month, rounded to cents). And every resource type
 * the examples create is priced, free with a reason, or unknown because it is billed at a price the catalog lacks:
 * our own stacks have no unknown that is really free, and nothing billed is counted as $0.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { costClass } from "../sdk/cost";
import { planCost, type PlanCost } from "../sdk/plan/cost";
import { runProgram, type PlanRun } from "../sdk/plan/run";

const root = path.join(__dirname, "..");
const examples = fs
    .readdirSync(path.join(root, "examples"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, "examples", e.name, "Pulumi.yaml")))
    .map((e) => e.name);

type Figures = { min: number | null; max: number | null };

/**
 * A ModelService's observability on aws-sagemaker and aws-lambda (issue 18): its alarms at $0.10 per alarm metric a month
 * (standard resolution, us-east-1: infracost's reading of the AWS Price List, sdk/catalog/data/aws-cloudwatch.data.ts),
 * the errors alarm reading two metrics (errors / invocations) and every other alarm one; its dashboard at $3 a month. The
 * account's free tier (10 alarm metrics, 3 dashboards) is not deducted.
 */
const ALARM_MONTHLY: Record<string, number> = { errors: 0.2, latency: 0.1, "at-max": 0.1, throttles: 0.1, backlog: 0.1 };
function observed(service: string, alarms: string[]): Record<string, Figures> {
    const items: Record<string, Figures> = { [`${service}-dashboard`]: { min: 3, max: 3 } };
    for (const a of alarms) items[`${service}-alarm-${a}`] = { min: ALARM_MONTHLY[a], max: ALARM_MONTHLY[a] };
    return items;
}
/** The alarms of a real-time SageMaker endpoint with autoscaling ($3.40 with the dashboard), and of a Lambda function without provisioned concurrency ($3.30). */
const SAGEMAKER_ALARMS = ["errors", "latency", "at-max"];
/**
 * A PolyglotPipeline's Step Functions state machine's alarms: the failed share reads four metrics (failed, timed out,
 * aborted, started: $0.40), the execution time one ($0.10).
 */
function orchestratorAlarms(pipeline: string): Record<string, Figures> {
    return { [`${pipeline}-alarm-failures`]: { min: 0.4, max: 0.4 }, [`${pipeline}-alarm-latency`]: { min: 0.1, max: 0.1 } };
}
const LAMBDA_ALARMS = ["errors", "throttles"];

/** Per example: the billed items by resource name, and the totals (null when an item is unknown). */
const EXPECTED: Record<string, { items: Record<string, Figures>; total: Figures; known: Figures }> = {
    // Local Docker engine: no cloud charge for the fetch and server containers, nor for the gateway's nginx container.
    quickstart: {
        items: { "densenet-fetch": { min: 0, max: 0 }, "densenet-server": { min: 0, max: 0 }, "models-gateway": { min: 0, max: 0 } },
        total: { min: 0, max: 0 },
        known: { min: 0, max: 0 },
    },
    // Two classifiers and the gateway's nginx, all on the local engine.
    "docker-gateway": {
        items: Object.fromEntries(["densenet-fetch", "densenet-server", "resnet-fetch", "resnet-server", "models-gateway"].map((name) => [name, { min: 0, max: 0 }])),
        total: { min: 0, max: 0 },
        known: { min: 0, max: 0 },
    },
    // The same, in queue mode: the queue's Redis, pause and consumer containers are local too.
    "docker-queue": {
        items: Object.fromEntries(["fetch", "server", "redis", "pod", "consumer"].map((role) => [`densenet-queue-${role}`, { min: 0, max: 0 }])),
        total: { min: 0, max: 0 },
        known: { min: 0, max: 0 },
    },
    "polyglot-pipeline-docker": {
        items: { "fraud-features-server": { min: 0, max: 0 }, "fraud-score-server": { min: 0, max: 0 }, "fraud-decide-server": { min: 0, max: 0 }, "fraud-router": { min: 0, max: 0 } },
        total: { min: 0, max: 0 },
        known: { min: 0, max: 0 },
    },
    // The LLM of kubernetes-vllm-stream (2 L4s, 16 vCPU, 64 GiB on l4 nodes: g6.12xlarge at 4.6016/h, 1 replica x 730 h =
    // 3359.168); the fraud pipeline's CPU stages and router run on the cluster's nodes, priced where those are created. The
    // Gateway makes Envoy Gateway put a cloud load balancer in front of its proxies, billed at a price the catalog lacks:
    // unknown, never $0. Its routes, grants, key Secrets and policies cost nothing of their own.
    "kubernetes-gateway": {
        items: { qwen: { min: 3359.17, max: 3359.17 }, "models-gateway": { min: null, max: null } },
        total: { min: null, max: null },
        known: { min: 3359.17, max: 3359.17 },
    },
    // The two CPU classifiers run on the cluster's nodes, priced where those are created; the Gateway's cloud load balancer
    // is billed at a price the catalog lacks: unknown.
    "kubernetes-gateway-jwt": { items: { "vision-gateway": { min: null, max: null } }, total: { min: null, max: null }, known: { min: 0, max: 0 } },
    // CPU-only stages and the KServe router run on the cluster's nodes, priced where those are created: nothing billed here.
    "polyglot-pipeline-kubernetes": { items: {}, total: { min: 0, max: 0 }, known: { min: 0, max: 0 } },
    // features (Lambda): aws-lambda,compute x86_64,per GB-second,0.0000166667: 10 reserved x 1 GB x 2,628,000 s x 0.0000166667
    // = 438.0009; decide: 10 x 2 GB x 2,628,000 s x 0.0000166667 = 876.0017; min 0 (per request). score (SageMaker):
    // ml.c5.xlarge,0.204,us-east-1: 1 x 0.204 x 730 = 148.92; 3 x = 446.76. Each stage's observability: the two Lambda
    // stages' alarms and dashboards 2 x 3.30, the SageMaker stage's 3.40: 10.00 at both ends. The state machine's two
    // alarms: failures reads four metrics (failed, timed out, aborted, started) 0.40, latency one 0.10: 0.50. Known min:
    // 148.92 + 10 + 0.50 = 159.42; max: 438 + 446.76 + 876 + 10 + 0.50 = 1771.26. Log groups, the state machine (per
    // execution) and the HTTP API (per request): $0 idle, unknown at full scale; target tracking's CloudWatch alarms: unknown.
    "polyglot-pipeline-aws": {
        items: {
            "fraud-logs": { min: 0, max: null },
            "fraud-api": { min: 0, max: null },
            "fraud-features-logs": { min: 0, max: null },
            "fraud-decide-logs": { min: 0, max: null },
            "fraud-score-logs": { min: 0, max: null },
            "fraud-features-function": { min: 0, max: 438 },
            "fraud-decide-function": { min: 0, max: 876 },
            "fraud-score-config": { min: 148.92, max: 446.76 },
            "fraud-state-machine": { min: 0, max: null },
            ...orchestratorAlarms("fraud"),
            "fraud-score-scaling": { min: null, max: null },
            ...observed("fraud-features", LAMBDA_ALARMS),
            ...observed("fraud-decide", LAMBDA_ALARMS),
            ...observed("fraud-score", SAGEMAKER_ALARMS),
        },
        total: { min: null, max: null },
        known: { min: 159.42, max: 1771.26 },
    },
    // The chat model as on aws-sagemaker: ml.g5.xlarge,1.4084,us-east-1: 1 x 1.4084 x 730 = 1028.132; 2 x = 2056.264. The
    // fraud pipeline as on polyglot-pipeline-aws, without its HTTP API: features 10 x 1 GB x 2,628,000 s x 0.0000166667 =
    // 438.0009, decide 10 x 2 GB x = 876.0017 (min 0), score ml.c5.xlarge,0.204: 1-3 x 0.204 x 730 = 148.92-446.76. The
    // gateway: the REST API is billed per request (no cache cluster): $0 idle, unknown at full scale; its authorizer
    // function per request and GB-second without a concurrency cap: $0 idle, unknown at full scale; its two log groups
    // per GB. Each service's observability alarms and dashboard: the chat model's 3.40 and the pipeline's 10.00 (as above),
    // and the state machine's alarms 0.50: 13.90. Known (the items in cents): min 1028.13 + 148.92 + 13.90 = 1190.95; max
    // 2056.26 + 438 + 876 + 446.76 + 13.90 = 3830.92.
    "aws-gateway": {
        items: {
            "qwen-chat-config": { min: 1028.13, max: 2056.26 },
            "qwen-chat-logs": { min: 0, max: null },
            "qwen-chat-scaling": { min: null, max: null },
            "fraud-logs": { min: 0, max: null },
            "fraud-features-logs": { min: 0, max: null },
            "fraud-decide-logs": { min: 0, max: null },
            "fraud-score-logs": { min: 0, max: null },
            "fraud-features-function": { min: 0, max: 438 },
            "fraud-decide-function": { min: 0, max: 876 },
            "fraud-score-config": { min: 148.92, max: 446.76 },
            "fraud-state-machine": { min: 0, max: null },
            ...orchestratorAlarms("fraud"),
            "fraud-score-scaling": { min: null, max: null },
            "models-api": { min: 0, max: null },
            "models-authorizer": { min: 0, max: null },
            "models-authorizer-logs": { min: 0, max: null },
            "models-access-logs": { min: 0, max: null },
            ...observed("qwen-chat", SAGEMAKER_ALARMS),
            ...observed("fraud-features", LAMBDA_ALARMS),
            ...observed("fraud-decide", LAMBDA_ALARMS),
            ...observed("fraud-score", SAGEMAKER_ALARMS),
        },
        total: { min: null, max: null },
        known: { min: 1190.95, max: 3830.92 },
    },
    // Cloud Run, request-based billing, us-central1: cloud-run vCPU-second 0.000024 and GiB-second 0.0000025, 730 h.
    // features: (1 x 0.000024 + 1 x 0.0000025) x 3600 = 0.0954/h x 10 instances x 730 = 696.42; score: (2 x 0.000024 +
    // 4 x 0.0000025) x 3600 = 0.2088/h x 4 x 730 = 609.696; decide: (1 x 0.000024 + 2 x 0.0000025) x 3600 = 0.1044/h
    // x 4 x 730 = 304.848. All scale to zero: min 0. The workflow is billed per step: $0 idle, unknown at full scale.
    // Each stage's three Cloud Monitoring alerting conditions and the workflow's one (its executions not succeeded): $1.50
    // a month each (cost-control page), 10 x 1.50 = 15. Known max: 696.42 + 609.7 + 304.85 + 15 = 1625.97.
    "polyglot-pipeline-gcp": {
        items: {
            "fraud-features-service": { min: 0, max: 696.42 },
            "fraud-score-service": { min: 0, max: 609.7 },
            "fraud-decide-service": { min: 0, max: 304.85 },
            "fraud-workflow": { min: 0, max: null },
            "fraud-features-alert-latency": { min: 1.5, max: 1.5 },
            "fraud-features-alert-errors": { min: 1.5, max: 1.5 },
            "fraud-features-alert-max-instances": { min: 1.5, max: 1.5 },
            "fraud-score-alert-latency": { min: 1.5, max: 1.5 },
            "fraud-score-alert-errors": { min: 1.5, max: 1.5 },
            "fraud-score-alert-max-instances": { min: 1.5, max: 1.5 },
            "fraud-decide-alert-latency": { min: 1.5, max: 1.5 },
            "fraud-decide-alert-errors": { min: 1.5, max: 1.5 },
            "fraud-decide-alert-max-instances": { min: 1.5, max: 1.5 },
            "fraud-alert-failures": { min: 1.5, max: 1.5 },
        },
        total: { min: 15, max: null },
        known: { min: 15, max: 1625.97 },
    },
    // The pool's GPU nodes are the user's own cluster's: nothing billed here.
    "byo-cluster-pool": { items: {}, total: { min: 0, max: 0 }, known: { min: 0, max: 0 } },
    // The same: the GPU operator's nodes, nothing billed here.
    "gpu-operator-pool": { items: {}, total: { min: 0, max: 0 }, known: { min: 0, max: 0 } },
    // aws-lambda,compute x86_64,per GB-second,0.0000166667: 5 reserved x 4 GB x 2,628,000 s x 0.0000166667 = 876.0017; min 0 (per request).
    // The log group is billed per GB ingested and stored: $0 without logs, unknown at full scale. The errors (2 metrics) and
    // throttles alarms, 0.30, and the dashboard, 3: 3.30 at both ends, the whole minimum.
    "aws-lambda": {
        items: { "embedder-function": { min: 0, max: 876 }, "embedder-logs": { min: 0, max: null }, ...observed("embedder", LAMBDA_ALARMS) },
        total: { min: 3.3, max: null },
        known: { min: 3.3, max: 879.3 },
    },
    // ml.g5.xlarge,1.4084,us-east-1: 1 x 1.4084 x 730 = 1028.132; 2 x = 2056.264. The observability alarms and dashboard:
    // 3.40 (1031.53, 2059.66). Target tracking's CloudWatch alarms: unknown.
    "aws-sagemaker": {
        items: {
            "qwen-chat-config": { min: 1028.13, max: 2056.26 },
            "qwen-chat-logs": { min: 0, max: null },
            "qwen-chat-scaling": { min: null, max: null },
            ...observed("qwen-chat", SAGEMAKER_ALARMS),
        },
        total: { min: null, max: null },
        known: { min: 1031.53, max: 2059.66 },
    },
    // ml.g6.2xlarge,1.222,us-east-1: 1 x 1.222 x 730 = 892.06; 2 x = 1784.12; the observability's 3.40: 895.46, 1787.52.
    "aws-sagemaker-vllm": {
        items: {
            "qwen-vllm-config": { min: 892.06, max: 1784.12 },
            "qwen-vllm-logs": { min: 0, max: null },
            "qwen-vllm-scaling": { min: null, max: null },
            ...observed("qwen-vllm", SAGEMAKER_ALARMS),
        },
        total: { min: null, max: null },
        known: { min: 895.46, max: 1787.52 },
    },
    // ml.g6.2xlarge,1.222,us-east-1: min 0 (asynchronous inference at zero instances); the budget of $3,000 allows 3 of the
    // 4 instances (4 x 1.222 x 730 = 3568.24 would not fit): 3 x 1.222 x 730 = 2676.18. The spend guard's AWS budget is free. The bucket
    // (storage and requests) is unknown; the topics are billed per publish: $0 without requests, unknown at full scale;
    // target tracking's alarms: unknown. The scale-in alarm (2 metrics), the idle alarm and the one that brings the first
    // instance back: 0.40; the observability's errors (2 metrics), latency, at the maximum and backlog alarms, 0.50, and the
    // dashboard, 3: 3.90 at both ends (3.90, 2676.18 + 3.90 = 2680.08).
    "aws-sagemaker-async": {
        items: {
            "qwen-batch-config": { min: 0, max: 2676.18 },
            "qwen-batch-logs": { min: 0, max: null },
            "qwen-batch-queue": { min: null, max: null },
            "qwen-batch-success": { min: 0, max: null },
            "qwen-batch-error": { min: 0, max: null },
            "qwen-batch-scaling": { min: null, max: null },
            "qwen-batch-scaling-from-zero": { min: 0.1, max: 0.1 },
            "qwen-batch-scaling-scale-in": { min: 0.2, max: 0.2 },
            "qwen-batch-scaling-idle": { min: 0.1, max: 0.1 },
            ...observed("qwen-batch", [...SAGEMAKER_ALARMS, "backlog"]),
        },
        total: { min: null, max: null },
        known: { min: 3.9, max: 2680.08 },
    },
    // 4 vCPU x 0.000018 x 3600 + 16 GiB x 0.000002 x 3600 + 1 L4 x 0.67 = 1.0444/h (instance-based); 0-2 instances: 2 x 1.0444 x 730 = 1524.824.
    // The two services as on gcp-cloudrun: the L4 LLM 0-2 x 1.0444/h x 730 = 1524.82; the CPU scorer, request-based,
    // 1 vCPU x 0.000024 x 3600 + 2 GiB x 0.0000025 x 3600 = 0.1044/h, 0-5 instances: 5 x 0.1044 x 730 = 381.06. The
    // gateway: its forwarding rule, 0.025/h x 730 = 18.25 (cloud.google.com/load-balancing/pricing); the Cloud Armor
    // policies and the address: unknown (their prices are not in the catalog).
    // Each service's three alerting conditions: 6 x $1.50 = 9.
    "gcp-gateway": {
        items: {
            "qwen-service": { min: 0, max: 1524.82 },
            "fraud-service": { min: 0, max: 381.06 },
            "models-https": { min: 18.25, max: 18.25 },
            "models-llm-armor": { min: null, max: null },
            "models-fraud-armor": { min: null, max: null },
            "models-not-found-armor": { min: null, max: null },
            "models-address": { min: null, max: null },
            "qwen-alert-latency": { min: 1.5, max: 1.5 },
            "qwen-alert-errors": { min: 1.5, max: 1.5 },
            "qwen-alert-max-instances": { min: 1.5, max: 1.5 },
            "fraud-alert-latency": { min: 1.5, max: 1.5 },
            "fraud-alert-errors": { min: 1.5, max: 1.5 },
            "fraud-alert-max-instances": { min: 1.5, max: 1.5 },
        },
        total: { min: null, max: null },
        known: { min: 27.25, max: 1933.13 },
    },
    // Observability's three alerting conditions at $1.50 a month each: 4.50, idle or not.
    "gcp-cloudrun": {
        items: {
            "qwen-service": { min: 0, max: 1524.82 },
            "qwen-alert-latency": { min: 1.5, max: 1.5 },
            "qwen-alert-errors": { min: 1.5, max: 1.5 },
            "qwen-alert-max-instances": { min: 1.5, max: 1.5 },
        },
        total: { min: 4.5, max: 1529.32 },
        known: { min: 4.5, max: 1529.32 },
    },
    // Queue mode: the model server's 4 vCPU + 16 GiB + the consumer's 1 vCPU + 0.5 GiB, x 0.000018/vCPU-s and 0.000002/GiB-s,
    // + 1 L4 x 0.67 = 1.1128/h (instance-based); 0-3 instances: 3 x 1.1128 x 730 = 2437.032. Pub/Sub topics and
    // subscriptions are billed per use ($0 idle, unknown at full scale); the results bucket (storage, operations) and the
    // consumer script's secret version (per version-month): unknown.
    // The three alerting conditions: 3 x $1.50 = 4.50.
    "gcp-cloudrun-queue": {
        items: {
            "qwen-queue-service": { min: 0, max: 2437.03 },
            "qwen-queue-requests": { min: 0, max: null },
            "qwen-queue-dead-letter": { min: 0, max: null },
            "qwen-queue-dead-letter-subscription": { min: 0, max: null },
            "qwen-queue-requests-subscription": { min: 0, max: null },
            "qwen-queue-results": { min: null, max: null },
            "qwen-queue-queue-consumer": { min: null, max: null },
            "qwen-queue-alert-latency": { min: 1.5, max: 1.5 },
            "qwen-queue-alert-errors": { min: 1.5, max: 1.5 },
            "qwen-queue-alert-max-instances": { min: 1.5, max: 1.5 },
        },
        total: { min: null, max: null },
        known: { min: 4.5, max: 2441.53 },
    },
    // g2-standard-8,us-central1,8,32,0.293584032 + nvidia-l4 0.560040239 = 0.853624271/h: 1 x 730 = 623.1457; 3 x = 1869.4371.
    "gke-l4-pool": { items: { "l4-gpu-nodes": { min: 623.15, max: 1869.44 }, "l4-dcgm-exporter": { min: 0, max: 0 } }, total: { min: 623.15, max: 1869.44 }, known: { min: 623.15, max: 1869.44 } },
    // A pod of 1 L4, 8 vCPU, 32 GiB selecting cloud.google.com/gke-accelerator=nvidia-l4: the cheapest GCP machine that fits
    // is g2-standard-8 at 0.853624271/h (above); 2 replicas x 0.853624271 x 730 = 1246.2914.
    kubernetes: { items: { qwen: { min: 1246.29, max: 1246.29 } }, total: { min: 1246.29, max: 1246.29 }, known: { min: 1246.29, max: 1246.29 } },
    // A pod of 1 L4, 8 vCPU, 32 GiB on nodes labelled modelship.dev/accelerator=l4 (priced on AWS): the cheapest node that
    // fits it is g6.2xlarge,us-east-1,0.9776/h; 2 replicas x 0.9776 x 730 = 1427.296. The model cache's claim on EFS is
    // billed per GB-month stored at a price the catalog lacks: unknown.
    "kubernetes-model-cache": {
        items: { qwen: { min: 1427.3, max: 1427.3 }, "qwen-model-cache": { min: null, max: null } },
        total: { min: null, max: null },
        known: { min: 1427.3, max: 1427.3 },
    },
    // A pod of 1 L4, 4 vCPU, 16 GiB: the cheapest node that fits it is g6.xlarge,us-east-1,0.8048/h (730 h: 587.504).
    // The HPA's minimum 2 x 587.504 = 1175.008; budget $3,000 / 587.504 = 5.1, so at most 5 (of maxReplicas 6): 5 x 587.504 = 2937.52.
    // A pod of 2 L4s, 16 vCPU, 64 GiB on nodes labelled karpenter.k8s.aws/instance-gpu-name=l4 (priced on AWS): no g6 has
    // two L4s, the cheapest node that fits is g6.12xlarge (4 L4) at 4.6016/h; 1 replica x 4.6016 x 730 = 3359.168. Streaming
    // from S3 adds no resource (the requests are billed to the bucket's account, outside this stack).
    "kubernetes-vllm-stream": { items: { qwen: { min: 3359.17, max: 3359.17 } }, total: { min: 3359.17, max: 3359.17 }, known: { min: 3359.17, max: 3359.17 } },
    "kubernetes-hpa": { items: { qwen: { min: 1175.01, max: 2937.52 } }, total: { min: 1175.01, max: 2937.52 }, known: { min: 1175.01, max: 2937.52 } },
    // The same pod (g6.xlarge, 0.8048/h, 587.504 a month) on Knative: min-scale 0, raised to 2 by the window's CronJobs on
    // weekdays 07:45-09:45 Paris: 261 weekdays of 2026 x 2 h / 12 = 43.5 h x 2 replicas x 0.8048 = 70.0176; max-scale 4 ->
    // 4 x 587.504 = 2350.016. The CronJobs' kubectl pods are CPU pods on the cluster's nodes: free.
    "kubernetes-knative-llm": { items: { qwen: { min: 70.02, max: 2350.02 } }, total: { min: 70.02, max: 2350.02 }, known: { min: 70.02, max: 2350.02 } },
    // Queue mode: a pod of 1 L4, 3.1 vCPU, 14.25 GiB (the server's 3 and 14, the consumer's 0.1 and 0.25) fits g6.xlarge
    // (587.504 a month); KEDA's ScaledObject 0-4: $0 to 4 x 587.504 = 2350.016. The two SQS queues are billed per request
    // ($0 idle, unknown at full scale), the result bucket per GB-month and request (unknown).
    "kubernetes-queue-sqs": {
        items: {
            "qwen-batch": { min: 0, max: 2350.02 },
            "qwen-batch-requests": { min: 0, max: null },
            "qwen-batch-dead-letter": { min: 0, max: null },
            "qwen-batch-results": { min: null, max: null },
        },
        total: { min: null, max: null },
        known: { min: 0, max: 2350.02 },
    },
    // Spot node group of g6.2xlarge (0.9776), g6.4xlarge (1.3232), gr6.4xlarge (1.5392), 0-4 nodes, priced on-demand (no
    // AWS spot prices). The vLLM pod (1 L4, 4 vCPU, 16 GiB) runs on it: 1 node at its minimum, on the cheapest listed type
    // that fits, g6.2xlarge: 1 x 0.9776 x 730 = 713.648. Max: the budget of $3,000 caps maxNodes 4 at 2 (3 x gr6.4xlarge
    // 1.5392 x 730 = 3370.85 would not fit): 2 x 1.5392 x 730 = 2247.232. The spend guard's AWS budget is free. The pod and the
    // device plugin and the image pre-puller are $0 "on pool".
    "eks-gpu-pool": {
        items: {
            "l4-gpu-nodes": { min: 713.65, max: 2247.23 },
            qwen: { min: 0, max: 0 },
            "l4-nvidia-device-plugin": { min: 0, max: 0 },
            "l4-image-puller": { min: 0, max: 0 },
            "l4-dcgm-exporter": { min: 0, max: 0 },
        },
        total: { min: 713.65, max: 2247.23 },
        known: { min: 713.65, max: 2247.23 },
    },
    // Karpenter NodePool of g6/gr6 types with one L4 (10 in us-east-1), spot priced on-demand (no AWS spot prices).
    // Min: the coder pod (1 L4, 6 vCPU, 24 GiB) on the cheapest candidate that fits, from aws_ec2_gpu_prices.csv
    // g6.2xlarge,g6,GPU instance,NVIDIA L4,1,24 GB GDDR6,8,32 GB,us-east-1,0.9776: 1 x 0.9776 x 730 = 713.648.
    // Max: the 2-GPU limit at the dearest per-GPU candidate, g6.16xlarge,...,NVIDIA L4,1,...,us-east-1,3.3968:
    // 2 x 3.3968 x 730 = 4959.328. The pod and the device plugin are $0 "on pool"; the KMS key is not in the stack.
    // Headroom: one placeholder (1 L4, 5 vCPU, 17 GiB: a g6.2xlarge) 07:45-17:45 Europe/Paris on weekdays (261 in 2026):
    // 261 x 10 h / 12 = 217.5 h x 0.9776 = 212.628; min 713.648 + 212.628 = 926.276. The placeholders are $0 "on pool".
    "eks-karpenter-pool": {
        items: {
            "coder-node-pool": { min: 926.28, max: 4959.33 },
            coder: { min: 0, max: 0 },
            "coder-headroom": { min: 0, max: 0 },
            "coder-nvidia-device-plugin": { min: 0, max: 0 },
            "coder-dcgm-exporter": { min: 0, max: 0 },
        },
        total: { min: 926.28, max: 4959.33 },
        known: { min: 926.28, max: 4959.33 },
    },
    // qwen: one pod of 1 L4, 8 vCPU, 32 GiB = one g6.2xlarge at 0.9776/h: 713.648 a month. Budget $6,000 / 713.648 = 8.41,
    // so at most 8 replicas: 8 x 713.648 = 5709.184. Pre-warming 07:30-10:30 on weekdays (261 in 2026) at 8 replicas:
    // 261 x 3 h / 12 = 65.25 h x 7 extra x 0.9776 = 446.5188; min 713.648 + 446.5188 = 1160.1668.
    // scorer: ml.c5.xlarge,0.204: 2 x 0.204 x 730 = 297.84 + pre-warming 07:00-18:00 weekdays at 4: 261 x 11 / 12 = 239.25 h
    // x 2 extra x 0.204 = 97.614 -> 395.454; max 10 x 0.204 x 730 = 1489.2.
    // CloudWatch: the scorer service's errors (2 metrics) and latency alarms and dashboard, 3.30; the standalone
    // autoscaler's alarm at its effective maximum of 10 instances, 0.10: 3.40 (1559.02, 7201.78).
    "spike-autoscaler": {
        // The scorer service's observability: errors and latency; its instances alarm is the standalone autoscaler's (it owns the bounds).
        items: {
            qwen: { min: 1160.17, max: 5709.18 },
            "scorer-config": { min: 395.45, max: 1489.2 },
            "scorer-logs": { min: 0, max: null },
            scorer: { min: null, max: null },
            ...observed("scorer", ["errors", "latency", "at-max"]),
        },
        total: { min: null, max: null },
        known: { min: 1559.02, max: 7201.78 },
    },
};

/**
 * Components whose own estimate differs from the plan's cost of their subtree on purpose, by `<example>/<component>`: a
 * component sees only what it creates, the plan sees the whole stack.
 */
const ESTIMATE_DIFFERS: Record<string, string> = {
    "eks-gpu-pool/l4": "the pool's own minimum is its minNodes (0); the plan adds the nodes its workloads' minimum replicas need",
    "eks-gpu-pool/qwen": "on the pool: the plan prices its pods on the pool's nodes ($0 here); alone it prices the cheapest node that fits",
    "eks-karpenter-pool/coder": "a GpuPool and a ModelService of the same name, as in eks-gpu-pool: pool minimum and pods on the pool",
    "spike-autoscaler/scorer": "a ModelService scaled by a standalone SpikeAutoscaler of the same name: the plan bounds its instances by the autoscaler",
};

/** Types our examples create that are billed at a price the catalog lacks: unknown, with these reasons. */
const BILLED_UNKNOWN: Record<string, RegExp> = {
    "aws:cloudwatch/logGroup:LogGroup": /^CloudWatch Logs bills ingestion and storage per GB/,
    "aws:appautoscaling/policy:Policy": /^unknown: target tracking creates CloudWatch alarms/,
    "aws:sfn/stateMachine:StateMachine": /^Step Functions executions: \$0 without requests; at full scale unknown/,
    "aws:apigatewayv2/api:Api": /^API Gateway HTTP API requests: \$0 without requests; at full scale unknown/,
    "aws:apigateway/restApi:RestApi": /^API Gateway REST API requests: \$0 without requests; at full scale unknown/,
    // A function without reservedConcurrentExecutions (the gateway's authorizer): only the account's concurrency bounds it.
    "aws:lambda/function:Function": /^min 0: billed per request and GB-second, nothing without requests .*; max unknown: no reservedConcurrentExecutions cap/,
    "gcp:workflows/workflow:Workflow": /^Workflows steps and external HTTP calls: \$0 without requests; at full scale unknown/,
    "aws:sns/topic:Topic": /^SNS publishes and deliveries \(per million requests\): \$0 without requests; at full scale unknown/,
    "aws:sqs/queue:Queue": /^SQS requests \(per million; every 64 KiB of a payload is one request\): \$0 without requests; at full scale unknown/,
    "aws:s3/bucket:Bucket": /^unknown: S3 bills per use: storage per GB-month of what the bucket holds and requests per 1,000/,
    "kubernetes:core/v1:PersistentVolumeClaim": /^unknown: a PersistentVolumeClaim of \d+Gi on StorageClass [\w-]+: its volume is billed per GB-month/,
    "gcp:pubsub/topic:Topic": /^Pub\/Sub publish throughput \(per TiB\): \$0 without requests; at full scale unknown/,
    "gcp:pubsub/subscription:Subscription": /^Pub\/Sub delivery throughput \(per TiB\) and storage of messages unacknowledged past 24 hours/,
    "gcp:storage/bucket:Bucket": /^unknown: Cloud Storage bills per use: storage per GB-month of what the bucket holds and operations per 1,000/,
    "gcp:secretmanager/secretVersion:SecretVersion": /^unknown: a Secret Manager active version \(per version and location per month/,
    "gcp:compute/securityPolicy:SecurityPolicy": /^unknown: Cloud Armor Standard bills 1 policy and \d+ rules? per month, and requests per million/,
    "gcp:compute/globalAddress:GlobalAddress": /^unknown: a global static external IP address: billed while reserved and unused/,
    "kubernetes:gateway.networking.k8s.io/v1:Gateway": /^unknown: a Gateway makes its controller run proxies behind a cloud load balancer/,
};

describe("the cost of every example", { timeout: 300_000 }, () => {
    const runs = new Map<string, { run: PlanRun; cost: PlanCost }>();
    beforeAll(async () => {
        for (const name of examples) {
            const run = await runProgram({ dir: path.join(root, "examples", name) });
            if (run.error) throw run.error;
            runs.set(name, { run, cost: planCost(run.resources, run.config) });
        }
    }, 300_000);

    it("has a hand-checked figure for every example", () => {
        expect(Object.keys(EXPECTED).sort()).toEqual([...examples].sort());
    });

    for (const name of examples) {
        it(`${name}: every item is the price list's figure`, () => {
            const { run, cost } = runs.get(name) as { run: PlanRun; cost: PlanCost };
            const byName = Object.fromEntries(cost.report.items.map((i) => [run.resources.find((r) => r.urn === i.urn)?.name ?? i.urn, i.monthly]));
            expect(byName).toEqual(EXPECTED[name].items);
            expect(cost.report.monthly).toEqual(EXPECTED[name].total);
            expect(cost.report.knownMonthly).toEqual(EXPECTED[name].known);
        });

        it(`${name}: each component's estimatedMonthlyCost is the plan's cost of what it creates`, () => {
            const { run, cost } = runs.get(name) as { run: PlanRun; cost: PlanCost };
            for (const component of cost.components) {
                const record = run.resources.find((r) => r.urn === component.urn) as PlanRun["resources"][number];
                const estimate = record.outputs.estimatedMonthlyCost as { min?: number; max?: number; known: boolean } | undefined;
                const why = ESTIMATE_DIFFERS[`${name}/${component.name}`];
                if (estimate === undefined || why !== undefined) continue;
                const bound = (sum: PlanCost["total"]["min"]) => (sum.unknownItems > 0 ? undefined : Math.round(sum.known * 100) / 100);
                // What the component says of itself, from its own list of costed resources, is what the plan finds below it:
                // a billed resource it creates and leaves out of its own estimate would be a known $0.
                expect({ min: estimate.min, max: estimate.max, known: estimate.known }, `${component.type} ${component.name}`).toEqual({
                    min: bound(component.min),
                    max: bound(component.max),
                    known: component.min.unknownItems === 0 && component.max.unknownItems === 0,
                });
            }
        });

        it(`${name}: every resource type is priced, free with a reason, or billed at an unknown price`, () => {
            const { run, cost } = runs.get(name) as { run: PlanRun; cost: PlanCost };
            for (const r of run.resources) {
                const cls = costClass(r);
                const item = cost.report.items.find((i) => i.urn === r.urn);
                const free = cost.report.free.find((f) => f.urn === r.urn);
                // Each resource is in exactly one of the lists.
                expect([item, free].filter(Boolean), `${r.type} ${r.name}`).toHaveLength(1);
                if (free) expect(free.reason.length, `${r.type}: a free resource says why`).toBeGreaterThan(10);
                // No resource of ours falls through to "no price in the catalog": it has a pricer or is known to be free.
                expect(cls.kind === "unknown" ? cls.reason : "", `${r.type}`).toBe("");
                if (item && (item.monthly.min === null || item.monthly.max === null)) {
                    expect(BILLED_UNKNOWN[item.type], `${item.type} is unknown: ${item.basis}`).toBeDefined();
                    expect(item.basis).toMatch(BILLED_UNKNOWN[item.type]);
                }
            }
        });
    }
});
