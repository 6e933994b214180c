/** The rules of each target, by target: what it defaults to and what it cannot do. */
import { AutoscalerTarget } from "./args";
import { cloudRunRules } from "./cloudrun";
import { kubernetesRules } from "./kubernetes";
import { lambdaRules } from "./lambda";
import { sagemakerRules } from "./sagemaker";
import type { TargetRules } from "./spec";

export const TARGET_RULES: Record<AutoscalerTarget, TargetRules> = {
    [AutoscalerTarget.Kubernetes]: kubernetesRules,
    [AutoscalerTarget.AwsSageMaker]: sagemakerRules,
    [AutoscalerTarget.AwsLambda]: lambdaRules,
    [AutoscalerTarget.GcpCloudRun]: cloudRunRules,
};
