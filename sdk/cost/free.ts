/**
 * The resource types that cost nothing by themselves, each with the reason. The rule of the cost model:
 * a type with a pricer (`pricers/index.ts`) is priced; a type listed here is $0 with its reason; any other type is
 * unknown, named in the basis. Only what is known to be free is listed: a log group, a bucket, a registry or a
 * secret is billed (storage, per secret), so it is priced or unknown, never free.
 *
 * Kubernetes objects are free by API group (they are kept by the cluster's control plane, and their pods run on
 * nodes priced where the nodes are created), except the kinds listed in {@link KUBERNETES_BILLED}, which make
 * something billed outside the cluster (a disk, a load balancer) or run pods the cost model does not read. Custom
 * resources of other groups are unknown: their controller may create anything (ACK, Crossplane and Config
 * Connector create cloud resources).
 */

const IAM = "IAM has no charge of its own";
const K8S_OBJECT = "a Kubernetes object: kept by the cluster's control plane, no charge of its own";

/** Exact type tokens that are free. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
    "pulumi:pulumi:Stack": "the stack itself is not billed",
    "aws:appautoscaling/target:Target": "Application Auto Scaling has no charge of its own: the capacity it bounds is priced on the resource it scales",
    "aws:appautoscaling/scheduledAction:ScheduledAction": "no charge of its own: the minimum it schedules is priced as pre-warming on the resource it scales",
    "aws:lambda/permission:Permission": "a statement of the function's resource policy: no charge of its own",
    "aws:lambda/alias:Alias": "a name for a function version: no charge of its own",
    "aws:lambda/functionUrl:FunctionUrl": "no charge of its own: requests through it are billed as the function's invocations",
    "aws:sagemaker/model:Model": "a model definition: billed nothing until an endpoint hosts it (priced on the EndpointConfiguration)",
    "aws:sagemaker/endpoint:Endpoint": "billed through the instances of its EndpointConfiguration, priced there",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "a setting of a bucket: no charge of its own (the bucket is priced on its own resource)",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        "a setting of a bucket: no charge of its own (SSE-S3 is free; with SSE-KMS, KMS bills its requests per use)",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "a setting of a bucket: no charge of its own (expiration actions are not billed)",
    "aws:s3/bucketPolicy:BucketPolicy": "a setting of a bucket: no charge of its own",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "a setting of a bucket: no charge of its own",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "EKS Pod Identity associations have no charge (the agent runs on the cluster's nodes, priced where those are created)",
    "aws:ec2/securityGroup:SecurityGroup": "security groups have no charge",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "security group rules have no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security group rules have no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security group rules have no charge",
    "aws:ec2/vpc:Vpc": "a VPC has no charge of its own (NAT gateways, endpoints and transfer are billed on their own resources)",
    "aws:ec2/subnet:Subnet": "subnets have no charge",
    "aws:ec2/routeTable:RouteTable": "route tables have no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "route table associations have no charge",
    "aws:ec2/route:Route": "routes have no charge",
    "aws:ec2/internetGateway:InternetGateway": "an internet gateway has no charge of its own (data transfer is billed by use)",
    "aws:eks/accessEntry:AccessEntry": "EKS access entries have no charge",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "EKS access policy associations have no charge",
    "aws:eks/addon:Addon": "EKS add-ons have no charge of their own: their pods run on the cluster's nodes, priced where those are created",
    "aws:apigatewayv2/stage:Stage": "part of an HTTP API, billed per request on its Api",
    "aws:apigatewayv2/route:Route": "part of an HTTP API, billed per request on its Api",
    "aws:apigatewayv2/integration:Integration": "part of an HTTP API, billed per request on its Api",
    "aws:apigatewayv2/authorizer:Authorizer": "part of an HTTP API, billed per request on its Api",
    "aws:apigatewayv2/deployment:Deployment": "part of an HTTP API, billed per request on its Api",
    // A REST API is billed per request (and per cache-cluster hour, on its Stage); its parts have no price of their own.
    "aws:apigateway/resource:Resource": "part of a REST API, billed per request on its RestApi",
    "aws:apigateway/method:Method": "part of a REST API, billed per request on its RestApi",
    "aws:apigateway/integration:Integration": "part of a REST API, billed per request on its RestApi",
    "aws:apigateway/methodResponse:MethodResponse": "part of a REST API, billed per request on its RestApi",
    "aws:apigateway/integrationResponse:IntegrationResponse": "part of a REST API, billed per request on its RestApi",
    "aws:apigateway/authorizer:Authorizer": "part of a REST API, billed per request on its RestApi (the authorizer's function bills its invocations)",
    "aws:apigateway/deployment:Deployment": "a snapshot of a REST API's configuration: no charge of its own",
    "aws:apigateway/apiKey:ApiKey": "API keys have no charge of their own",
    "aws:apigateway/usagePlan:UsagePlan": "usage plans have no charge of their own (the requests they admit are billed on the RestApi)",
    "aws:apigateway/usagePlanKey:UsagePlanKey": "a key's link to a usage plan: no charge of its own",
    "aws:apigateway/account:Account": "API Gateway's account settings (its CloudWatch role): no charge of their own",
    "aws:secretsmanager/secretVersion:SecretVersion": "a version of a secret: billed with its Secret",
    "aws:ecs/cluster:Cluster": "an ECS cluster has no charge of its own: its tasks are billed where they run",
    "aws:ecs/taskDefinition:TaskDefinition": "a task definition has no charge of its own: its tasks are billed on the service that runs them",
    // AWS price list, service AWSBudgets (effective 2020-10-01, read 2026-12 through the search tool): "$0.00 for Budget-days"
    // (BudgetsUsage); only action-enabled budgets are billed ($0.10 per budget-day after the first 62), and modelship creates no actions.
    "aws:budgets/budget:Budget": "AWS Budgets bills no budget without actions (AWS price list, AWSBudgets: $0.00 per budget-day; actions, which modelship does not create, are billed)",
    "gcp:billing/budget:Budget":
        "Cloud Billing budgets and their alerts have no charge (cloud.google.com/billing/docs/how-to/budgets); Pub/Sub or Cloud Monitoring notifications bill as those services",
    "gcp:serviceaccount/account:Account": "service accounts have no charge",
    "gcp:secretmanager/secret:Secret": "a secret is billed per active version: priced on its SecretVersion",
    "gcp:projects/service:Service": "enabling an API has no charge",
    "gcp:compute/network:Network": "VPC networks have no charge of their own",
    "gcp:compute/subnetwork:Subnetwork": "subnetworks have no charge",
    "gcp:compute/firewall:Firewall": "firewall rules have no charge",
    // A global external Application Load Balancer bills its forwarding rules and the data it processes
    // (cloud.google.com/load-balancing/pricing); its other parts have no price of their own.
    "gcp:compute/uRLMap:URLMap": "part of a load balancer, billed through its forwarding rule and data processing",
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": "part of a load balancer, billed through its forwarding rule and data processing",
    "gcp:compute/backendService:BackendService": "part of a load balancer, billed through its forwarding rule and data processing (Cloud Armor on its policy)",
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": "a network endpoint group has no charge of its own (the serverless backend bills its own use)",
    "gcp:compute/globalNetworkEndpointGroup:GlobalNetworkEndpointGroup": "a network endpoint group has no charge of its own (data processing is billed on the load balancer)",
    "gcp:compute/globalNetworkEndpoint:GlobalNetworkEndpoint": "an endpoint of a network endpoint group: no charge of its own",
    "gcp:monitoring/dashboard:Dashboard":
        "Cloud Monitoring dashboards have no charge (cloud.google.com/stackdriver/pricing: only metrics ingested, API reads beyond the free allotment and alerting are billed)",
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": "Google-managed SSL certificates of a load balancer have no charge (cloud.google.com/load-balancing/docs/ssl-certificates)",
};

/** Whole modules or packages that are free, matched on the type token. */
export const FREE_PATTERNS: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
    { pattern: /^pulumi:providers:/, reason: "a provider configuration: nothing is created in the cloud" },
    { pattern: /^modelship:index:/, reason: "a modelship component: billed nothing itself, the resources it creates are priced one by one" },
    { pattern: /^aws:iam\//, reason: `AWS ${IAM}` },
    { pattern: /^gcp:[^:]+:\w*(IAMMember|IAMBinding|IAMPolicy|IamMember|IamBinding|IamPolicy)$/, reason: `GCP ${IAM}` },
    { pattern: /^docker:/, reason: "the local Docker engine: no cloud charge" },
    { pattern: /^random:/, reason: "a value Pulumi generates: nothing is created in the cloud" },
];

/** Kubernetes kinds of otherwise free groups that are billed, or whose pods the cost model does not read: unknown. */
export const KUBERNETES_BILLED: Readonly<Record<string, string>> = {
    "core/PersistentVolume": "a volume backed by a cloud disk is billed per GB-month; disk prices are not in the catalog",
    "networking.k8s.io/Ingress": "an Ingress makes the ingress controller create a cloud load balancer (AWS Load Balancer Controller, GKE Ingress), whose price is not in the catalog",
    "keda.sh/ScaledJob": "a ScaledJob runs Jobs whose pods the cost model does not price",
    "serving.kserve.io/InferenceService": "an InferenceService runs predictor pods (possibly with GPUs) that the cost model does not read",
    "serving.knative.dev/Revision": "a Knative Revision runs pods whose bounds Knative sets; the cost model prices them on the Service or Configuration that makes it",
    "monitoring.coreos.com/Prometheus": "a Prometheus runs pods and their volumes, which the cost model does not price",
    "monitoring.coreos.com/Alertmanager": "an Alertmanager runs pods and their volumes, which the cost model does not price",
};

/** Kubernetes API groups whose objects are free (except {@link KUBERNETES_BILLED} and the workloads with a pricer). */
export const KUBERNETES_FREE_GROUPS: Readonly<Record<string, string>> = {
    core: K8S_OBJECT,
    apps: K8S_OBJECT,
    "rbac.authorization.k8s.io": K8S_OBJECT,
    policy: K8S_OBJECT,
    "scheduling.k8s.io": K8S_OBJECT,
    autoscaling: "an autoscaler: the replicas it sets are priced on the workload it scales",
    "coordination.k8s.io": K8S_OBJECT,
    "discovery.k8s.io": K8S_OBJECT,
    "node.k8s.io": K8S_OBJECT,
    "storage.k8s.io": K8S_OBJECT,
    "networking.k8s.io": K8S_OBJECT,
    "apiextensions.k8s.io": K8S_OBJECT,
    "admissionregistration.k8s.io": K8S_OBJECT,
    "certificates.k8s.io": K8S_OBJECT,
    "flowcontrol.apiserver.k8s.io": K8S_OBJECT,
    "keda.sh": "a KEDA autoscaler object: the replicas it sets are priced on the workload it scales",
    "gateway.networking.k8s.io": "routing rules of an existing Gateway: no charge of their own",
    "gateway.envoyproxy.io": "a policy or configuration of Envoy Gateway: no charge of its own",
    "karpenter.k8s.aws": "a Karpenter node class: the nodes are priced on the NodePool that uses it",
    "monitoring.coreos.com": "monitoring configuration read by Prometheus: no charge of its own",
    "serving.kserve.io": "KServe configuration; an InferenceGraph's router is a CPU pod on the cluster's nodes, priced where those are created",
    "serving.knative.dev": "Knative routing (a Route): no charge of its own; the pods of Knative Services and Configurations are priced on them",
    "operator.knative.dev":
        "Knative Serving's control plane (activator, autoscaler, controller, webhook, Kourier as a ClusterIP Service): CPU pods on the cluster's nodes, priced where those are created",
    "cert-manager.io": "a cert-manager object: no charge of its own",
};

/** `kubernetes:apps/v1:Deployment` -> `{ group: "apps", kind: "Deployment" }`; undefined for another package. */
export function kubernetesKind(type: string): { group: string; kind: string } | undefined {
    const match = /^kubernetes:([^/]+)\/[^:]+:(\w+)$/.exec(type);
    return match ? { group: match[1], kind: match[2] } : undefined;
}

/** Why a type is free, or undefined when it is not known to be (then it is priced or unknown). */
export function freeReason(type: string): string | undefined {
    const exact = FREE_TYPES[type];
    if (exact) return exact;
    const pattern = FREE_PATTERNS.find((p) => p.pattern.test(type));
    if (pattern) return pattern.reason;
    const k8s = kubernetesKind(type);
    if (k8s && KUBERNETES_BILLED[`${k8s.group}/${k8s.kind}`] === undefined) return KUBERNETES_FREE_GROUPS[k8s.group];
    return undefined;
}

/** Why a billed Kubernetes kind is unknown; undefined for other types. */
export function kubernetesBilledReason(type: string): string | undefined {
    const k8s = kubernetesKind(type);
    return k8s ? KUBERNETES_BILLED[`${k8s.group}/${k8s.kind}`] : undefined;
}
