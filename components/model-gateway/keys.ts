/**
 * Consumers' API keys. With `auth: api-key`, a consumer without a given key gets one `random.RandomPassword`: made once,
 * kept in the stack's state as a secret (its `result` is a secret output), so the key does not change at every run.
 * A given key is wrapped in `pulumi.secret`. With JWT there are no keys.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GatewayAuth } from "./args";
import { GENERATED_KEY_LENGTH } from "./defaults";
import { GatewaySpec } from "./spec";

/**
 * Each consumer's API key, given or generated, as a secret.
 *
 * @param spec the resolved gateway
 * @param parent the component: generated keys are its children, named `<gateway>-<consumer>-key`
 * @returns the key of every consumer by name; empty with `auth: jwt`
 */
export function consumerKeys(spec: GatewaySpec, parent: pulumi.ComponentResource): Record<string, pulumi.Output<string>> {
    if (spec.auth !== GatewayAuth.ApiKey) return {};
    return Object.fromEntries(
        spec.consumers.map((consumer) => {
            if (consumer.apiKey !== undefined) return [consumer.name, pulumi.secret(consumer.apiKey)];
            // Letters and digits only: a key goes in a header, and API Gateway and nginx take it as it is.
            const password = new random.RandomPassword(`${spec.name}-${consumer.name}-key`, { length: GENERATED_KEY_LENGTH, special: false }, { parent });
            // `result` is a secret in the provider's schema; wrapped again so it stays one wherever it is read (mocks too).
            return [consumer.name, pulumi.secret(password.result)];
        }),
    );
}
