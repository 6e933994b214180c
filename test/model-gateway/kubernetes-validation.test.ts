import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { kubernetesGateway } from "../../components/model-gateway/targets/kubernetes";
import { gatewaySpec, route } from "./kubernetes-fixture";

describe("ModelGateway on kubernetes: what it refuses", () => {
    it("accepts the fixture", () => {
        expect(kubernetesGateway.validate(gatewaySpec())).toEqual([]);
    });

    it("refuses a backend URL that is not a cluster Service, when it is known", () => {
        const spec = gatewaySpec();
        spec.routes[0] = route("fraud", { backend: { kind: "url" as never, locator: "https://fraud.example.com/predict" }, consumers: ["alice"] });
        spec.routes[1] = route("llm", { backend: { kind: "url" as never, locator: "http://llm.ml.svc.cluster.local:8000/v1" }, consumers: ["alice"] });
        const expected = "a cluster Service URL, http://<service>.<namespace>.svc[.cluster.local][:<port>] (a ModelService's internalUrl or a PolyglotPipeline's url on kubernetes)";
        expect(kubernetesGateway.validate(spec)).toEqual([
            { path: "routes[0].url", received: '"https://fraud.example.com/predict"', expected },
            { path: "routes[1].url", received: '"http://llm.ml.svc.cluster.local:8000/v1"', expected },
        ]);
        // Unknown until deployment: checked when it resolves (kubernetes.test.ts).
        spec.routes[0].backend.locator = pulumi.output("https://fraud.example.com/");
        spec.routes[1].backend.locator = pulumi.output("x");
        expect(kubernetesGateway.validate(spec)).toEqual([]);
    });

    it("refuses different body limits on routes with consumers, which share one BackendTrafficPolicy", () => {
        const spec = gatewaySpec();
        spec.routes[1].maxBodyMiB = 50;
        expect(kubernetesGateway.validate(spec)).toEqual([
            {
                path: "routes[1].maxBodyMiB",
                received: "50",
                expected:
                    "10, as routes[0] (fraud): on kubernetes every route with consumers shares one BackendTrafficPolicy, which counts each consumer's rate over all its routes and carries one body limit",
            },
        ]);
    });

    it("refuses a body limit Envoy cannot hold, or not a whole number of MiB", () => {
        const spec = gatewaySpec();
        spec.routes[2].maxBodyMiB = 4096;
        const tooBig = kubernetesGateway.validate(spec);
        spec.routes[2].maxBodyMiB = 1.5;
        const fraction = kubernetesGateway.validate(spec);
        const expected = "a whole number of MiB up to 4095 (Envoy Gateway's requestBuffer limit is a whole quantity below 4 GiB)";
        expect([...tooBig, ...fraction]).toEqual([
            { path: "routes[2].maxBodyMiB", received: "4096", expected },
            { path: "routes[2].maxBodyMiB", received: "1.5", expected },
        ]);
    });

    it("refuses a rate below one request per hour", () => {
        const spec = gatewaySpec();
        spec.consumers[1].ratePerSecond = 0.0001;
        expect(kubernetesGateway.validate(spec)).toEqual([
            {
                path: "consumers[1].ratePerSecond",
                received: "0.0001",
                expected: "at least 1 request per hour (1/3600 per second): Envoy Gateway counts whole requests per Second, Minute or Hour",
            },
        ]);
    });

    it("refuses names the API server would refuse, naming the objects", () => {
        const spec = gatewaySpec({ name: "Models", kubernetes: { namespace: "ML", gatewayClassName: "eg", hostname: "10.0.0.1", tlsSecretName: "tls_cert" } });
        expect(kubernetesGateway.validate(spec)).toEqual([
            {
                path: "name",
                received: '"Models"',
                expected:
                    "a name Kubernetes accepts as given, since it names the Gateway and its BackendTrafficPolicy, the HTTPRoute, SecurityPolicy and ReferenceGrant of route fraud, the key Secret of route fraud, the HTTPRoute, SecurityPolicy and ReferenceGrant of route llm-v2, the key Secret of route llm-v2, the HTTPRoute, SecurityPolicy and ReferenceGrant of route health: lowercase letters, digits and '-', starting and ending with a letter or digit, such as \"models\"",
            },
            {
                path: "kubernetes.namespace",
                received: '"ML"',
                expected: "a namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (an RFC 1123 label, as the Kubernetes API server requires)",
            },
            {
                path: "kubernetes.tlsSecretName",
                received: '"tls_cert"',
                expected: "a Secret name: at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS subdomain, as the Kubernetes API server requires)",
            },
            {
                path: "kubernetes.hostname",
                received: '"10.0.0.1"',
                expected: "a DNS name in lower case, optionally starting with '*.', at most 253 characters, not an IP address (the Gateway API's Hostname)",
            },
        ]);
    });

    it("refuses a name too long for its longest object", () => {
        const spec = gatewaySpec({ name: "a".repeat(55) });
        expect(kubernetesGateway.validate(spec)).toEqual([
            {
                path: "name",
                received: `"${"a".repeat(55)}" (55 characters)`,
                expected: `at most 51 characters: the key Secret of route llm-v2 would be named "${"a".repeat(55)}-llm-v2-keys", 67 characters, over Kubernetes' limit of 63`,
            },
        ]);
    });

    it("has no timeout limit and routes only to URLs", () => {
        expect(kubernetesGateway.timeoutLimit(gatewaySpec())).toBeUndefined();
        expect(kubernetesGateway.backends).toEqual(["url"]);
    });
});
