/** Every ModelService target, by name. A new target is one file and one line here (a missing line fails to compile). */
import { Target } from "../args";
import { cloudRunTarget } from "./cloudrun";
import { dockerTarget } from "./docker";
import { kubernetesTarget } from "./kubernetes";
import { lambdaTarget } from "./lambda";
import { sagemakerTarget } from "./sagemaker";
import { ServingTarget } from "./target";

export const TARGETS: Record<Target, ServingTarget> = {
    [Target.Docker]: dockerTarget,
    [Target.Kubernetes]: kubernetesTarget,
    [Target.AwsSageMaker]: sagemakerTarget,
    [Target.AwsLambda]: lambdaTarget,
    [Target.GcpCloudRun]: cloudRunTarget,
};
