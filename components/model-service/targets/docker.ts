/**
 * `target: docker`: the model on the local Docker engine, for workstations and the quickstart.
 *
 * A pulled image, one container with a health check that `pulumi up` waits on, a restart policy, the GPUs
 * requested through the NVIDIA device request, and the port published on 127.0.0.1 unless public.
 * An artifact URI is downloaded by a one-shot fetch container into a volume mounted read-only.
 * Queue mode (a local Redis stream and the queue consumer beside the server) is in docker-queue.ts.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesLabels, physicalName } from "../../../sdk/naming";
import { describeValue, ValidationProblem, withDefaults } from "../../../sdk/validate";
import { AuthMode, Target } from "../args";
import { MODEL_MOUNT_PATH } from "../../../sdk/catalog/runtimes";
import { ServingSpec } from "../spec";
import { requestSeconds, SERVER_REQUEST_TIMEOUT_SECONDS, ServingTiming } from "../timing";
import { createConsumer, createQueueInfrastructure, dockerQueueOutputs, dockerQueueProblems, dockerQueueSettings, dockerQueueShapes, REDIS_PORT } from "./docker-queue";
import { ServingTarget, TargetDeployment } from "./target";

/**
 * A health check that needs no particular tool in the image: curl, else wget, else Python.
 * Model server images ship at least one of them.
 */
export function httpCheckCommand(port: number, path: string): string {
    const url = `http://127.0.0.1:${port}${path}`;
    return `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url} || ` + `python3 -c "import urllib.request; urllib.request.urlopen('${url}', timeout=4)"`;
}

/** `NAME=value` entries, secret in the state as a whole when secret variables are among them. */
function containerEnvs(plain: Record<string, pulumi.Input<string>>, secrets: Record<string, pulumi.Input<string>>): pulumi.Input<string[]> {
    // Plain values without secrets (the common case) make a plain list: no Output chain per container in large stacks.
    const values = Object.values(plain);
    if (Object.keys(secrets).length === 0 && values.every((v) => typeof v === "string")) return Object.entries(plain).map(([k, v]) => `${k}=${v as string}`);
    const entries = (vars: Record<string, pulumi.Input<string>>) => Object.entries(vars).map(([k, v]) => pulumi.interpolate`${k}=${v}`);
    const all = pulumi.all([...entries(plain), ...entries(secrets)]);
    return Object.keys(secrets).length > 0 ? pulumi.secret(all) : all;
}

function validate(spec: ServingSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (spec.canary) {
        problems.push({
            path: "versions",
            received: `an array of ${spec.versions.length}`,
            expected: "no versions on target docker (one container serves one version; use kubernetes, aws-sagemaker or gcp-cloudrun for canaries)",
        });
    }
    if (spec.replicas.max > 1) {
        problems.push({ path: "scaling", received: `up to ${spec.replicas.max} replicas`, expected: "at most 1 replica on target docker (one container)" });
    }
    const auth = spec.exposure.auth;
    if (auth !== undefined && auth !== AuthMode.None) {
        problems.push({
            path: "exposure.auth",
            received: describeValue(auth),
            expected: `"none" on target docker, which has no gateway to enforce ${auth} (keep it private, or public with auth "none")`,
        });
    }
    problems.push(...dockerQueueProblems(spec));
    return problems;
}

/** The `docker` settings with their defaults applied. */
export interface DockerSettings {
    /** Port on the host: the server's port unless given. */
    hostPort: number;
    /** Host port of the queue in queue mode (127.0.0.1). */
    queueHostPort: number;
    restart: string;
}

function dockerSettings(spec: ServingSpec): DockerSettings {
    return withDefaults({ hostPort: spec.port, queueHostPort: REDIS_PORT, restart: "unless-stopped" }, spec.given.docker);
}

function deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment {
    const settings = dockerSettings(spec);
    const version = spec.versions[0];
    const containerName = physicalName(spec.name);
    const hostPort = settings.hostPort;
    const labels = Object.entries(kubernetesLabels(spec.owner)).map(([label, value]) => ({ label, value }));
    const queue = dockerQueueSettings(spec, settings.queueHostPort);
    // Queue mode: the server joins the namespace of the queue's pod container and publishes nothing.
    const queueInfrastructure = queue && createQueueInfrastructure(spec, queue, { labels, restart: settings.restart }, parent);

    const image = new docker.RemoteImage(`${spec.name}-image`, { name: version.image, keepLocally: true }, { parent });
    const resources: Record<string, pulumi.Resource> = { image };

    const mounts: docker.types.input.ContainerMount[] = [];
    let fetch: docker.Container | undefined;
    // A streamed model (model.loadMode stream) has no fetcher: the server reads the URI with the container's credentials.
    const fetcher = version.artifact?.fetcher;
    if (fetcher) {
        const volume = new docker.Volume(`${spec.name}-models`, { name: physicalName(spec.name, "models") }, { parent });
        fetch = new docker.Container(
            `${spec.name}-fetch`,
            {
                name: physicalName(spec.name, "fetch"),
                image: fetcher.image,
                entrypoints: [fetcher.command[0]],
                command: fetcher.command.slice(1),
                // The secrets too, as on Kubernetes: gated Hugging Face models need HF_TOKEN, buckets may need keys.
                envs: containerEnvs(fetcher.env, spec.secrets),
                mounts: [{ type: "volume", source: volume.name, target: MODEL_MOUNT_PATH }],
                // A new named volume belongs to root; the fetcher writes as root, the server only reads.
                user: "0:0",
                // Run to completion before the server starts; keep it for its logs.
                attach: true,
                logs: true,
                mustRun: false,
                labels,
            },
            { parent },
        );
        mounts.push({ type: "volume", source: volume.name, target: MODEL_MOUNT_PATH, readOnly: true });
        Object.assign(resources, { volume, fetch });
    }

    const container = new docker.Container(
        `${spec.name}-server`,
        {
            name: containerName,
            image: image.imageId,
            entrypoints: spec.command,
            command: version.args,
            envs: containerEnvs(spec.env, spec.secrets),
            ...(queueInfrastructure
                ? { networkMode: queueInfrastructure.networkMode }
                : { ports: [{ internal: spec.port, external: hostPort, ip: spec.exposure.public ? "0.0.0.0" : "127.0.0.1", protocol: "tcp" }] }),
            healthcheck: {
                tests: ["CMD-SHELL", httpCheckCommand(spec.port, spec.readinessPath)],
                interval: "15s",
                timeout: "5s",
                retries: 3,
                startPeriod: `${spec.startupTimeoutSeconds}s`,
                startInterval: "5s",
            },
            // `pulumi up` returns once the model answers its readiness check, not when the process starts.
            wait: spec.replicas.min > 0,
            waitTimeout: spec.startupTimeoutSeconds,
            restart: settings.restart,
            start: spec.replicas.min > 0,
            deviceRequests: spec.gpu ? [{ driver: "nvidia", count: spec.gpu.count, capabilities: ["gpu"] }] : undefined,
            shmSize: spec.sharedMemoryGiB !== undefined ? Math.round(spec.sharedMemoryGiB * 1024) : undefined,
            memory: Math.round(spec.memoryGiB * 1024),
            cpus: String(spec.cpu),
            mounts,
            securityOpts: ["no-new-privileges:true"],
            capabilities: { drops: ["NET_RAW"] },
            logDriver: "json-file",
            logOpts: { "max-size": "50m", "max-file": "3" },
            labels,
        },
        { parent, dependsOn: fetch ? [fetch] : [] },
    );
    resources.container = container;
    if (queue && queueInfrastructure) {
        Object.assign(resources, queueInfrastructure.resources, createConsumer(spec, queue, queueInfrastructure, container, { labels, restart: settings.restart }, parent));
        const outputs = dockerQueueOutputs(queue);
        return { url: pulumi.output(outputs.submitUrl), endpointName: pulumi.output(""), queue: pulumi.output(outputs), resources };
    }
    const url = pulumi.output(`http://127.0.0.1:${hostPort}`);
    return { url, endpointName: url, resources };
}

/**
 * The timing (timing.ts). Nothing starts a stopped container when a request comes (with `scaling.replicas: 0` it is
 * created stopped: HTTP requests are refused, queued ones wait, until you start it), and `pulumi up` waits for a running
 * one to be healthy: no cold start to wait for. The server applies no request timeout of its own: the longest request is
 * the one modelship plans for on a server without one, {@link SERVER_REQUEST_TIMEOUT_SECONDS}; in queue mode the queue's
 * request time (the consumer's `REQUEST_TIMEOUT`).
 */
function timing(spec: ServingSpec): ServingTiming {
    return { coldStartBudgetSeconds: 0, requestTimeoutSeconds: requestSeconds(spec, SERVER_REQUEST_TIMEOUT_SECONDS) };
}

export const dockerTarget: ServingTarget<DockerSettings> = {
    target: Target.Docker,
    settings: dockerSettings,
    autoscaling: { unsupported: "one container and no autoscaler: use scaling.replicas 0 or 1" },
    validate,
    timing,
    deploy,
    costedResources: (spec) => [{ urn: `${spec.name}-server`, type: "docker:index/container:Container", name: `${spec.name}-server`, inputs: {} }, ...(spec.queue ? dockerQueueShapes(spec) : [])],
};
