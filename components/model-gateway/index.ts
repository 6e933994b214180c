/**
 * ModelGateway: one front door for many ModelServices and PolyglotPipelines (or any URL), with a key, a rate and a
 * quota per consumer, and timeouts that cover the backends' cold starts. The class is thin: validate and resolve the
 * spec, make the consumers' keys, hand the spec to the target.
 */
import * as pulumi from "@pulumi/pulumi";
import { costEstimateOutput, MonthlyCostEstimate } from "../../sdk/cost/estimate";
import { argumentsValid, logWarnings, resourcesByRole, validateComponent } from "../../sdk/component";
import { ModelshipValidationError } from "../../sdk/validate";
import { ModelGatewayArgs } from "./args";
import { consumerKeys } from "./keys";
import { openApiOutput } from "./openapi";
import { policyView } from "./policy-view";
import { ResolvedGateway, resolveGatewaySpec } from "./resolve";
import { gatewaySchema } from "./schema";
import { GATEWAY_TARGETS } from "./targets";

export * from "./args";

const TYPE = "modelship:index:ModelGateway";

/** The target's resources by role, kept outside the class so they are not schema outputs. */
const UNDERLYING = resourcesByRole();

/**
 * What is known once Output arguments resolve: refuses their problems (failing the deployment with the same error as
 * a plain argument) and logs their warnings on the component.
 */
function laterCheck(resolved: ResolvedGateway, component: pulumi.Resource): pulumi.Output<boolean> {
    if (!resolved.later) return pulumi.output(true);
    return resolved.later.apply(({ problems, warnings }) => {
        if (problems.length > 0) throw new ModelshipValidationError(TYPE, resolved.spec.name, problems);
        logWarnings(component, warnings);
        return true;
    });
}

/**
 * One gateway in front of many model endpoints: routes by path prefix (and optionally a header, such as a model
 * version), a key, a rate, a burst and optionally a monthly quota per consumer (or JWT), timeouts derived from each
 * backend's cold-start budget and request time, on Kubernetes (Gateway API with Envoy Gateway), AWS API Gateway, a
 * GCP external Application Load Balancer with Cloud Armor, or a local nginx container. No route is anonymous unless
 * written out. See docs/gateway.md.
 *
 * ```ts
 * const fraud = new ModelService("fraud", { ... target: Target.Kubernetes });
 * const gateway = new ModelGateway("models", {
 *     target: GatewayTarget.Kubernetes,
 *     routes: [
 *         {
 *             name: "fraud",
 *             pathPrefix: "/fraud",
 *             url: fraud.internalUrl,
 *             coldStartSeconds: fraud.coldStartBudgetSeconds,
 *             requestSeconds: fraud.requestTimeoutSeconds,
 *         },
 *     ],
 *     consumers: [{ name: "checkout", ratePerSecond: 20 }],
 *     kubernetes: { hostname: "models.example.com", tlsSecretName: "models-tls" },
 * });
 * export const url = gateway.url;
 * export const checkoutKey = gateway.consumerKeys.apply((keys) => keys.checkout);
 * ```
 */
export class ModelGateway extends pulumi.ComponentResource {
    /** Lets policy helpers (`validateResourceOfType`) recognise this component. */
    static readonly __pulumiType = TYPE;

    /** The gateway's base URL, without a trailing `/`. */
    readonly url: pulumi.Output<string>;
    /** Each route's URL (the base URL and the route's path prefix), by route name. */
    readonly routeUrls: pulumi.Output<{ [route: string]: string }>;
    /** Each consumer's API key, by consumer name: a secret. Empty with `auth: jwt`. */
    readonly consumerKeys: pulumi.Output<{ [consumer: string]: string }>;
    /** The OpenAPI 3.0.3 document of the routes, as a JSON string. */
    readonly openApi: pulumi.Output<string>;
    /** Monthly cost in USD of the gateway's own resources (per-request charges listed as per-use), with its basis. */
    readonly estimatedMonthlyCost: pulumi.Output<MonthlyCostEstimate>;

    /** The target's resources by role (for example `gateway`, `restApi`): escape hatches for TypeScript programs. */
    get resources(): { [role: string]: pulumi.Resource } {
        return UNDERLYING.get(this);
    }

    constructor(name: string, args: ModelGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super(): invalid arguments register nothing.
        const checked = validateComponent(TYPE, name, gatewaySchema, args, (parsed) => resolveGatewaySpec(name, parsed));
        const resolved = checked.value;
        const spec = resolved.spec;
        super(TYPE, name, args, opts);
        logWarnings(this, checked.warnings);

        const target = GATEWAY_TARGETS[spec.target];
        const keys = consumerKeys(spec, this);
        const deployed = target.deploy(spec, keys, this);

        this.url = deployed.url;
        this.routeUrls = pulumi.all(deployed.routeUrls);
        this.consumerKeys = pulumi.secret(pulumi.all(keys));
        this.openApi = openApiOutput(spec, deployed.url);
        this.estimatedMonthlyCost = costEstimateOutput(target.costedResources(spec));
        UNDERLYING.set(this, deployed.resources);
        this.registerOutputs({
            url: this.url,
            routeUrls: this.routeUrls,
            consumerKeys: this.consumerKeys,
            openApi: this.openApi,
            estimatedMonthlyCost: this.estimatedMonthlyCost,
            argumentsValid: argumentsValid(checked.deferredCheck, laterCheck(resolved, this)),
            // For the policy pack: stack policies see a component's outputs, not its arguments (policy-view.ts).
            policyView: policyView(spec, args, target.timeoutLimit(spec)),
        });
    }
}
