/**
 * What every modelship component shares on Kubernetes: the one workload (pod spec) builder, Services,
 * disruption budgets, Gateway API routes and gateway authentication. Components map their own specs onto
 * these builders; nothing here knows about a particular component.
 */
export * from "./auth-policy";
export * from "./container";
export * from "./pdb";
export * from "./placement";
export * from "./route";
export * from "./secret";
export * from "./security";
export * from "./service";
export * from "./service-account";
export * from "./workload";
export * from "./monitoring";
