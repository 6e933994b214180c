/**
 * SQS queues anyone may send to: a queue policy (`aws:sqs/queuePolicy:QueuePolicy`, or the `policy` input of an
 * `aws:sqs/queue:Queue`) with an Allow statement whose Principal is everyone (`"*"`, `{"AWS": "*"}`) for `sqs:SendMessage`
 * (or an action pattern that covers it: `sqs:*`, `sqs:Send*`, `*`), and no condition that narrows who may send. A
 * queue-mode service's queue is its submit endpoint, so such a queue takes requests from anyone on the internet: the
 * symmetric of the Pub/Sub topic check (exposure-cloud.ts). SQS evaluates a queue policy as IAM does: a statement with
 * Principal `*` grants anonymous access unless a condition limits it (SQS developer guide, "Amazon SQS policy examples",
 * and its basic examples granting `*` with `aws:SourceArn`).
 *
 * Conditions that narrow: on the source (`aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`, `aws:SourceOrgID`,
 * `aws:SourceOrgPaths`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp`) or the principal (`aws:PrincipalOrgID`,
 * `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`), with a value other than `*`. Not narrowing: the
 * `...IfExists` operators and `Null` (an anonymous request has no principal, so the key is absent and the test passes),
 * and any other key (such as `aws:SecureTransport`).
 */
import { get, str } from "../../sdk/cost/inputs";
import type { PlainResource } from "../framework/types";

export const SQS = {
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
} as const;

/** Global condition keys that limit who may send (lower case: IAM condition keys are case-insensitive). */
const NARROWING_KEYS = new Set(
    [
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
    ].map((k) => k.toLowerCase()),
);

type Json = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Whether an IAM action pattern (`*` and `?` wildcards, case-insensitive) covers `sqs:SendMessage`. */
export function coversSendMessage(pattern: string): boolean {
    const re = new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        "i",
    );
    return re.test("sqs:SendMessage");
}

/** Whether a Principal is everyone: `"*"`, or `*` among its `AWS` principals. */
function isEveryone(principal: unknown): boolean {
    if (principal === "*") return true;
    if (principal === null || typeof principal !== "object") return false;
    return asArray((principal as Json).AWS).includes("*");
}

/** Whether a Condition block limits the senders (see above). */
function narrows(condition: unknown): boolean {
    if (condition === null || typeof condition !== "object") return false;
    return Object.entries(condition as Json).some(([operator, tests]) => {
        const op = operator.toLowerCase();
        if (op.endsWith("ifexists") || op === "null" || tests === null || typeof tests !== "object") return false;
        return Object.entries(tests as Json).some(([key, values]) => NARROWING_KEYS.has(key.toLowerCase()) && asArray(values).length > 0 && !asArray(values).includes("*"));
    });
}

/** The policy document of a queue or queue policy: a JSON string or an object; undefined when there is none or it does not parse. */
function documentOf(r: PlainResource): Json | undefined {
    const raw = get(r.inputs, "policy");
    if (raw === undefined || raw === null || raw === "") return undefined;
    if (typeof raw === "object") return raw as Json;
    try {
        const parsed = JSON.parse(typeof raw === "string" ? raw : "") as unknown;
        return parsed !== null && typeof parsed === "object" ? (parsed as Json) : undefined;
    } catch {
        return undefined;
    }
}

/** Why an SQS queue's policy lets anyone send to it (a queue anyone can fill); empty when it does not. */
export function sqsQueueProblem(r: PlainResource): string[] {
    if (r.type !== SQS.queue && r.type !== SQS.queuePolicy) return [];
    const document = documentOf(r);
    if (!document) return [];
    const queue = r.type === SQS.queuePolicy ? (str(r.inputs, "queueUrl") ?? r.name) : (str(r.inputs, "name") ?? r.name);
    return asArray(document.Statement).flatMap((statement, i) => {
        const s = (statement ?? {}) as Json;
        if (s.Effect !== "Allow" || !isEveryone(s.Principal)) return [];
        const action = asArray(s.Action).find((a): a is string => typeof a === "string" && coversSendMessage(a));
        if (action === undefined || narrows(s.Condition)) return [];
        const which = typeof s.Sid === "string" && s.Sid !== "" ? `statement ${s.Sid}` : `statement ${i}`;
        return [
            `${which} allows ${action} to every principal ("*") with no condition on aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID or another key that narrows it: anyone on the internet can send to SQS queue ${queue} (a queue's submit endpoint); name the callers' accounts or roles as the Principal, or add such a condition`,
        ];
    });
}
