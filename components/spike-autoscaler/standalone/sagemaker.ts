/**
 * A standalone SpikeAutoscaler on SageMaker: Application Auto Scaling on the endpoint variant named in `sagemaker`,
 * and (`observability`, on by default) the CloudWatch alarm a ModelService's own scaling gets when the variant sits at
 * its effective maximum (components/model-service/targets/aws/observability-sagemaker.ts, `sagemakerAtMaxAlarm`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsInstanceAccelerators } from "../../../sdk/catalog";
import { cloudTags } from "../../../sdk/naming";
import { snsActions } from "../../model-service/targets/aws/alarms";
import { sagemakerAtMaxAlarm } from "../../model-service/targets/aws/observability-sagemaker";
import type { ParsedSpikeAutoscalerArgs } from "../schema";
import { createSageMakerScaling, sagemakerGpusPerInstance, sagemakerReplicaShape } from "../sagemaker";
import type { AutoscalerSpec } from "../spec";
import { Block, standaloneTarget } from "./target";

/**
 * Whether the at-maximum alarm is created: `observability.enabled` (default true), and room above the minimum (a fixed
 * count is always at its maximum, and the alarm would always fire).
 */
export function standaloneAtMaxAlarmWanted(spec: AutoscalerSpec, args: Pick<ParsedSpikeAutoscalerArgs, "observability">): boolean {
    return (args.observability?.enabled ?? true) && spec.max > spec.min;
}

/** The alarm, a child of the autoscaler, after the scalable target (an alarm of a variant not yet scaled shows nothing useful). */
function createAtMaxAlarm(name: string, sm: Block<"sagemaker">, spec: AutoscalerSpec, args: ParsedSpikeAutoscalerArgs, tags: Record<string, string>, opts: pulumi.CustomResourceOptions) {
    const variantName = sm.variantName ?? "default";
    const where = pulumi.interpolate`SageMaker endpoint ${sm.endpointName}, variant ${variantName} (scaled by SpikeAutoscaler ${name})`;
    const alarm = sagemakerAtMaxAlarm(where, { EndpointName: sm.endpointName, VariantName: variantName }, spec);
    return new aws.cloudwatch.MetricAlarm(`${name}-alarm-at-max`, { ...alarm, ...snsActions(args.observability?.notifications?.snsTopicArn), tags }, opts);
}

export const sagemakerStandalone = standaloneTarget({
    block: "sagemaker",
    described: "the endpoint variant: sagemaker.endpointName (and variantName)",
    context: (sm, shapeName) => ({
        gpu: sm.instanceType !== undefined && awsInstanceAccelerators(sm.instanceType).accelerated,
        pricing: { shape: sagemakerReplicaShape(shapeName, sm.instanceType), unknownReason: "sagemaker.instanceType is not given" },
    }),
    deploy: (name, sm, spec, parent, args) => {
        const ref = { endpointName: sm.endpointName, variantName: sm.variantName ?? "default", gpusPerInstance: sagemakerGpusPerInstance(sm.instanceType) };
        const tags = cloudTags({ component: "SpikeAutoscaler", service: name });
        const resources: Record<string, pulumi.Resource> = { ...createSageMakerScaling(name, spec, ref, tags, parent) };
        if (standaloneAtMaxAlarmWanted(spec, args)) {
            const after = resources.scalingTarget ? [resources.scalingTarget] : [];
            resources.atMaxAlarm = createAtMaxAlarm(name, sm, spec, args, tags, { parent, dependsOn: after });
        }
        return resources;
    },
});
