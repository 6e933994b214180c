/**
 * Runs the policy pack as `pulumi preview --policy-pack policies` does: the Pulumi Node.js runtime's
 * `run-policy-pack` in the pack's folder (TypeScript through ts-node), which prints the port of the pack's gRPC
 * server. The test then talks to it as the engine would (the Pulumi CLI is not installed here).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
/* eslint-disable @typescript-eslint/no-require-imports -- the generated gRPC modules are CommonJS without a types entry point */
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as { AnalyzerClient: new (address: string, credentials: grpc.ChannelCredentials) => AnalyzerClient };
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb") as Record<string, new () => Message>;
const emptyProto = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };
const structProto = require("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(value: unknown): unknown } };
/* eslint-enable @typescript-eslint/no-require-imports */

// Loosely typed protobuf messages: setters and getters by name.
type Message = Record<string, (...args: unknown[]) => unknown>;
type Call = (request: unknown, callback: (error: Error | null, response: Message) => void) => void;
interface AnalyzerClient {
    getAnalyzerInfo: Call;
    configure: Call;
    analyzeStack: Call;
    analyze: Call;
    close(): void;
}

const root = path.resolve(__dirname, "..", "..");

/** Enforcement levels as the analyzer protocol numbers them. */
export const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

/** A diagnostic of the pack, as the engine receives it. */
export interface Diagnostic {
    policy: string;
    level: string;
    urn: string;
    message: string;
}

/** A resource as the engine sends it to the pack. */
export interface EngineResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: string;
    /** URNs of the resources it depends on (the engine sends them with every resource). */
    dependencies?: string[];
}

function promisify(call: Call, request: unknown): Promise<Message> {
    return new Promise((resolve, reject) => call(request, (error, response) => (error ? reject(error) : resolve(response))));
}

function message(type: string): Message {
    return new analyzerProto[type]();
}

function options(): Message {
    const opts = message("AnalyzerResourceOptions");
    opts.setProtect(false);
    return opts;
}

function diagnostics(response: Message): Diagnostic[] {
    return (response.getDiagnosticsList() as Message[]).map((d) => ({
        policy: d.getPolicyname() as string,
        level: LEVELS[d.getEnforcementlevel() as number],
        urn: d.getUrn() as string,
        message: d.getMessage() as string,
    }));
}

/** The pack, running in its own process. */
export class PackProcess {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: AnalyzerClient,
        readonly stderr: () => string,
    ) {}

    /**
     * Starts the pack and connects to it. `env` is what the engine adds for a Node.js pack (pulumi/pulumi
     * pkg/resource/plugin/analyzer_plugin.go, constructEnv): PULUMI_NODEJS_STACK, PULUMI_CONFIG, ...
     */
    static async start(env: Record<string, string> = {}): Promise<PackProcess> {
        const runner = path.join(root, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
        // The first argument is the engine's address, which a policy pack does not call.
        const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: path.join(root, "policies"), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
        let stderr = "";
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            let stdout = "";
            child.stdout?.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                const line = /^(\d+)\s*$/m.exec(stdout);
                if (line) resolve(line[1]);
            });
            child.on("exit", (code) => reject(new Error(`the pack exited with ${code} before serving: ${stderr}`)));
        });
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new PackProcess(child, client, () => stderr);
    }

    /** The pack's name, version and policies (name, level, config schema), as `pulumi policy ls` shows them. */
    async info(): Promise<{ name: string; version: string; policies: Array<{ name: string; level: string; configSchema: unknown }> }> {
        const info = await promisify(this.client.getAnalyzerInfo.bind(this.client), new emptyProto.Empty());
        return {
            name: info.getName() as string,
            version: info.getVersion() as string,
            policies: (info.getPoliciesList() as Message[]).map((p) => ({
                name: p.getName() as string,
                level: LEVELS[p.getEnforcementlevel() as number],
                configSchema: (p.getConfigschema() as Message | undefined)?.toObject(),
            })),
        };
    }

    /** Sends the policy config, as `--policy-pack-config` does (the CLI fills in schema defaults first). */
    async configure(config: Record<string, Record<string, unknown> & { enforcementLevel?: string }>): Promise<void> {
        const request = message("ConfigureAnalyzerRequest");
        const map = request.getPolicyconfigMap() as { set(key: string, value: unknown): void };
        for (const [name, { enforcementLevel, ...properties }] of Object.entries(config)) {
            const entry = message("PolicyConfig");
            entry.setEnforcementlevel(LEVELS.indexOf((enforcementLevel ?? "advisory") as (typeof LEVELS)[number]));
            entry.setProperties(structProto.Struct.fromJavaScript(properties));
            map.set(name, entry);
        }
        await promisify(this.client.configure.bind(this.client), request);
    }

    /** Runs the stack policies over resources, as the engine does after the program has run. */
    async analyzeStack(resources: EngineResource[]): Promise<Diagnostic[]> {
        const request = message("AnalyzeStackRequest");
        request.setResourcesList(
            resources.map((r) => {
                const resource = message("AnalyzerResource");
                resource.setType(r.type);
                resource.setName(r.name);
                resource.setUrn(r.urn);
                resource.setProperties(structProto.Struct.fromJavaScript(r.props));
                resource.setOptions(options());
                if (r.parent) resource.setParent(r.parent);
                if (r.dependencies) resource.setDependenciesList(r.dependencies);
                return resource;
            }),
        );
        return diagnostics(await promisify(this.client.analyzeStack.bind(this.client), request));
    }

    /** Runs the resource policies over one resource's inputs, as the engine does before creating it. */
    async analyze(r: EngineResource): Promise<Diagnostic[]> {
        const request = message("AnalyzeRequest");
        request.setType(r.type);
        request.setName(r.name);
        request.setUrn(r.urn);
        request.setProperties(structProto.Struct.fromJavaScript(r.props));
        request.setOptions(options());
        return diagnostics(await promisify(this.client.analyze.bind(this.client), request));
    }

    /** Stops the pack's process (the one this helper started). */
    stop(): void {
        this.client.close();
        this.child.kill();
    }
}
