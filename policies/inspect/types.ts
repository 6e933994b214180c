/** Pulumi type tokens of the resources the policies read. */

export const AWS = {
    eksNodeGroup: "aws:eks/nodeGroup:NodeGroup",
    ec2Instance: "aws:ec2/instance:Instance",
    sagemakerModel: "aws:sagemaker/model:Model",
    sagemakerEndpointConfig: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    sagemakerEndpoint: "aws:sagemaker/endpoint:Endpoint",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaFunctionUrl: "aws:lambda/functionUrl:FunctionUrl",
    lambdaProvisionedConcurrency: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
    appAutoscalingTarget: "aws:appautoscaling/target:Target",
    restApi: "aws:apigateway/restApi:RestApi",
    restMethod: "aws:apigateway/method:Method",
    httpApiRoute: "aws:apigatewayv2/route:Route",
} as const;

export const GCP = {
    gkeNodePool: "gcp:container/nodePool:NodePool",
    gceInstance: "gcp:compute/instance:Instance",
    cloudRunService: "gcp:cloudrunv2/service:Service",
    globalForwardingRule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
    backendService: "gcp:compute/backendService:BackendService",
    securityPolicy: "gcp:compute/securityPolicy:SecurityPolicy",
    urlMap: "gcp:compute/uRLMap:URLMap",
} as const;

/** Target proxies of a global load balancer: HTTP(S) ones point at a URL map, SSL and TCP ones at a backend service. */
export const GCP_TARGET_PROXIES: ReadonlySet<string> = new Set([
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
    "gcp:compute/targetHttpProxy:TargetHttpProxy",
    "gcp:compute/targetSslProxy:TargetSslProxy",
    "gcp:compute/targetTcpProxy:TargetTcpProxy",
]);

/** IAM resources that grant Cloud Run's invoker role: v2 and v1 services, member, binding and policy. */
export const CLOUD_RUN_IAM = {
    members: ["gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "gcp:cloudrun/iamMember:IamMember"],
    bindings: ["gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding", "gcp:cloudrun/iamBinding:IamBinding"],
    policies: ["gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy", "gcp:cloudrun/iamPolicy:IamPolicy"],
} as const;

/** IAM resources on a Pub/Sub topic: who may publish to a queue (ModelService queue mode's submit endpoint on GCP). */
export const PUBSUB_TOPIC_IAM = {
    members: ["gcp:pubsub/topicIAMMember:TopicIAMMember"],
    bindings: ["gcp:pubsub/topicIAMBinding:TopicIAMBinding"],
    policies: ["gcp:pubsub/topicIAMPolicy:TopicIAMPolicy"],
} as const;

export const K8S = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    pod: "kubernetes:core/v1:Pod",
    service: "kubernetes:core/v1:Service",
    scaledObject: "kubernetes:keda.sh/v1alpha1:ScaledObject",
    securityPolicy: "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy",
    knativeService: "kubernetes:serving.knative.dev/v1:Service",
    knativeConfiguration: "kubernetes:serving.knative.dev/v1:Configuration",
    knativeRoute: "kubernetes:serving.knative.dev/v1:Route",
} as const;

export const KARPENTER_NODE_POOLS: ReadonlySet<string> = new Set(["kubernetes:karpenter.sh/v1:NodePool", "kubernetes:karpenter.sh/v1beta1:NodePool"]);

/** Gateway API routes that attach to Gateways. */
export const GATEWAY_ROUTES: ReadonlySet<string> = new Set([
    "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    "kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute",
    "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute",
]);

export const DOCKER = {
    container: "docker:index/container:Container",
    remoteImage: "docker:index/remoteImage:RemoteImage",
} as const;

/**
 * The component types whose cost service-budget checks. Kept as strings so that the pack does not load every
 * component (and cloud provider) to read a constant; a test checks them against each class's `__pulumiType`.
 */
export const SERVICE_COMPONENT_TYPES: readonly string[] = ["modelship:index:ModelService", "modelship:index:PolyglotPipeline"];

/** ModelGateway's type token (kept as a string for the same reason; config.test.ts checks it against the class). */
export const MODEL_GATEWAY_TYPE = "modelship:index:ModelGateway";
