/** A standalone SpikeAutoscaler on SageMaker: Application Auto Scaling on the endpoint variant named in `sagemaker`. */
import { awsInstanceAccelerators } from "../../../sdk/catalog";
import { cloudTags } from "../../../sdk/naming";
import { createSageMakerScaling, sagemakerGpusPerInstance, sagemakerReplicaShape } from "../sagemaker";
import { standaloneTarget } from "./target";

export const sagemakerStandalone = standaloneTarget({
    block: "sagemaker",
    described: "the endpoint variant: sagemaker.endpointName (and variantName)",
    context: (sm, shapeName) => ({
        gpu: sm.instanceType !== undefined && awsInstanceAccelerators(sm.instanceType).accelerated,
        pricing: { shape: sagemakerReplicaShape(shapeName, sm.instanceType), unknownReason: "sagemaker.instanceType is not given" },
    }),
    deploy: (name, sm, spec, parent) => {
        const ref = { endpointName: sm.endpointName, variantName: sm.variantName ?? "default", gpusPerInstance: sagemakerGpusPerInstance(sm.instanceType) };
        return createSageMakerScaling(name, spec, ref, cloudTags({ component: "SpikeAutoscaler", service: name }), parent);
    },
});
