/**
 * `target: docker`: no orchestration engine runs on a workstation, so modelship's own router (`router/router.mjs`,
 * one dependency-free Node.js script) chains the stages. It runs in a container of a pinned official Node.js image,
 * with the script and the pipeline's config uploaded into it.
 *
 * The stages are ModelServices published on 127.0.0.1 only. The router shares the host's network namespace
 * (`network_mode: host`) to reach them there, and listens on 127.0.0.1 itself: nothing is reachable from outside
 * the machine. (On Docker Desktop, host networking must be turned on in the settings, version 4.34 or later.)
 */
import * as fs from "node:fs";
import * as docker from "@pulumi/docker";
import { smallServiceContainerArgs } from "../docker/small-service";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesLabels, physicalName } from "../../sdk/naming";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { CostedResource } from "../../sdk/cost/types";
import { DeployedStage, OrchestratorDeployment, PipelineOrchestrator } from "./orchestrator";
import { routerConfig, routerRequestTimeoutSeconds, routerScriptPath } from "./router-config";
import { PipelineSpec, pipelineOwner } from "./spec";

/** Where the script and its config are uploaded in the container. */
const ROUTER_SCRIPT_FILE = "/opt/modelship/router.mjs";
const ROUTER_CONFIG_FILE = "/opt/modelship/pipeline.json";

/** The router's container is `<pipeline>-router`: a stage of that name would take the same container name. */
function validate(spec: PipelineSpec): ValidationProblem[] {
    return spec.stages
        .filter((s) => s.name === "router")
        .map((s) => ({
            path: `stages[${s.index}].name`,
            received: describeValue(s.name),
            expected: `a name other than "router" on target docker (the router's container is named ${physicalName(spec.name, "router")})`,
        }));
}

function deploy(spec: PipelineSpec, stages: DeployedStage[], parent: pulumi.ComponentResource): OrchestratorDeployment {
    const settings = spec.docker;
    const maxBodyBytes = Math.round(settings.maxBodyMiB * 1024 * 1024);
    const urls = pulumi.all(Object.fromEntries(stages.map(({ stage, service }) => [stage.name, pulumi.interpolate`${service.url}${stage.path}`])));
    const config = urls.apply((u) => `${JSON.stringify(routerConfig(spec.flow, u, { host: "127.0.0.1", port: settings.port, maxBodyBytes }), null, 2)}\n`);
    const labels = Object.entries(kubernetesLabels(pipelineOwner(spec))).map(([label, value]) => ({ label, value }));
    const healthUrl = `http://127.0.0.1:${settings.port}/healthz`;

    const image = new docker.RemoteImage(`${spec.name}-router-image`, { name: settings.routerImage, keepLocally: true }, { parent });
    const container = new docker.Container(
        `${spec.name}-router`,
        {
            name: physicalName(spec.name, "router"),
            image: image.imageId,
            command: ["node", ROUTER_SCRIPT_FILE, ROUTER_CONFIG_FILE],
            uploads: [
                { file: ROUTER_SCRIPT_FILE, content: fs.readFileSync(routerScriptPath(), "utf8") },
                { file: ROUTER_CONFIG_FILE, content: config },
            ],
            networkMode: "host",
            // The image's unprivileged user; the router needs no capability at all.
            user: "node",
            // The image has Node and nothing to spare: check with Node's own fetch.
            ...smallServiceContainerArgs(["node", "-e", `fetch('${healthUrl}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`], labels),
        },
        // Requests flow only once every stage answers its health check (each stage container waits for it).
        { parent, dependsOn: stages.map((s) => s.service) },
    );
    return { url: pulumi.output(`http://127.0.0.1:${settings.port}/`), id: container.name, resources: { routerImage: image, router: container } };
}

function costedResources(spec: PipelineSpec): CostedResource[] {
    const name = `${spec.name}-router`;
    return [{ urn: name, type: "docker:index/container:Container", name, inputs: {} }];
}

export const dockerOrchestrator: PipelineOrchestrator = { validate, requestTimeoutSeconds: (spec) => routerRequestTimeoutSeconds(spec.flow), deploy, costedResources };
