/**
 * The IAM documents of the aws-sqs queue backend (aws-sqs.ts has the reasons), as plain JSON so that tests and reviewers
 * read exactly what is granted: the consumer's trust (EKS Pod Identity) and grants, KEDA's scaler role's trust and grant.
 */
import { policy, PolicyDocument, PolicyStatement } from "../aws/iam";

/** Where results (and failure records) are written in the bucket: `results/<request-id>.json`. */
export const RESULTS_PREFIX = "results/";

/** The Pod Identity service principal: the EKS Auth service assumes the role for the pods (EKS user guide, pod-id-role). */
const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** The consumer role's trust: EKS Pod Identity, for this cluster, namespace and ServiceAccount only. */
export function podIdentityTrustPolicy(clusterName: string, namespace: string, serviceAccount: string): PolicyDocument {
    return policy([
        {
            Sid: "AllowEksPodIdentity",
            Effect: "Allow",
            Principal: { Service: POD_IDENTITY_PRINCIPAL },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
                StringEquals: { "aws:RequestTag/eks-cluster-name": clusterName, "aws:RequestTag/kubernetes-namespace": namespace, "aws:RequestTag/kubernetes-service-account": serviceAccount },
            },
        },
    ]);
}

/** The consumer's grants, exactly: take, delete and re-time this queue's messages; read, write and list the results. */
export function consumerStatements(queueArn: string, bucketArn: string): PolicyStatement[] {
    return [
        { Sid: "ConsumeRequests", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"], Resource: queueArn },
        { Sid: "ReadWriteResults", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `${bucketArn}/${RESULTS_PREFIX}*` },
        { Sid: "ListResults", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": `${RESULTS_PREFIX}*` } } },
    ];
}

/** The scaler role's trust: the KEDA operator's role, which assumes it (role chaining: its session tags come along). */
export function kedaTrustPolicy(kedaRoleArn: string): PolicyDocument {
    return policy([{ Sid: "AllowKedaOperator", Effect: "Allow", Principal: { AWS: kedaRoleArn }, Action: ["sts:AssumeRole", "sts:TagSession"] }]);
}

/** KEDA's grant: the queue's length (ApproximateNumberOfMessages, ...NotVisible), nothing else. */
export function scalerStatements(queueArn: string): PolicyStatement[] {
    return [{ Sid: "ReadQueueLength", Effect: "Allow", Action: "sqs:GetQueueAttributes", Resource: queueArn }];
}
