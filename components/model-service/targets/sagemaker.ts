/**
 * `target: aws-sagemaker`: the model on a SageMaker real-time or serverless endpoint.
 *
 * An execution role limited to the model's S3 prefix, its ECR repository, its own log group, SageMaker's
 * metric namespace and its own secrets; one Model per version; an EndpointConfiguration with one production
 * variant per version (canary weights), auto-named so that an update creates the new configuration before
 * the old one is deleted; an Endpoint with a stable name; autoscaling when max replicas exceed min. Each
 * variant of a canary runs the replica bounds on its own instances (SageMaker weights route traffic, they do
 * not share instances).
 * SageMaker endpoints accept only SigV4-signed requests, so `auth` is `iam` (the default) or the target refuses.
 * A `uri` served by runtime vllm or tgi runs on AWS's own container for that runtime in the endpoint's region
 * (aws/sagemaker-images.ts) unless `model.serverImage` names another.
 *
 * In queue mode (`scaling.mode: queue`) the endpoint serves asynchronous inference: its bucket, topics and grants come
 * from aws/sagemaker-async.ts; it scales out on its backlog per instance, in through the step policies and alarms of
 * spike-autoscaler/sagemaker-scale-in.ts, and from zero through those of spike-autoscaler/sagemaker-backlog.ts.
 *
 * The settings step, the rules, the autoscaling part and the shapes the cost model reads: sagemaker-spec.ts (queue
 * mode's rules: sagemaker-async-spec.ts).
 */
import { createExecutionRole, logGroupShape } from "./aws/execution-role";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { cloudTags } from "../../../sdk/naming";
import { Target } from "../args";
import { ServingSpec, ServingVersion } from "../spec";
import { AwsContext } from "./aws/context";
import { executionPolicy, modelDataSource, presetEnvironment, s3Artifact } from "./aws/sagemaker-model";
import { sagemakerContainerImage } from "./aws/sagemaker-images";
import {
    endpointName,
    onSageMakerContainer,
    sagemakerAutoscaling,
    sagemakerProblems,
    SageMakerSettings,
    sagemakerSettings,
    sagemakerTiming,
    scalingShapes,
    startupTimeoutSeconds,
    variantShapes,
} from "./sagemaker-spec";
import { ServingTarget, TargetDeployment } from "./target";
import type { ReplicaPricing } from "../../spike-autoscaler/budget";
import { scheduledActionShapes, trackingPolicyShape } from "../../spike-autoscaler/app-autoscaling";
import { createSageMakerQueueScaling, createSageMakerScaling, sagemakerGpusPerInstance, sagemakerQueueScalingShapes, sagemakerReplicaShape } from "../../spike-autoscaler/sagemaker";
import { createQueueStore, queueEndpoint, queueStoreShapes } from "./aws/sagemaker-async";
import { createSageMakerObservability, SageMakerWatch, sagemakerObservabilityShapes } from "./aws/observability-sagemaker";

/** The image a version's Model runs, in the account and region the endpoint is created in. */
function imageIn(ctx: AwsContext, spec: ServingSpec, version: ServingVersion): pulumi.Input<string> {
    return onSageMakerContainer(spec, version) ? sagemakerContainerImage(spec.runtime, ctx.region, ctx.dnsSuffix) : version.image;
}

/** The log group SageMaker writes the endpoint's container logs to (its fixed name pattern). */
function sagemakerLogGroupName(spec: ServingSpec): string {
    return `/aws/sagemaker/Endpoints/${endpointName(spec)}`;
}

/** What the alarms and dashboard watch (aws/observability-sagemaker.ts). */
function watched(spec: ServingSpec, settings: SageMakerSettings): SageMakerWatch {
    return { endpointName: endpointName(spec), serverless: settings.serverless, requestTimeoutSeconds: sagemakerTiming(spec).requestTimeoutSeconds };
}

function deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment {
    const settings = sagemakerSettings(spec);
    const tags = cloudTags(spec.owner);
    const name = endpointName(spec);
    const logGroupName = sagemakerLogGroupName(spec);
    const store = spec.queue ? createQueueStore(spec, spec.queue, settings.kmsKeyArn, tags, parent) : undefined;
    const { ctx, logGroup, secrets, role, rolePolicy } = createExecutionRole(spec, tags, parent, {
        service: "sagemaker.amazonaws.com",
        workload: "SageMaker",
        logGroupName,
        logRetentionDays: settings.logRetentionDays,
        policy: (c, arns) =>
            pulumi.all([pulumi.all(spec.versions.map((v) => imageIn(c, spec, v))), store ? store.statements(c) : []]).apply(([images, queueGrants]) => {
                const document = executionPolicy(c, spec, images, logGroupName, arns);
                return { ...document, Statement: [...document.Statement, ...queueGrants] };
            }),
    });

    const shapes = variantShapes(spec, settings);
    const startupTimeout = startupTimeoutSeconds(spec);
    const models: Record<string, aws.sagemaker.Model> = {};
    const variants = spec.versions.map((version, i) => {
        const data = s3Artifact(version);
        // Auto-named (no `name`): a new image or artifact replaces the Model under a new name, created
        // before the old one is deleted, and the endpoint moves to it through a new configuration.
        const model = new aws.sagemaker.Model(
            spec.canary ? `${spec.name}-model-${version.name}` : `${spec.name}-model`,
            {
                executionRoleArn: role.arn,
                primaryContainer: {
                    image: ctx.apply((c) => pulumi.output(imageIn(c, spec, version))),
                    mode: "SingleModel",
                    modelDataSource: data ? modelDataSource(data) : undefined,
                    environment: { ...presetEnvironment(spec, version), ...spec.env, ...secrets.env },
                },
                tags,
            },
            // CreateModel checks that the role can pull the image: the policy must be in place first.
            { parent, dependsOn: [rolePolicy] },
        );
        models[spec.canary ? `model-${version.name}` : "model"] = model;
        const shape = shapes[i];
        return settings.serverless
            ? { ...shape, modelName: model.name }
            : {
                  ...shape,
                  modelName: model.name,
                  containerStartupHealthCheckTimeoutInSeconds: startupTimeout,
                  modelDataDownloadTimeoutInSeconds: data ? startupTimeout : undefined,
              };
    });

    // Auto-named and create-before-delete: every configuration field forces a replacement, and the
    // endpoint must switch to the new configuration before the old one may go.
    const endpointConfig = new aws.sagemaker.EndpointConfiguration(
        `${spec.name}-config`,
        { productionVariants: variants, ...(store ? { asyncInferenceConfig: store.asyncInferenceConfig } : {}), tags },
        { parent, deleteBeforeReplace: false },
    );
    const endpoint = new aws.sagemaker.Endpoint(`${spec.name}-endpoint`, { name, endpointConfigName: endpointConfig.name, tags }, { parent, dependsOn: [logGroup] });

    const resources: Record<string, pulumi.Resource> = { role, rolePolicy, logGroup, ...models, endpointConfig, endpoint, ...secrets.resources, ...store?.resources };
    const autoscaling = spec.autoscaling;
    if (autoscaling && !settings.serverless) {
        for (const version of spec.versions) {
            const suffix = spec.canary ? `-${version.name}` : "";
            // The endpoint's name as an Output: scaling registers after the endpoint exists.
            const ref = { endpointName: endpoint.name, variantName: version.name, gpusPerInstance: sagemakerGpusPerInstance(settings.instanceType) };
            // An asynchronous endpoint scales out on its backlog, in and from zero through step policies of its own.
            const made = (store ? createSageMakerQueueScaling : createSageMakerScaling)(`${spec.name}-scaling${suffix}`, autoscaling, ref, tags, parent);
            for (const [role, resource] of Object.entries(made)) resources[`${role}${suffix}`] = resource;
        }
    }

    // Alarms and the dashboard name the endpoint by its fixed name, and follow it.
    Object.assign(resources, createSageMakerObservability(spec, watched(spec, settings), ctx, tags, parent, endpoint));

    // Asynchronous endpoints are called through InvokeEndpointAsync, at their own path.
    const url = pulumi.interpolate`https://runtime.sagemaker.${ctx.region}.${ctx.dnsSuffix}/endpoints/${endpoint.name}/${store ? "async-invocations" : "invocations"}`;
    return { url, endpointName: endpoint.name, resources, queue: store ? queueEndpoint(store, url) : undefined };
}

function costedResources(spec: ServingSpec): CostedResource[] {
    const settings = sagemakerSettings(spec);
    const config = `${spec.name}-config`;
    const endpoint = `${spec.name}-endpoint`;
    // The Endpoint links the configuration (auto-named, so known by its resource name) to the autoscaling
    // targets, which name the endpoint: the cost model prices each variant at its target's bounds.
    const out: CostedResource[] = [
        { urn: config, type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: config, inputs: { productionVariants: variantShapes(spec, settings) } },
        ...(spec.queue ? queueStoreShapes(spec) : []),
        { urn: endpoint, type: "aws:sagemaker/endpoint:Endpoint", name: endpoint, inputs: { name: endpointName(spec), endpointConfigName: config } },
        logGroupShape(spec, { logGroupName: sagemakerLogGroupName(spec), logRetentionDays: settings.logRetentionDays }),
    ];
    scalingShapes(spec, settings).forEach((shape, i) => {
        const name = `${spec.name}-scaling${spec.canary ? `-${spec.versions[i].name}` : ""}`;
        out.push({ urn: name, type: "aws:appautoscaling/target:Target", name, inputs: shape }, trackingPolicyShape(name));
        // The pre-warming actions on the target: the cost model counts their hours in the minimum.
        if (spec.autoscaling) out.push(...scheduledActionShapes(name, spec.autoscaling, shape as { serviceNamespace: string; resourceId: string; scalableDimension: string }));
        if (spec.queue && spec.autoscaling) out.push(...sagemakerQueueScalingShapes(name, spec.autoscaling, endpointName(spec)));
    });
    // Alarms are billed per alarm-month, a dashboard per dashboard-month beyond the free tier.
    out.push(...sagemakerObservabilityShapes(spec, watched(spec, settings)));
    return out;
}

/** One instance of the service's instance type; a canary's variants each run the bounds on their own instances. */
function replicaPricing(spec: ServingSpec): ReplicaPricing {
    const settings = sagemakerSettings(spec);
    const variants = spec.versions.length;
    return {
        shape: sagemakerReplicaShape(`${spec.name}-one-replica`, settings.instanceType),
        unknownReason: "the instance type is not known (sagemaker.instanceType)",
        billedReplicas: (n) => n * variants,
    };
}

export const sagemakerTarget: ServingTarget<SageMakerSettings> = {
    target: Target.AwsSageMaker,
    settings: sagemakerSettings,
    autoscaling: sagemakerAutoscaling,
    validate: sagemakerProblems,
    timing: sagemakerTiming,
    deploy,
    costedResources,
    replicaPricing,
};
