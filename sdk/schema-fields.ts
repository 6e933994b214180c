/**
 * The zod fields several components' schemas share, written once so that the same argument is accepted (and refused
 * with the same words) wherever it appears: strings and maps that may be Outputs, ports, counts, regions, namespaces,
 * CloudWatch log retention, SageMaker instance types, tags.
 */
import { z } from "zod";
import { MAX_REPLICAS } from "./limits";
import { KubernetesNameKind, kubernetesNameSchema } from "./naming";
import { input } from "./validate";

/** A non-empty string, or an Output of one (`pulumi.Input<string>`). */
export const stringInput = input(z.string().min(1));

/** A map of strings, each value possibly an Output (`{ [key: string]: pulumi.Input<string> }`): env, secrets, annotations. */
export const stringInputMap = z.record(z.string(), input(z.string()));

/** Tags (or labels) of the resources a component creates: plain strings, as the clouds take them. */
export const tags = z.record(z.string(), z.string());

/** A whole number from `min` up. */
export const count = (min: number) => z.number().int().min(min);

/** A replica count from `min` up to {@link MAX_REPLICAS}. */
export const replicaCount = (min: number) => count(min).max(MAX_REPLICAS);

/** GPUs of one replica or one node: from 1 to 16, the most any instance or machine type has. */
export const gpusPerUnit = count(1).max(16);

/** A TCP port. */
export const port = z.number().int().min(1).max(65535);

/** A URL path (a probe's, a metrics endpoint's). */
export const urlPath = z.string().startsWith("/", "a path that starts with /, such as /v1/predict");

/** Seconds a model server may take to load before it is restarted: 10 s to an hour. */
export const startupTimeoutSeconds = z.number().int().min(10).max(3600);

/** A GCP region, such as us-central1. */
export const gcpRegion = z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, "a GCP region such as us-central1");

/** An AWS region, such as us-east-1 (GovCloud's us-gov-west-1 too). */
export const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, "an AWS region such as us-east-1");

/** A SageMaker instance type, such as ml.g5.xlarge. */
export const sagemakerInstanceType = z.string().startsWith("ml.", "a SageMaker instance type such as ml.g5.xlarge");

/** A Kubernetes namespace's name (an RFC 1123 label). */
export const namespaceName = kubernetesNameSchema(KubernetesNameKind.Label, "a namespace name");

/** The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy's `retentionInDays`). */
export const logRetentionDays = z.literal([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
