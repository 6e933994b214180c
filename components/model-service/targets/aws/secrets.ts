/**
 * Secret environment variables on AWS. SageMaker keeps a Model's environment in plain text in its API
 * and Lambda shows a function's environment in the console, so secret values never go there: each one
 * becomes a Secrets Manager secret (its value a Pulumi secret in state), and the server receives the
 * secret's ARN in `<NAME>_SECRET_ARN`, which it reads with secretsmanager:GetSecretValue at start.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../../../../sdk/naming";

/** The suffix of the environment variable that carries a secret's ARN. */
export const SECRET_ARN_SUFFIX = "_SECRET_ARN";

/** What {@link createSecrets} made. */
export interface SecretEnvironment {
    /** `<NAME>_SECRET_ARN` -> secret ARN, for the server's environment. */
    env: Record<string, pulumi.Output<string>>;
    /** The ARNs, for the role's secretsmanager:GetSecretValue grant. */
    arns: pulumi.Output<string>[];
    /** The secrets by role, `secret-<NAME>`, for the component's escape hatches. */
    resources: Record<string, pulumi.Resource>;
}

/**
 * One Secrets Manager secret per secret environment variable, auto-named under `<service>/` so that a
 * deleted secret's recovery window never blocks a new one. The default 30-day recovery window stays:
 * a secret removed by mistake can be restored.
 */
export function createSecrets(service: string, secrets: Record<string, pulumi.Input<string>>, tags: Record<string, string>, parent: pulumi.Resource): SecretEnvironment {
    const out: SecretEnvironment = { env: {}, arns: [], resources: {} };
    for (const [key, value] of Object.entries(secrets).sort(([a], [b]) => a.localeCompare(b))) {
        const resourceName = `${service}-secret-${key.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
        const secret = new aws.secretsmanager.Secret(
            resourceName,
            {
                namePrefix: `${physicalName(service)}/${key.replace(/[^A-Za-z0-9/_+=.@-]/g, "-")}-`,
                description: `${key} of the modelship ModelService ${service}`,
                tags,
            },
            { parent },
        );
        new aws.secretsmanager.SecretVersion(resourceName, { secretId: secret.id, secretString: pulumi.secret(value) }, { parent });
        out.env[`${key}${SECRET_ARN_SUFFIX}`] = secret.arn;
        out.arns.push(secret.arn);
        out.resources[`secret-${key}`] = secret;
    }
    return out;
}
