/**
 * A standalone SpikeAutoscaler on Cloud Run: the service in `cloudRun` scales by itself, so this is its pre-warming
 * (../cloudrun.ts); without windows it only says which service settings to set.
 */
import * as pulumi from "@pulumi/pulumi";
import { stackGcpRegion } from "../../../sdk/cost/regions";
import { describeValue, type ValidationProblem } from "../../../sdk/validate";
import { cloudRunReplicaShape, createCloudRunPrewarm } from "../cloudrun";
import { Block, standaloneTarget } from "./target";

type CloudRunBlock = Block<"cloudRun">;

function region(run: CloudRunBlock): string {
    return run.region ?? stackGcpRegion();
}

function project(run: CloudRunBlock): pulumi.Input<string> | undefined {
    return run.project ?? new pulumi.Config("gcp").get("project");
}

export const cloudRunStandalone = standaloneTarget({
    block: "cloudRun",
    described: "the service: cloudRun.serviceName",
    problems: (run, args) => {
        const problems: ValidationProblem[] = [];
        if ((args.prewarm?.length ?? 0) === 0) return problems;
        if (run.serviceAccountEmail === undefined) {
            problems.push({
                path: "cloudRun.serviceAccountEmail",
                received: describeValue(undefined),
                expected: "the service's runtime service account with prewarm (the jobs that update the service must act as it)",
            });
        }
        if (project(run) === undefined) {
            problems.push({ path: "cloudRun.project", received: describeValue(undefined), expected: "the service's project with prewarm (or set the gcp:project config)" });
        }
        return problems;
    },
    context: (run, shapeName) => {
        const gpu = run.gpu ?? false;
        const shape = { region: region(run), cpu: run.cpu ?? (gpu ? 4 : 1), memoryGiB: run.memoryGiB ?? (gpu ? 16 : 2), gpu, cpuIdle: !gpu };
        return { gpu, pricing: { shape: cloudRunReplicaShape(shapeName, shape) } };
    },
    deploy: (name, run, spec, parent) => {
        if (spec.prewarm.length === 0) {
            void pulumi.log.info(
                `Cloud Run has no autoscaling resource apart from the service: set minInstanceCount ${spec.min}, maxInstanceCount ${spec.max} and ` +
                    `maxInstanceRequestConcurrency ${spec.metricTarget} on the service (or use ModelService's scaling.autoscaling)`,
                parent,
            );
        }
        // With windows, validation made sure of the project and the service account.
        const ref = { project: project(run) as pulumi.Input<string>, region: region(run), serviceName: run.serviceName, serviceAccountEmail: run.serviceAccountEmail as pulumi.Input<string> };
        return createCloudRunPrewarm(name, spec, ref, { parent });
    },
});
