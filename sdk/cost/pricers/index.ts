/**
 * The pricer of each billed resource type, keyed by Pulumi type token. A type listed here is priced (or unknown
 * with the reason when the catalog has no price); a type in `../free.ts` costs nothing by itself, with the reason;
 * any other type is unknown, named in the basis. Never 0 for what is not known.
 */
import { free, unknown, type FreeFigure, type PricedFigure } from "../figures";
import { bool, list, str } from "../inputs";
import { NODE_TYPES } from "../pools";
import { priceEc2Instance, priceEksNodeGroup } from "./aws";
import { priceDashboard, priceMetricAlarm } from "./aws-cloudwatch";
import { priceLambdaFunction, priceSageMakerEndpointConfig } from "./aws-serverless";
import { priceCloudRunService } from "./cloudrun";
import type { PricingContext } from "./context";
import { priceDockerContainer } from "./docker";
import { priceGceInstance, priceGkeNodePool } from "./gcp";
import { priceAlertPolicy } from "./gcp-monitoring";
import { priceGlobalAddress, priceGlobalForwardingRule, priceSecurityPolicy } from "./gcp-gateway";
import { priceKarpenterNodePool } from "./karpenter";
import { WORKLOAD_PRICERS } from "./kubernetes";
import { priceEc2NodeClass, priceLaunchTemplate, withSecondaryBootDisks } from "./volumes";

export { NODE_TYPES };

/** Prices one resource from its inputs, or says why it costs nothing by itself. */
export type Pricer = (inputs: Record<string, unknown>, ctx: PricingContext) => PricedFigure | FreeFigure;

function unpriced(what: string): Pricer {
    return () => unknown(`${what} is billed, but its price is not in the catalog`);
}

/** Billed per request or execution only: nothing without traffic, an unknown amount at full scale. */
function perUse(what: string): Pricer {
    return () => ({ min: 0, max: null, basis: `${what}: $0 without requests; at full scale unknown (billed per use at a price not in the catalog)` });
}

/**
 * S3 bills per use, with no fixed monthly part: storage per GB-month of what the bucket holds, and requests per 1,000.
 * What a bucket holds does not follow the stack's scale, so even its minimum is unknown (never $0).
 */
const priceS3Bucket: Pricer = () => unknown("S3 bills per use: storage per GB-month of what the bucket holds and requests per 1,000, with no fixed monthly part; neither price is in the catalog");

/**
 * Cloud Storage bills per use, with no fixed monthly part: storage per GB-month of what the bucket holds and operations
 * per 1,000 (cloud.google.com/storage/pricing). As for S3, what a bucket holds does not follow the stack's scale, so even
 * its minimum is unknown (never $0).
 */
const priceGcsBucket: Pricer = () =>
    unknown("Cloud Storage bills per use: storage per GB-month of what the bucket holds and operations per 1,000, with no fixed monthly part; neither price is in the catalog");

/** A Kubernetes Service of type LoadBalancer makes the cloud create a load balancer, which is billed. */
const priceKubernetesService: Pricer = (inputs) =>
    str(inputs, "spec.type") === "LoadBalancer"
        ? unknown("a Service of type LoadBalancer creates a cloud load balancer, whose price is not in the catalog")
        : free(`a Service of type ${str(inputs, "spec.type") ?? "ClusterIP"}: a Kubernetes object, no charge of its own`);

/**
 * A Gateway API Gateway makes its controller run proxies behind a Service of type LoadBalancer (Envoy Gateway's default
 * EnvoyProxy), so the cloud creates a load balancer, which is billed; the proxies' pods run on the cluster's nodes.
 */
const priceGateway: Pricer = () => unknown("a Gateway makes its controller run proxies behind a cloud load balancer (a Service of type LoadBalancer), whose price is not in the catalog");

/**
 * A PersistentVolumeClaim makes its StorageClass provision a volume, billed per GB-month by the cloud's disk or file
 * service (EBS, EFS, Persistent Disk, Filestore, Azure Disks and Files): prices the catalog does not hold.
 */
const pricePersistentVolumeClaim: Pricer = (inputs) =>
    unknown(
        `a PersistentVolumeClaim of ${str(inputs, "spec.resources.requests.storage") ?? "an unstated size"} on StorageClass ${str(inputs, "spec.storageClassName") ?? "(the cluster's default)"}: ` +
            "its volume is billed per GB-month (file systems such as EFS by what they store), and disk and file-system prices are not in the catalog",
    );

/** Target tracking creates CloudWatch alarms for the policy; a step policy uses alarms defined (and priced) on their own. */
const priceScalingPolicy: Pricer = (inputs) =>
    str(inputs, "policyType") === "TargetTrackingScaling"
        ? unknown("target tracking creates CloudWatch alarms (two or more), billed per alarm-month at a price not in the catalog")
        : free("a step scaling policy: its alarms are billed on their own resources");

/** ECS tasks on Fargate are billed per vCPU-hour and GB-hour; on EC2 they run on container instances priced where created. */
const priceEcsService: Pricer = (inputs) => {
    const fargate = str(inputs, "launchType") === "FARGATE" || list(inputs, "capacityProviderStrategies").some((s) => /^FARGATE/.test(str(s, "capacityProvider") ?? ""));
    return fargate
        ? unknown("ECS tasks on Fargate are billed per vCPU-hour and GB-hour; Fargate prices are not in the catalog")
        : free("ECS tasks on the EC2 launch type run on the cluster's container instances, priced where those are created");
};

/** A REST API stage costs nothing of its own unless it runs a cache cluster, billed per hour by size. */
const priceRestApiStage: Pricer = (inputs) =>
    bool(inputs, "cacheClusterEnabled")
        ? unknown(`an API Gateway cache cluster of ${str(inputs, "cacheClusterSize") ?? "0.5"} GB is billed per hour, at a price not in the catalog`)
        : free("a stage without a cache cluster: its requests are billed on its RestApi");

/** Charts whose objects are known: CPU operators on the cluster's nodes. Any other release is unknown. */
const KNOWN_CHARTS: Readonly<Record<string, string>> = {
    keda: "KEDA's operator and metrics server are CPU pods on the cluster's nodes, priced where those are created",
    "knative-operator": "the Knative operator is a CPU pod on the cluster's nodes, priced where those are created",
};

const priceHelmRelease: Pricer = (inputs) => {
    const chart = str(inputs, "chart");
    const known = chart !== undefined ? KNOWN_CHARTS[chart] : undefined;
    return known ? free(known) : unknown(`the objects of Helm chart ${chart ?? "(not set)"} are not visible to the plan, so what they create is not priced`);
};

export const PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:eks/nodeGroup:NodeGroup": priceEksNodeGroup,
    "aws:ec2/instance:Instance": priceEc2Instance,
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": priceSageMakerEndpointConfig,
    "aws:lambda/function:Function": priceLambdaFunction,
    // A node pool with a GKE secondary boot disk (an image cache) pays for one disk per node too (volumes.ts).
    "gcp:container/nodePool:NodePool": (inputs, ctx) => withSecondaryBootDisks(priceGkeNodePool(inputs, ctx), inputs),
    "aws:ec2/launchTemplate:LaunchTemplate": priceLaunchTemplate,
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": priceEc2NodeClass,
    "gcp:compute/instance:Instance": priceGceInstance,
    "gcp:cloudrunv2/service:Service": priceCloudRunService,
    ...WORKLOAD_PRICERS,
    "kubernetes:karpenter.sh/v1:NodePool": priceKarpenterNodePool,
    "kubernetes:karpenter.sh/v1beta1:NodePool": priceKarpenterNodePool,
    "kubernetes:core/v1:Service": priceKubernetesService,
    "kubernetes:core/v1:PersistentVolumeClaim": pricePersistentVolumeClaim,
    "kubernetes:gateway.networking.k8s.io/v1:Gateway": priceGateway,
    "kubernetes:helm.sh/v3:Release": priceHelmRelease,
    "kubernetes:helm.sh/v4:Chart": priceHelmRelease,
    "docker:index/container:Container": priceDockerContainer,
    "aws:eks/cluster:Cluster": unpriced("the EKS control plane"),
    "gcp:container/cluster:Cluster": (inputs) =>
        // Autopilot bills the pods' resources, which the catalog does not price either.
        unknown(`the GKE cluster fee${bool(inputs, "enableAutopilot") ? " and Autopilot pod resources are" : " is"} billed, but not in the catalog`),
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": unpriced("Lambda provisioned concurrency"),
    "aws:lb/loadBalancer:LoadBalancer": unpriced("an Elastic Load Balancer"),
    "aws:alb/loadBalancer:LoadBalancer": unpriced("an Elastic Load Balancer"),
    "aws:ec2/natGateway:NatGateway": unpriced("a NAT gateway"),
    "aws:appautoscaling/policy:Policy": priceScalingPolicy,
    "aws:cloudwatch/metricAlarm:MetricAlarm": priceMetricAlarm,
    "aws:cloudwatch/dashboard:Dashboard": priceDashboard,
    "aws:cloudwatch/logGroup:LogGroup": () => ({
        min: 0,
        max: null,
        basis: "CloudWatch Logs bills ingestion and storage per GB: $0 without log data; at full scale unknown (log volume and prices not in the catalog)",
    }),
    "aws:secretsmanager/secret:Secret": unpriced("a Secrets Manager secret (per secret-month, and API calls per 10,000)"),
    "aws:ecr/repository:Repository": unpriced("ECR image storage (per GB-month)"),
    "aws:s3/bucket:Bucket": priceS3Bucket,
    "aws:s3/bucketV2:BucketV2": priceS3Bucket,
    "aws:sns/topic:Topic": perUse("SNS publishes and deliveries (per million requests)"),
    // SQS has no fixed monthly part: requests per million, each 64 KiB of a payload one request (aws.amazon.com/sqs/pricing).
    "aws:sqs/queue:Queue": perUse("SQS requests (per million; every 64 KiB of a payload is one request)"),
    "aws:ecs/service:Service": priceEcsService,
    "gcp:secretmanager/secretVersion:SecretVersion": unpriced("a Secret Manager active version (per version and location per month, and accesses per 10,000)"),
    "gcp:cloudscheduler/job:Job": unpriced("a Cloud Scheduler job (per job-month beyond three free jobs per billing account)"),
    "aws:sfn/stateMachine:StateMachine": perUse("Step Functions executions"),
    "aws:apigatewayv2/api:Api": perUse("API Gateway HTTP API requests"),
    // No fixed monthly part without a cache cluster: requests per million, by tier (aws.amazon.com/api-gateway/pricing).
    "aws:apigateway/restApi:RestApi": perUse("API Gateway REST API requests"),
    "aws:apigateway/stage:Stage": priceRestApiStage,
    "gcp:workflows/workflow:Workflow": perUse("Workflows steps and external HTTP calls"),
    // Pub/Sub has no fixed monthly part (cloud.google.com/pubsub/pricing): throughput per TiB published and delivered,
    // and storage of messages a subscription keeps unacknowledged past a day.
    "gcp:pubsub/topic:Topic": perUse("Pub/Sub publish throughput (per TiB)"),
    "gcp:pubsub/subscription:Subscription": perUse("Pub/Sub delivery throughput (per TiB) and storage of messages unacknowledged past 24 hours (per GiB-month)"),
    "gcp:storage/bucket:Bucket": priceGcsBucket,
    "gcp:monitoring/alertPolicy:AlertPolicy": priceAlertPolicy,
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": priceGlobalForwardingRule,
    "gcp:compute/securityPolicy:SecurityPolicy": priceSecurityPolicy,
    "gcp:compute/globalAddress:GlobalAddress": priceGlobalAddress,
};
