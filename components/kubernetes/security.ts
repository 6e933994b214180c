/**
 * Security contexts that pass the `restricted` Pod Security Standard: every workload modelship runs on
 * Kubernetes uses them, so a namespace labelled `pod-security.kubernetes.io/enforce: restricted` admits it.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import * as kubernetes from "@pulumi/kubernetes";

type PodSecurityContext = kubernetes.types.input.core.v1.PodSecurityContext;
type SecurityContext = kubernetes.types.input.core.v1.SecurityContext;

/**
 * The user and group containers run as. Model server images (vLLM, TGI, Triton) declare `root` as their
 * user, which `runAsNonRoot` alone would refuse to start; an explicit non-root id makes them start as a
 * user that owns nothing in the image, so everything they write goes to the emptyDir volumes.
 */
export const NON_ROOT_ID = 1000;

/** The pod-level context: non-root, the runtime's default seccomp profile, volumes group-owned by {@link NON_ROOT_ID}. */
export function restrictedPodSecurityContext(): PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: NON_ROOT_ID,
        runAsGroup: NON_ROOT_ID,
        fsGroup: NON_ROOT_ID,
        // Only re-own a volume when its root is not ours yet: a recursive chown of a large model volume
        // on every start would add minutes to a cold start.
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/**
 * The container-level context: no privilege escalation, no Linux capabilities, and a read-only root
 * filesystem when the image is known to write only to the mounted emptyDirs.
 */
export function restrictedContainerSecurityContext(readOnlyRootFilesystem: boolean): SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        readOnlyRootFilesystem,
        runAsNonRoot: true,
    };
}
