/** Physical names of the gateway's GCP resources: `<gateway>-<part>`, at most 63 characters, starting with a letter. */
import { gcpName } from "../../../../sdk/naming";
import { GatewaySpec } from "../../spec";

/** The name GCP shows for one part of the gateway (Compute Engine names: RFC 1035, 63 characters). */
export function gcpResourceName(spec: GatewaySpec, part: string): string {
    return gcpName(`${spec.name}-${part}`, 63);
}
