/**
 * What the aws-apigateway target creates, as the cost model sees it: the same logical names as deploy (names.ts), and
 * the inputs the pricers read. The REST API is billed per request (no cache cluster, so no hourly part): $0 idle,
 * unknown at full scale. The authorizer function is billed per request and GB-second, without a concurrency cap (a
 * reserved concurrency would take from the account's pool and fail on accounts with the minimum): $0 idle, unknown
 * at full scale. The log groups are billed per GB. The rest has no charge of its own.
 */
import { CostedResource } from "../../../../sdk/cost/types";
import { GatewaySpec } from "../../spec";
import { AUTHORIZER_MEMORY_MB, AUTHORIZER_RUNTIME, authorizerNames } from "./authorizer";
import { needsRole, resourceName, resourcePaths, ROUTE_SLOTS, slotName, statusesOf } from "./names";
import { needsAuthorizer, restApiShape } from "./rest-api";
import { accessLogGroupName } from "./stage";
import { BackendKind } from "../../spec";

const APIGW = "aws:apigateway";

/** Every resource deploy creates, by type and logical name, with the inputs the pricers read. */
export function awsCostedResources(spec: GatewaySpec): CostedResource[] {
    const item = (type: string, name: string, inputs: Record<string, unknown> = {}): CostedResource => ({ urn: name, type, name, inputs });
    const region = spec.aws.region;
    const gw = (type: string, name: string, inputs: Record<string, unknown> = {}) => item(`${APIGW}/${type}`, name, { region, ...inputs });
    const items: CostedResource[] = [gw("restApi:RestApi", `${spec.name}-api`, restApiShape(spec))];
    if (needsAuthorizer(spec)) {
        const { functionName, logGroupName } = authorizerNames(spec);
        items.push(
            item("aws:cloudwatch/logGroup:LogGroup", `${spec.name}-authorizer-logs`, { name: logGroupName, retentionInDays: spec.aws.logRetentionDays, region }),
            item("aws:iam/role:Role", `${spec.name}-authorizer-role`),
            item("aws:iam/rolePolicy:RolePolicy", `${spec.name}-authorizer-role-policy`),
            item("aws:lambda/function:Function", `${spec.name}-authorizer`, { name: functionName, runtime: AUTHORIZER_RUNTIME, memorySize: AUTHORIZER_MEMORY_MB, architectures: ["arm64"], region }),
            gw("authorizer:Authorizer", `${spec.name}-authorizer`, { type: "REQUEST" }),
            item("aws:lambda/permission:Permission", `${spec.name}-authorizer-permission`),
        );
    }
    items.push(...resourcePaths(spec).map((path) => gw("resource:Resource", resourceName(spec, path))));
    for (const route of spec.routes) {
        if (needsRole(route)) items.push(item("aws:iam/role:Role", `${spec.name}-${route.name}-role`), item("aws:iam/rolePolicy:RolePolicy", `${spec.name}-${route.name}-role-policy`));
        for (const slot of ROUTE_SLOTS) {
            const base = slotName(spec, route, slot);
            items.push(gw("method:Method", `${base}-method`), gw("integration:Integration", `${base}-integration`));
            for (const status of statusesOf(route)) {
                items.push(gw("methodResponse:MethodResponse", `${base}-response-${status.statusCode}`));
                if (!status.methodOnly) items.push(gw("integrationResponse:IntegrationResponse", `${base}-integration-response-${status.statusCode}`));
            }
            if (route.backend.kind === BackendKind.LambdaFunction) items.push(item("aws:lambda/permission:Permission", `${base}-permission`));
        }
    }
    items.push(
        gw("deployment:Deployment", `${spec.name}-deployment`),
        item("aws:cloudwatch/logGroup:LogGroup", `${spec.name}-access-logs`, { name: accessLogGroupName(spec), retentionInDays: spec.aws.logRetentionDays, region }),
        gw("stage:Stage", `${spec.name}-stage`, { stageName: spec.aws.stageName }),
    );
    for (const consumer of spec.consumers) {
        const base = `${spec.name}-${consumer.name}`;
        items.push(gw("apiKey:ApiKey", `${base}-api-key`), gw("usagePlan:UsagePlan", `${base}-usage-plan`), gw("usagePlanKey:UsagePlanKey", `${base}-usage-plan-key`));
    }
    return items;
}
