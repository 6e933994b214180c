/**
 * What every AWS target creates around its workload: its own log group (with retention), its secrets in
 * Secrets Manager, and an execution role trusted by one AWS service with one inline least-privilege
 * policy. Each target supplies the policy's statements; the rest is the same for SageMaker and Lambda.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../../sdk/cost/types";
import { physicalName } from "../../../../sdk/naming";
import { ServingSpec } from "../../spec";
import { AwsContext, awsContext } from "./context";
import { PolicyDocument, serviceTrustPolicy } from "./iam";
import { createSecrets, SecretEnvironment } from "./secrets";

export interface ExecutionRoleOptions {
    /** The AWS service that assumes the role, for example `lambda.amazonaws.com`. */
    service: string;
    /** Human name of the workload in the role's description, for example `Lambda`. */
    workload: string;
    logGroupName: string;
    logRetentionDays: number;
    /** The inline policy, given the account/region context and the ARNs of the workload's secrets. */
    policy: (ctx: AwsContext, secretArns: string[]) => pulumi.Input<PolicyDocument>;
}

export interface ExecutionRole {
    ctx: pulumi.Output<AwsContext>;
    logGroup: aws.cloudwatch.LogGroup;
    secrets: SecretEnvironment;
    role: aws.iam.Role;
    /** Resources that read secrets or pull images must depend on this: the grants must exist first. */
    rolePolicy: aws.iam.RolePolicy;
}

/** The workload's log group as the cost model prices it (CloudWatch Logs: $0 without logs, unknown at full scale). */
export function logGroupShape(spec: ServingSpec, options: Pick<ExecutionRoleOptions, "logGroupName" | "logRetentionDays">): CostedResource {
    const name = `${spec.name}-logs`;
    return { urn: name, type: "aws:cloudwatch/logGroup:LogGroup", name, inputs: { name: options.logGroupName, retentionInDays: options.logRetentionDays } };
}

export function createExecutionRole(spec: ServingSpec, tags: Record<string, string>, parent: pulumi.ComponentResource, options: ExecutionRoleOptions): ExecutionRole {
    const ctx = awsContext(parent);
    const logGroup = new aws.cloudwatch.LogGroup(`${spec.name}-logs`, { name: options.logGroupName, retentionInDays: options.logRetentionDays, tags }, { parent });
    const secrets = createSecrets(spec.name, spec.secrets, tags, parent);
    const role = new aws.iam.Role(
        `${spec.name}-role`,
        {
            namePrefix: `${physicalName(spec.name, "", 30)}-`,
            description: `${options.workload} execution role of the modelship ModelService ${spec.name}`,
            assumeRolePolicy: ctx.apply((c) => JSON.stringify(serviceTrustPolicy(options.service, c.accountId))),
            tags,
        },
        { parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${spec.name}-role-policy`,
        {
            role: role.id,
            policy: pulumi
                .all([ctx, pulumi.all(secrets.arns)])
                .apply(([c, arns]) => pulumi.output(options.policy(c, arns)))
                .apply((document) => JSON.stringify(document)),
        },
        { parent },
    );
    return { ctx, logGroup, secrets, role, rolePolicy };
}
