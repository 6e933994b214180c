/**
 * What every small helper container modelship runs on the local Docker engine shares (the gateway's nginx, the
 * pipeline's router): no capability and no privilege escalation, a health check the engine waits for, a restart
 * policy, memory and CPU caps, and rotated JSON logs. The caller adds its image, command, user, files and network.
 */
import * as docker from "@pulumi/docker";

/** The container arguments of a small helper service that answers `healthCheck` (a Docker `CMD` list) when ready. */
export function smallServiceContainerArgs(healthCheck: string[], labels: docker.types.input.ContainerLabel[]): Partial<docker.ContainerArgs> {
    return {
        capabilities: { drops: ["ALL"] },
        securityOpts: ["no-new-privileges:true"],
        healthcheck: { tests: ["CMD", ...healthCheck], interval: "15s", timeout: "5s", retries: 3, startPeriod: "10s", startInterval: "1s" },
        wait: true,
        waitTimeout: 60,
        restart: "unless-stopped",
        memory: 256,
        cpus: "0.5",
        logDriver: "json-file",
        logOpts: { "max-size": "20m", "max-file": "3" },
        labels,
    };
}
