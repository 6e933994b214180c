/**
 * The in-process mock runtime shared by the offline plan and the test harness.
 *
 * It installs Pulumi's mocks and records every registered resource with what the mocks alone do not
 * expose: the parent, the resource options that matter for review (protect, provider, dependencies,
 * ignoreChanges, deleteBeforeReplace, retainOnDelete), which inputs are secret, and the outputs a
 * component registers.
 */
import type * as pulumi from "@pulumi/pulumi";
import { FastPathState, setFastPath } from "./fast-path";
import { ownPulumiSdk, PulumiSdk } from "./pulumi-sdk";
import { simulatedOutputs, simulatedInvoke } from "./simulated-cloud";

/** One resource as registered with the (mock) engine. */
export interface ResourceRecord {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent resource; undefined for resources directly under the stack. */
    parent?: string;
    /** False for component resources. */
    custom: boolean;
    /** Inputs with secret values unwrapped (see `secretInputs` and `secretPaths`). */
    inputs: Record<string, unknown>;
    /** Top-level input names whose value is (or contains) a Pulumi secret. */
    secretInputs: string[];
    /** The exact paths of the secret values in `inputs` (set by the recorder; absent on hand-built records). */
    secretPaths?: ValuePath[];
    /** Outputs: for custom resources the mock's state, for components what they passed to registerOutputs. */
    outputs: Record<string, unknown>;
    /** The paths of the secret values in `outputs` (set by the recorder; absent on hand-built records). */
    secretOutputPaths?: ValuePath[];
    /** Resource options that change lifecycle behaviour. */
    options: {
        protect: boolean;
        retainOnDelete: boolean;
        deleteBeforeReplace: boolean;
        ignoreChanges: string[];
        replaceOnChanges: string[];
        additionalSecretOutputs: string[];
        provider?: string;
        dependencies: string[];
    };
}

/** Options of {@link installMockRuntime}. */
export interface MockRuntimeOptions {
    project: string;
    stack: string;
    /** Run as a preview (outputs of new resources unknown). Defaults to false. */
    preview?: boolean;
    /** Stack config, keys `namespace:key`, values as strings (objects JSON-encoded). */
    config?: Record<string, string>;
    /**
     * The copy of @pulumi/pulumi to install the mocks on: the one the program's resources use. Defaults to the
     * copy this package resolves (the test harness's).
     */
    sdk?: PulumiSdk;
    /**
     * Run on the fast path through Pulumi's runtime (see `fast-path.ts`): no stack-trace strings per promise nor
     * source positions per resource, which the mock monitor ignores. The plan is the same either way. Defaults to true.
     */
    fastPath?: boolean;
}

/** Records every resource registered while a program or component runs on the mock runtime. */
export class ResourceRecorder {
    private readonly byUrn = new Map<string, ResourceRecord>();
    /** URNs registered more than once: the mock engine accepts them, a real one does not. */
    readonly duplicateUrns: string[] = [];
    /** Whether the runtime runs on the fast path, and the warning when it was asked for and is not available. */
    fastPath: FastPathState = { fast: false };

    add(record: ResourceRecord): void {
        if (this.byUrn.has(record.urn)) this.duplicateUrns.push(record.urn);
        this.byUrn.set(record.urn, record);
    }

    get(urn: string): ResourceRecord | undefined {
        return this.byUrn.get(urn);
    }

    /** Every resource in registration order. */
    all(): ResourceRecord[] {
        return [...this.byUrn.values()];
    }

    /** Resources of one type token, for example `kubernetes:apps/v1:Deployment`. */
    ofType(type: string): ResourceRecord[] {
        return this.all().filter((r) => r.type === type);
    }

    /** The direct children of a resource. */
    childrenOf(urn: string): ResourceRecord[] {
        return this.all().filter((r) => r.parent === urn);
    }

    clear(): void {
        this.byUrn.clear();
        this.duplicateUrns.length = 0;
    }
}

/** A path into a value: object keys and array indexes, for example `["spec", "containers", 0, "env"]`. */
export type ValuePath = ReadonlyArray<string | number>;

/** Unwraps secret markers at any depth, collecting the path of every value that was secret. */
function unwrapSecrets(rpc: PulumiSdk["rpc"], value: unknown, path: (string | number)[], secretPaths: ValuePath[]): unknown {
    if (rpc.isRpcSecret(value)) {
        secretPaths.push(path);
        // Inner markers are redundant once the whole value is secret.
        return unwrapSecrets(rpc, rpc.unwrapRpcSecret(value), path, []);
    }
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(rpc, v, [...path, i], secretPaths));
    if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = unwrapSecrets(rpc, v, [...path, k], secretPaths);
        return out;
    }
    return value;
}

function splitSecrets(rpc: PulumiSdk["rpc"], struct: unknown): { plain: Record<string, unknown>; secretKeys: string[]; secretPaths: ValuePath[] } {
    const secretPaths: ValuePath[] = [];
    const plain = unwrapSecrets(rpc, rpc.deserializeProperties(struct), [], secretPaths) as Record<string, unknown>;
    const secretKeys = [...new Set(secretPaths.map((p) => String(p[0])))];
    return { plain, secretKeys, secretPaths };
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): unknown;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getProvider(): string;
    getDependenciesList(): string[];
}

interface MockMonitorLike {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: RegisterRequest, callback: (err: unknown, resp?: unknown) => void): Promise<void>;
    registerResourceOutputs(req: { getUrn(): string; getOutputs(): unknown }, callback: (err: unknown, resp?: unknown) => void): void;
}

/**
 * Installs Pulumi's mocks and returns the recorder that sees every resource. Call before the program or
 * the components are constructed. Resource outputs are the inputs plus what the real provider would
 * compute (ids, ARNs, URLs; see `simulated-cloud.ts`), so programs that read them run as they would.
 */
export function installMockRuntime(options: MockRuntimeOptions): ResourceRecorder {
    const sdk = options.sdk ?? ownPulumiSdk();
    const { runtime, settings, rpc } = sdk;
    const recorder = new ResourceRecorder();
    recorder.fastPath = setFastPath(sdk.dir, sdk.version, options.fastPath ?? true);
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            const state = { ...args.inputs, ...simulatedOutputs(args.type, args.name, args.inputs, options) };
            return { id: args.custom ? `${args.name}-id` : "", state };
        },
        call(args) {
            return simulatedInvoke(args.token, args.inputs, options);
        },
    };
    runtime.setAllConfig(options.config ?? {});
    void runtime.setMocks(mocks, options.project, options.stack, options.preview ?? false);

    const monitor = settings.getMonitor() as MockMonitorLike;
    // URNs as the real engine makes them: the child's type is qualified by its parent's whole qualified
    // type (A$B$C for a grandchild), and the root Stack's type is left out of its children's URNs. The mock
    // monitor qualifies by the immediate parent's type only and keeps the Stack's.
    monitor.newUrn = (parent, type, name) => {
        let qualified = type;
        if (parent) {
            const parentQualified = parent.split("::")[2];
            if (parentQualified !== "pulumi:pulumi:Stack") qualified = `${parentQualified}$${type}`;
        }
        return `urn:pulumi:${options.stack}::${options.project}::${qualified}::${name}`;
    };
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
        registerResource(req, (err, resp) => {
            if (!err) {
                const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
                const { plain, secretKeys, secretPaths } = splitSecrets(rpc, req.getObject());
                // A component's outputs are what it registers (below), not this response: skip decoding it.
                const respObject = req.getCustom() ? (resp as { getObject?: () => unknown } | undefined)?.getObject?.() : undefined;
                const outputs = respObject ? splitSecrets(rpc, respObject) : undefined;
                recorder.add({
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    parent: req.getParent() || undefined,
                    custom: req.getCustom(),
                    inputs: plain,
                    secretInputs: secretKeys,
                    secretPaths,
                    outputs: outputs ? outputs.plain : {},
                    secretOutputPaths: outputs ? outputs.secretPaths : [],
                    options: {
                        protect: req.getProtect() === true,
                        retainOnDelete: req.getRetainondelete() === true,
                        deleteBeforeReplace: req.getDeletebeforereplace(),
                        ignoreChanges: req.getIgnorechangesList(),
                        replaceOnChanges: req.getReplaceonchangesList(),
                        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                        provider: req.getProvider() || undefined,
                        dependencies: req.getDependenciesList(),
                    },
                });
            }
            callback(err, resp);
        });
    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
        const record = recorder.get(req.getUrn());
        if (record) {
            const { plain, secretPaths } = splitSecrets(rpc, req.getOutputs());
            record.outputs = plain;
            record.secretOutputPaths = secretPaths;
        }
        registerResourceOutputs(req, callback);
    };
    return recorder;
}
