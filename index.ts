/**
 * modelship: typed Pulumi components for ML model serving.
 *
 * Every exported ComponentResource class here is part of the multi-language package (PulumiPlugin.yaml):
 * keep their constructors `(name, args, opts)` with `args` an interface, and no unions in arguments.
 */
export { ModelService } from "./components/model-service";
export * from "./components/model-service/args";
export * from "./components/gpu-pool";
export * from "./components/spike-autoscaler";
export * from "./components/polyglot-pipeline";
export * from "./components/model-gateway";
export { Accelerator } from "./sdk/catalog/accelerators";
export type { MonthlyCostEstimate } from "./sdk/cost/estimate";
export { ModelshipValidationError } from "./sdk/validate";
export type { ValidationProblem } from "./sdk/validate";
