/** A standalone SpikeAutoscaler on Lambda: Application Auto Scaling on the provisioned concurrency of the alias in `lambda`. */
import { cloudTags } from "../../../sdk/naming";
import { createLambdaScaling, LAMBDA_PRICE_UNKNOWN } from "../lambda";
import { standaloneTarget } from "./target";

export const lambdaStandalone = standaloneTarget({
    block: "lambda",
    described: "the alias: lambda.functionName and lambda.alias",
    context: () => ({ gpu: false, pricing: { unknownReason: LAMBDA_PRICE_UNKNOWN } }),
    deploy: (name, lambda, spec, parent) =>
        createLambdaScaling(name, spec, { functionName: lambda.functionName, alias: lambda.alias }, cloudTags({ component: "SpikeAutoscaler", service: name }), { parent }),
});
