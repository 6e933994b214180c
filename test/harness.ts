/**
 * Test harness: Pulumi's mocks, a recorder of every registered resource, and helpers to wait on
 * outputs. Call `useMockRuntime()` at the top of a test file, before constructing components.
 *
 *   const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });
 *   const { resources } = await rt.construct(() => new ModelService("llm", args));
 */
import * as pulumi from "@pulumi/pulumi";
import { installMockRuntime, MockRuntimeOptions, ResourceRecord, ResourceRecorder } from "../sdk/plan/runtime";
import { validateKubernetesObjects } from "./kubernetes-schemas";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** Resolves the value of an Output (rejects if it fails). Hangs on an unknown value: tests have a timeout. */
export function outputValue<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        // Output.apply swallows nothing: a rejected output rejects this promise through the chained apply.
        const o = pulumi.output(output);
        o.apply((v) => {
            resolve(v as T);
            return v;
        });
        (o as unknown as { promise(): Promise<unknown> }).promise().catch(reject);
    });
}

/** The result of constructing something on the mock runtime. */
export interface Constructed<T> {
    value: T;
    /** Every resource registered while constructing, in order. */
    resources: ResourceRecord[];
}

export class MockRuntime {
    /** Errors that escaped as unhandled rejections (for example deferred validation failures). */
    readonly asyncErrors: unknown[] = [];

    constructor(readonly recorder: ResourceRecorder) {
        process.on("unhandledRejection", (reason) => {
            this.asyncErrors.push(reason);
        });
    }

    /**
     * Runs `build`, waits until every registration has finished, and returns what was registered. Fails on
     * duplicate URNs (the mock engine accepts them, a real one does not) and on any Kubernetes object that
     * does not validate against its upstream schema.
     */
    async construct<T>(build: () => T): Promise<Constructed<T>> {
        this.recorder.clear();
        this.asyncErrors.length = 0;
        const value = build();
        await this.settle();
        const resources = this.recorder.all();
        if (this.recorder.duplicateUrns.length > 0) {
            throw new Error(`duplicate URNs registered: ${this.recorder.duplicateUrns.join(", ")}`);
        }
        validateKubernetesObjects(resources);
        return { value, resources };
    }

    /** Waits for every outstanding registration and output to settle. */
    async settle(): Promise<void> {
        // Registrations chain on each other's outputs; drain until quiet.
        for (let i = 0; i < 3; i++) {
            await settings.waitForRPCs();
            await new Promise((r) => setTimeout(r, 10));
        }
    }

    /** Resources of a type token. */
    ofType(type: string): ResourceRecord[] {
        return this.recorder.ofType(type);
    }

    /** The one resource of a type token; fails when there is not exactly one. */
    one(type: string, name?: string): ResourceRecord {
        const found = this.recorder.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            const names = this.recorder.ofType(type).map((r) => r.name);
            throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${names.join(", ")}`);
        }
        return found[0];
    }

    /**
     * Runs `build`, which must throw (a component refusing its arguments), and returns the error's message; fails when
     * it does not throw or when anything was registered before the error.
     */
    async refusal(build: () => unknown): Promise<string> {
        let message: string | undefined;
        const { resources } = await this.construct(() => {
            try {
                build();
            } catch (e) {
                message = (e as Error).message;
            }
        });
        if (message === undefined) throw new Error("expected the arguments to be refused, and nothing was thrown");
        if (resources.length > 0) throw new Error(`the refusal came after ${resources.length} resource(s) were registered: ${resources.map((r) => r.name).join(", ")}`);
        return message;
    }
}

let runtime: MockRuntime | undefined;

/** Installs the mock runtime for this test file (once) and returns it. */
export function useMockRuntime(options: Partial<MockRuntimeOptions> = {}): MockRuntime {
    if (!runtime) {
        runtime = new MockRuntime(installMockRuntime({ project: options.project ?? "test", stack: options.stack ?? "dev", preview: options.preview, config: options.config }));
    }
    return runtime;
}
