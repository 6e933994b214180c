/**
 * What the real providers would compute for a resource or answer for an invoke, simulated offline so
 * that programs reading those values (ARNs, URLs, generated names, the current region) run under mocks.
 * Every value here is deterministic: the same program gives the same plan.
 */
import { DEFAULT_AWS_REGION, DEFAULT_GCP_REGION } from "../cost/regions";
import { shortHash } from "../naming";

/** The account id reported for the simulated AWS account (AWS's documentation example id). */
export const SIMULATED_AWS_ACCOUNT = "123456789012";

interface SimulationContext {
    project: string;
    stack: string;
    config?: Record<string, string>;
}

function awsRegion(ctx: SimulationContext): string {
    return ctx.config?.["aws:region"] ?? DEFAULT_AWS_REGION;
}

function gcpRegion(ctx: SimulationContext): string {
    return ctx.config?.["gcp:region"] ?? DEFAULT_GCP_REGION;
}

function gcpProject(ctx: SimulationContext): string {
    return ctx.config?.["gcp:project"] ?? "simulated-project";
}

type Inputs = Record<string, unknown>;

function str(value: unknown, fallback: string): string {
    return typeof value === "string" && value !== "" ? value : fallback;
}

/** The prefix of every simulated generated password: a key in a plan's output is recognisably not a real one. */
export const SIMULATED_PASSWORD_PREFIX = "simulated";

/**
 * A RandomPassword's `result` offline: `simulated` and a hash of the resource's stack, project, type and name (the parts
 * of its URN), at the requested `length`. Deterministic, so two plans of one program agree; clearly fake, so it is never
 * mistaken for a key. Its letters and digits are in every character class a `special: false` password allows.
 */
function simulatedPassword(type: string, name: string, inputs: Inputs, ctx: SimulationContext): string {
    const length = typeof inputs.length === "number" && inputs.length > 0 ? inputs.length : 16;
    let text = SIMULATED_PASSWORD_PREFIX;
    for (let round = 0; text.length < length; round++) text += shortHash(`${ctx.stack}::${ctx.project}::${type}::${name}#${round}`, 64);
    return text.slice(0, length);
}

/** Outputs the real provider computes, merged over the inputs in the mock state. */
export function simulatedOutputs(type: string, name: string, inputs: Inputs, ctx: SimulationContext): Inputs {
    const [pkg, module] = type.split(":");
    const region = awsRegion(ctx);
    if (pkg === "kubernetes") {
        const metadata = (inputs.metadata ?? {}) as Inputs;
        // The Kubernetes provider auto-names objects `<name>-<random>`; the plan uses a stable hash instead.
        const generated = `${name}-${shortHash(`${ctx.stack}/${type}/${name}`, 8)}`;
        return { metadata: { ...metadata, name: str(metadata.name, generated), namespace: metadata.namespace ?? "default" } };
    }
    if (pkg === "aws") {
        const service = module.split("/")[0];
        const resourceName = str(inputs.name, name);
        const arn = `arn:aws:${service}:${region}:${SIMULATED_AWS_ACCOUNT}:${type.split(":")[2].toLowerCase()}/${resourceName}`;
        const out: Inputs = { arn, name: resourceName };
        if (type === "aws:lambda/functionUrl:FunctionUrl") {
            out.functionUrl = `https://${shortHash(name, 32)}.lambda-url.${region}.on.aws/`;
        }
        if (type === "aws:lambda/function:Function") {
            // A function created with publish: true gets version 1; without, only $LATEST exists.
            out.version = inputs.publish === true ? "1" : "$LATEST";
            out.qualifiedArn = `${arn}:${out.version}`;
            out.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
        }
        if (type === "aws:apigatewayv2/api:Api") {
            const apiId = shortHash(name, 10);
            out.apiEndpoint = `https://${apiId}.execute-api.${region}.amazonaws.com`;
            out.executionArn = `arn:aws:execute-api:${region}:${SIMULATED_AWS_ACCOUNT}:${apiId}`;
        }
        if (type === "aws:apigateway/restApi:RestApi") {
            // The mock's id is `<name>-id`: the execute-api ARN holds the same id, as a real API's does.
            const apiRegion = str(inputs.region, region);
            Object.assign(out, { executionArn: `arn:aws:execute-api:${apiRegion}:${SIMULATED_AWS_ACCOUNT}:${name}-id`, rootResourceId: shortHash(`${name}/`, 10) });
        }
        if (type === "aws:apigateway/stage:Stage") {
            out.invokeUrl = `https://${str(inputs.restApi, name)}.execute-api.${str(inputs.region, region)}.amazonaws.com/${str(inputs.stageName, "stage")}`;
        }
        // A new launch template is at version 1.
        if (type === "aws:ec2/launchTemplate:LaunchTemplate") Object.assign(out, { latestVersion: 1, defaultVersion: 1 });
        if (type === "aws:iam/role:Role") out.arn = `arn:aws:iam::${SIMULATED_AWS_ACCOUNT}:role${str(inputs.path, "/")}${resourceName}`;
        if (type === "aws:sqs/queue:Queue") {
            // Queue ARNs end in the name; the URL is https://sqs.<region>.amazonaws.com/<account>/<name> (GetQueueUrl).
            const queueRegion = str(inputs.region, region);
            const queueName = str(inputs.name, typeof inputs.namePrefix === "string" ? `${inputs.namePrefix}${shortHash(`${ctx.stack}/${name}`, 26)}` : name);
            Object.assign(out, {
                name: queueName,
                arn: `arn:aws:sqs:${queueRegion}:${SIMULATED_AWS_ACCOUNT}:${queueName}`,
                url: `https://sqs.${queueRegion}.amazonaws.com/${SIMULATED_AWS_ACCOUNT}/${queueName}`,
            });
        }
        if (type === "aws:s3/bucket:Bucket") {
            // A bucket named by `bucketPrefix` gets the prefix and a suffix (the provider's is a timestamp and counter; a hash here).
            const bucket = str(inputs.bucket, typeof inputs.bucketPrefix === "string" ? `${inputs.bucketPrefix}${shortHash(`${ctx.stack}/${name}`, 26)}` : name);
            Object.assign(out, { bucket, arn: `arn:aws:s3:::${bucket}`, name: bucket });
        }
        // Topic ARNs end in the name, without a resource type.
        if (type === "aws:sns/topic:Topic") out.arn = `arn:aws:sns:${region}:${SIMULATED_AWS_ACCOUNT}:${resourceName}`;
        if (type === "aws:eks/cluster:Cluster") {
            out.endpoint = `https://${shortHash(name, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
            out.certificateAuthority = { data: "c2ltdWxhdGVkLWNh" };
        }
        return out;
    }
    if (pkg === "gcp") {
        const resourceName = str(inputs.name, name);
        const out: Inputs = { name: resourceName, project: str(inputs.project, gcpProject(ctx)) };
        if (type === "gcp:cloudrunv2/service:Service") {
            const location = str(inputs.location, gcpRegion(ctx));
            out.uri = `https://${resourceName}-${shortHash(resourceName, 10)}-${location === "us-central1" ? "uc" : "ew"}.a.run.app`;
        }
        if (type === "gcp:serviceaccount/account:Account") {
            const email = `${str(inputs.accountId, name)}@${out.project}.iam.gserviceaccount.com`;
            Object.assign(out, { email, member: `serviceAccount:${email}`, uniqueId: shortHash(email, 21) });
        }
        if (type === "gcp:secretmanager/secretVersion:SecretVersion") out.version = "1";
        if (type === "gcp:container/cluster:Cluster") {
            out.endpoint = `34.${parseInt(shortHash(name, 2), 16)}.0.1`;
            out.masterAuth = { clusterCaCertificate: "c2ltdWxhdGVkLWNh" };
        }
        return out;
    }
    if (type === "random:index/randomPassword:RandomPassword") return { result: simulatedPassword(type, name, inputs, ctx) };
    if (pkg === "docker") {
        if (type === "docker:index/remoteImage:RemoteImage") {
            return { repoDigest: `${str(inputs.name, name).split(":")[0]}@sha256:${shortHash(str(inputs.name, name), 64)}`, imageId: `sha256:${shortHash(name, 64)}` };
        }
        if (type === "docker:index/container:Container") return { name: str(inputs.name, name) };
    }
    return {};
}

/** Answers for the invokes a modelship program makes; an invoke without an offline answer fails clearly. */
export function simulatedInvoke(token: string, inputs: Inputs, ctx: SimulationContext): Inputs {
    switch (token) {
        case "aws:index/getRegion:getRegion":
            return { name: awsRegion(ctx), region: awsRegion(ctx), id: awsRegion(ctx), description: "simulated" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: SIMULATED_AWS_ACCOUNT, arn: `arn:aws:iam::${SIMULATED_AWS_ACCOUNT}:user/plan`, userId: "PLAN", id: SIMULATED_AWS_ACCOUNT };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
        case "gcp:organizations/getProject:getProject":
            return { projectId: gcpProject(ctx), number: "000000000000", name: gcpProject(ctx), id: `projects/${gcpProject(ctx)}` };
        case "gcp:organizations/getClientConfig:getClientConfig":
            return { project: gcpProject(ctx), region: gcpRegion(ctx), zone: `${gcpRegion(ctx)}-a`, accessToken: "simulated", id: "simulated" };
        default:
            throw new Error(
                `The offline plan cannot answer the invoke ${token} (inputs: ${JSON.stringify(inputs)}): ` +
                    "it has no cloud to ask. Pass the value as config or an argument instead of looking it up.",
            );
    }
}
