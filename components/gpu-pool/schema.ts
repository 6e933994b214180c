/**
 * The zod schema of GpuPoolArgs and the checks that span fields. Catalog checks (which accelerator, GPU count
 * and instance type exist where) are in `shapes.ts`.
 */
import { z } from "zod";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { MAX_POOL_NODES } from "../../sdk/limits";
import { DerivedKubernetesName, isKubernetesName, KubernetesNameKind, kubernetesNameRuleWords, kubernetesResourceNameProblem } from "../../sdk/naming";
import { MAX_BUDGET_MONTHLY_USD } from "../../sdk/limits";
import { spendGuardSchema } from "../spike-autoscaler/schema";
import { awsRegion, count, gpusPerUnit, stringInput, tags } from "../../sdk/schema-fields";
import { describeValue, foreignBlockProblems, input, ValidationProblem } from "../../sdk/validate";
import { CapacityType, GpuDriverVersion, GpuPoolCloud } from "./args";
import { awsKmsKeyArn, gcpKmsKeyName } from "./kms";
import { headroomNames, headroomProblems, headroomSchema } from "./headroom";
import { imageCacheNames, imageCacheProblems, imageCacheSchema } from "./image-cache";
import { poolObservabilityNames, poolObservabilityProblems, poolObservabilitySchema } from "./observability";

const stringList = input(z.array(stringInput));
const nodeCount = (min: number) => count(min).max(MAX_POOL_NODES);
/** Kubernetes label keys and values as the API server accepts them (prefix optional). */
const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, "a Kubernetes label key");
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "a Kubernetes label value (at most 63 letters, digits, '-', '_' and '.')");
/** GPUs per namespace: each key a namespace name, checked here so the error names the key (a record's key issue names only the value). */
const gpuQuotas = z.record(z.string(), count(0)).superRefine((quotas, ctx) => {
    for (const namespace of Object.keys(quotas)) {
        if (!isKubernetesName(KubernetesNameKind.Label, namespace)) {
            ctx.addIssue({ code: "custom", path: [namespace], message: `a namespace name as the key (${JSON.stringify(namespace)} is not): ${kubernetesNameRuleWords(KubernetesNameKind.Label)}` });
        }
    }
});
const gcpZone = z.string().regex(/^[a-z]+-[a-z]+[0-9]+-[a-z]$/, "a GCP zone such as us-central1-a");

export const gpuPoolSchema = z
    .object({
        cloud: z.enum(GpuPoolCloud),
        accelerator: z.enum(Accelerator).optional(),
        gpusPerNode: gpusPerUnit.optional(),
        minNodes: nodeCount(0).optional(),
        maxNodes: nodeCount(1).optional(),
        capacityType: z.enum(CapacityType).optional(),
        minNodeVcpus: z.number().positive().optional(),
        minNodeMemoryGiB: z.number().positive().optional(),
        aws: z
            .object({
                region: awsRegion.optional(),
                clusterName: stringInput.optional(),
                createCluster: z.boolean().optional(),
                kubernetesVersion: z
                    .string()
                    .regex(/^1\.[0-9]+$/, "a Kubernetes minor version such as 1.33")
                    .optional(),
                subnetIds: input(z.array(stringInput).min(1)),
                instanceTypes: z.array(z.string().min(1)).min(1).optional(),
                desiredNodes: nodeCount(0).optional(),
                diskSizeGiB: count(20).max(16384).optional(),
                volumeKmsKeyArn: awsKmsKeyArn.optional(),
                karpenter: z.boolean().optional(),
                securityGroupIds: stringList.optional(),
                devicePlugin: z.boolean().optional(),
                cniPolicy: z.boolean().optional(),
            })
            .strict()
            .optional(),
        gcp: z
            .object({
                clusterName: stringInput.optional(),
                createCluster: z.boolean().optional(),
                deletionProtection: z.boolean().optional(),
                location: z
                    .string()
                    .regex(/^[a-z]+-[a-z]+[0-9]+(-[a-z])?$/, "a GCP region or zone such as us-central1 or us-central1-a")
                    .optional(),
                nodeLocations: z.array(gcpZone).min(1).optional(),
                machineType: z.string().min(1).optional(),
                gpuDriverVersion: z.enum(GpuDriverVersion).optional(),
                serviceAccount: stringInput.optional(),
                diskSizeGb: count(10).max(65536).optional(),
                bootDiskKmsKey: gcpKmsKeyName.optional(),
                network: stringInput.optional(),
                subnetwork: stringInput.optional(),
            })
            .strict()
            .optional(),
        kubernetes: z
            .object({
                nodeSelector: z.record(labelKey, labelValue).optional(),
                devicePlugin: z.boolean().optional(),
                devicePluginImage: z.string().min(1).optional(),
                priorityClasses: z.boolean().optional(),
                gpuQuotas: gpuQuotas.optional(),
            })
            .strict()
            .optional(),
        docker: z
            .object({
                deviceIds: z
                    .array(z.string().regex(/^[A-Za-z0-9-]+$/, "a GPU index or UUID"))
                    .min(1)
                    .optional(),
            })
            .strict()
            .optional(),
        headroom: headroomSchema.optional(),
        imageCache: imageCacheSchema.optional(),
        observability: poolObservabilitySchema.optional(),
        budget: z
            .object({ maxMonthlyUsd: z.number().positive().max(MAX_BUDGET_MONTHLY_USD), spendGuard: spendGuardSchema.optional() })
            .strict()
            .optional(),
        tags: tags.optional(),
    })
    .strict();

/** The parsed arguments (Inputs passed through). */
export type ParsedGpuPoolArgs = z.output<typeof gpuPoolSchema>;

/** The settings block of each cloud: its own name. */
const BLOCK_OF: Record<GpuPoolCloud, string> = { [GpuPoolCloud.Aws]: "aws", [GpuPoolCloud.Gcp]: "gcp", [GpuPoolCloud.Kubernetes]: "kubernetes", [GpuPoolCloud.Docker]: "docker" };

function problem(path: string, value: unknown, expected: string): ValidationProblem {
    return { path, received: describeValue(value), expected };
}

/** Settings blocks: the one of the cloud (required where it holds required fields), none of another cloud. */
function blockProblems(args: ParsedGpuPoolArgs): ValidationProblem[] {
    const problems = foreignBlockProblems(args, { field: "cloud", value: args.cloud, quoted: false, hint: `give the ${args.cloud} block, or change cloud` }, BLOCK_OF);
    if (args.cloud === GpuPoolCloud.Aws && args.aws === undefined) {
        problems.push(problem("aws", undefined, "the aws settings with cloud aws: at least subnetIds, and clusterName or createCluster"));
    }
    if (args.cloud === GpuPoolCloud.Gcp && args.gcp === undefined) {
        problems.push(problem("gcp", undefined, "the gcp settings with cloud gcp: clusterName, or createCluster"));
    }
    return problems;
}

/** Node counts and capacity type: clouds that do not create nodes take neither. */
function nodeProblems(args: ParsedGpuPoolArgs): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const createsNodes = args.cloud === GpuPoolCloud.Aws || args.cloud === GpuPoolCloud.Gcp;
    if (createsNodes && args.accelerator === undefined) {
        problems.push(problem("accelerator", undefined, `an accelerator with cloud ${args.cloud}, for example "l4": it chooses the instance or machine type`));
    }
    if (args.cloud === GpuPoolCloud.Docker) {
        for (const field of ["minNodes", "maxNodes"] as const) {
            if (args[field] !== undefined) problems.push(problem(field, args[field], "nothing with cloud docker (one machine: set gpusPerNode or docker.deviceIds)"));
        }
        // The listed devices are the pool's GPUs: a different count would be silently overridden.
        const listed = args.docker?.deviceIds?.length;
        if (listed !== undefined && args.gpusPerNode !== undefined && args.gpusPerNode !== listed) {
            problems.push(problem("gpusPerNode", args.gpusPerNode, `nothing, or ${listed} (the number of docker.deviceIds), with cloud docker`));
        }
    }
    if (!createsNodes && args.capacityType === CapacityType.Spot) {
        problems.push(problem("capacityType", args.capacityType, `"on-demand" (the default) with cloud ${args.cloud}: the pool does not create the nodes`));
    }
    const min = args.minNodes ?? 0;
    const max = args.maxNodes ?? 1;
    if (min > max && args.cloud !== GpuPoolCloud.Docker) {
        problems.push(problem("minNodes", args.minNodes, `at most maxNodes (${max}${args.maxNodes === undefined ? ", its default" : ""})`));
    }
    return problems;
}

function awsProblems(args: ParsedGpuPoolArgs): ValidationProblem[] {
    const aws = args.aws;
    if (args.cloud !== GpuPoolCloud.Aws || aws === undefined) return [];
    const problems: ValidationProblem[] = [];
    const min = args.minNodes ?? 0;
    const max = args.maxNodes ?? 1;
    if (aws.clusterName === undefined && !aws.createCluster) {
        problems.push(problem("aws.clusterName", undefined, "the name of the EKS cluster to attach to, or createCluster: true"));
    }
    if (aws.kubernetesVersion !== undefined && !aws.createCluster) {
        problems.push(problem("aws.kubernetesVersion", aws.kubernetesVersion, "nothing unless createCluster is true (an existing cluster keeps its version)"));
    }
    if (aws.desiredNodes !== undefined && (aws.desiredNodes < min || aws.desiredNodes > max)) {
        problems.push(problem("aws.desiredNodes", aws.desiredNodes, `a count from minNodes (${min}) to maxNodes (${max})`));
    }
    if (aws.karpenter) {
        if (aws.createCluster) {
            problems.push(problem("aws.karpenter", true, "false with createCluster: Karpenter (its CRDs and controller) must already run in the cluster; attach to one that runs it"));
        }
        if (min > 0) {
            problems.push(problem("minNodes", args.minNodes, "0 with aws.karpenter: Karpenter starts nodes only for pending pods (keep GPUs warm with headroom, or use a managed node group)"));
        }
        if (aws.desiredNodes !== undefined) {
            problems.push(problem("aws.desiredNodes", aws.desiredNodes, "nothing with aws.karpenter (Karpenter sizes the pool to the pending pods)"));
        }
    } else if (aws.securityGroupIds !== undefined) {
        problems.push(problem("aws.securityGroupIds", aws.securityGroupIds, "nothing without aws.karpenter (a managed node group uses the cluster security group)"));
    }
    return problems;
}

function gcpProblems(args: ParsedGpuPoolArgs): ValidationProblem[] {
    const gcp = args.gcp;
    if (args.cloud !== GpuPoolCloud.Gcp || gcp === undefined) return [];
    const problems: ValidationProblem[] = [];
    if (gcp.clusterName === undefined && !gcp.createCluster) {
        problems.push(problem("gcp.clusterName", undefined, "the name of the GKE cluster to add the node pool to, or createCluster: true"));
    }
    for (const field of ["network", "subnetwork"] as const) {
        if (gcp[field] !== undefined && !gcp.createCluster) {
            problems.push(problem(`gcp.${field}`, gcp[field], "nothing unless createCluster is true (an existing cluster keeps its network)"));
        }
    }
    if (gcp.deletionProtection !== undefined && !gcp.createCluster) {
        problems.push(problem("gcp.deletionProtection", gcp.deletionProtection, "nothing unless createCluster is true (the pool does not delete a cluster it did not create)"));
    }
    return problems;
}

/**
 * The Kubernetes objects a pool names after itself (`kubernetes.ts`, `karpenter.ts`): the NVIDIA device plugin, the
 * PriorityClasses and GPU ResourceQuotas of a cluster of your own, the Karpenter NodePool and EC2NodeClass.
 */
function derivedKubernetesNames(args: ParsedGpuPoolArgs): DerivedKubernetesName[] {
    const names: DerivedKubernetesName[] = [];
    const kubernetes = args.cloud === GpuPoolCloud.Kubernetes ? (args.kubernetes ?? {}) : undefined;
    const aws = args.cloud === GpuPoolCloud.Aws ? args.aws : undefined;
    const devicePlugin = kubernetes !== undefined ? kubernetes.devicePlugin !== false : aws !== undefined && aws.devicePlugin !== false;
    if (devicePlugin) {
        names.push({ suffix: "nvidia-device-plugin", objects: "the NVIDIA device plugin's DaemonSet" });
    }
    if (kubernetes !== undefined && kubernetes.priorityClasses !== false) {
        names.push({ suffix: "serving", objects: "the serving PriorityClass" }, { suffix: "batch", objects: "the batch PriorityClass" });
    }
    if (kubernetes !== undefined && Object.keys(kubernetes.gpuQuotas ?? {}).length > 0) names.push({ suffix: "gpus", objects: "the GPU ResourceQuotas" });
    if (aws?.karpenter) names.push({ suffix: "", objects: "the Karpenter NodePool and EC2NodeClass" });
    names.push(...headroomNames(args));
    names.push(...imageCacheNames(args));
    names.push(...poolObservabilityNames(args));
    return names;
}

/** Where the pool creates Kubernetes objects, they carry its name as given: never lower-cased or hashed. */
function nameProblems(name: string, args: ParsedGpuPoolArgs): ValidationProblem[] {
    const derived = derivedKubernetesNames(args);
    if (derived.length === 0) return [];
    const problem = kubernetesResourceNameProblem(name, KubernetesNameKind.Label, derived);
    return problem ? [{ path: "name", ...problem }] : [];
}

/** Checks that span fields (and the pool's name where it names Kubernetes objects), run after the schema parsed the arguments. */
export function crossFieldProblems(args: ParsedGpuPoolArgs, name: string): ValidationProblem[] {
    return [
        ...nameProblems(name, args),
        ...blockProblems(args),
        ...nodeProblems(args),
        ...awsProblems(args),
        ...gcpProblems(args),
        ...headroomProblems(args),
        ...imageCacheProblems(args),
        ...poolObservabilityProblems(args),
    ];
}
