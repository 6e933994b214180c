/**
 * The pack on queue mode on Cloud Run (ModelService scaling.mode queue on gcp-cloudrun): nonprod-scale-to-zero accepts
 * a push service at a minimum of 0 and names one kept warm; public-endpoint-auth finds nothing in the private push
 * service and its topic, and fails a topic anyone may publish to (a queue's submit endpoint open to the internet).
 */
import { describe, expect, it } from "vitest";
import { Accelerator, ModelService, ScalingMode, Target } from "../../index";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf, record } from "./helpers";

const rt = useMockRuntime({ config: { "gcp:project": "acme-ml", "gcp:region": "us-central1", "modelship:team": "ml-platform" } });

const short = (urn: string | undefined) => urn?.split("::").pop();
const found = (policy: string, resources: ResourceRecord[]) => findingsOf(policy, resources, {}).map((f) => `${short(f.urn)}: ${f.message}`);

const queued = (minReplicas: number) =>
    new ModelService("llm", {
        model: { image: "us-docker.pkg.dev/acme-ml/models/llm@sha256:" + "a".repeat(64) },
        resources: { gpu: { accelerator: Accelerator.L4 } },
        scaling: { mode: ScalingMode.Queue, minReplicas, maxReplicas: 3, queue: { inferencePath: "/predict" } },
        target: Target.GcpCloudRun,
    });

describe("the policy pack on queue mode on Cloud Run", () => {
    it("nonprod-scale-to-zero accepts a push service at a minimum of 0, and names the minimum of one kept warm", async () => {
        expect(found("nonprod-scale-to-zero", (await rt.construct(() => queued(0))).resources)).toEqual([]);
        expect(found("nonprod-scale-to-zero", (await rt.construct(() => queued(1))).resources)).toEqual([
            'llm-service: non-production (stack "dev" matches stackPattern): keeps 1 Cloud Run instance(s) running (minInstanceCount), billed while idle; set template.scaling.minInstanceCount: 0',
        ]);
    });

    it("public-endpoint-auth finds nothing: the service is internal and invoked by the push account only, the topic publishable by nobody else", async () => {
        expect(found("public-endpoint-auth", (await rt.construct(() => queued(0))).resources)).toEqual([]);
    });

    it("public-endpoint-auth fails a topic anyone may publish to, by member, binding or policy", () => {
        const member = record("gcp:pubsub/topicIAMMember:TopicIAMMember", "open", { topic: "llm-requests", role: "roles/pubsub.publisher", member: "allUsers" });
        const binding = record("gcp:pubsub/topicIAMBinding:TopicIAMBinding", "open-binding", {
            topic: "llm-requests",
            role: "roles/pubsub.publisher",
            members: ["group:ml@acme.example", "allAuthenticatedUsers"],
        });
        const policy = record("gcp:pubsub/topicIAMPolicy:TopicIAMPolicy", "open-policy", {
            topic: "llm-requests",
            policyData: JSON.stringify({ bindings: [{ role: "roles/pubsub.editor", members: ["allUsers"] }] }),
        });
        const named = record("gcp:pubsub/topicIAMMember:TopicIAMMember", "named", { topic: "llm-requests", role: "roles/pubsub.publisher", member: "group:ml@acme.example" });
        const viewer = record("gcp:pubsub/topicIAMMember:TopicIAMMember", "viewer", { topic: "llm-requests", role: "roles/pubsub.viewer", member: "allUsers" });
        expect(found("public-endpoint-auth", [member, binding, policy, named, viewer])).toEqual([
            "open: grants roles/pubsub.publisher to allUsers: anyone on the internet can publish to Pub/Sub topic llm-requests (a queue's submit endpoint); grant roles/pubsub.publisher to the callers' identities instead",
            "open-binding: grants roles/pubsub.publisher to allAuthenticatedUsers: anyone on the internet can publish to Pub/Sub topic llm-requests (a queue's submit endpoint); grant roles/pubsub.publisher to the callers' identities instead",
            "open-policy: grants roles/pubsub.editor to allUsers: anyone on the internet can publish to Pub/Sub topic llm-requests (a queue's submit endpoint); grant roles/pubsub.publisher to the callers' identities instead",
        ]);
    });
});
