/**
 * `modelship plan`: runs a Pulumi program offline and prints its resources, monthly cost and policy
 * findings. Exit codes: 0 planned and no mandatory policy failed, 1 a mandatory policy failed, 2 the
 * program (or the command line, the project, the policy config) failed.
 */
import { parseArgs } from "node:util";
import { isBlocking, PolicyConfig, policyPackInstalled, readPolicyConfig, runPolicies } from "./policies";

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, mandatoryPolicyFailed: 1, failed: 2 } as const;

/** The text of `modelship --help`. */
export const HELP = `Usage: modelship plan <program dir> [options]
       modelship simulate <program dir> --trace FILE [options]   (see modelship simulate --help)

Runs a Pulumi program (TypeScript or JavaScript) offline, on Pulumi's mock runtime, and prints its
resource tree, its monthly cost at minimum and maximum scale, and the policy pack's findings.
Needs no cloud account, no cluster and no Pulumi CLI. TypeScript is transpiled, not type-checked.

Options:
  --stack NAME            read config from Pulumi.<NAME>.yaml (default: dev)
  --policy-config FILE    policy settings, as for pulumi preview --policy-pack-config
  --json                  print one JSON document (program, stack, resources, outputs, cost, policies)
  --out DIR               write the Kubernetes objects as YAML, one file per object, for kubectl apply
  --verbose               show stack traces of errors
  -h, --help              show this help

Exit codes: 0 planned, 1 a mandatory policy failed, 2 the program or its input failed.
`;

/** Where the CLI writes; the process's streams unless a test passes its own. */
export interface CliIo {
    stdout: { write(s: string): unknown; isTTY?: boolean };
    stderr: { write(s: string): unknown };
}

/** A mistake on the command line. */
class UsageError extends Error {}

interface PlanArgs {
    dir: string;
    stack?: string;
    policyConfig?: string;
    json: boolean;
    out?: string;
    verbose: boolean;
}

function parse(argv: string[]): PlanArgs | "help" {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                stack: { type: "string" },
                "policy-config": { type: "string" },
                json: { type: "boolean", default: false },
                out: { type: "string" },
                verbose: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
        });
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help || positionals.length === 0) return "help";
    const [command, dir, ...extra] = positionals;
    if (command !== "plan") throw new UsageError(`unknown command "${command}": the commands are "plan" and "simulate"`);
    if (dir === undefined) throw new UsageError("missing the program directory: modelship plan <program dir>");
    if (extra.length > 0) throw new UsageError(`unexpected argument(s) after the program directory: ${extra.join(" ")}`);
    return { dir, stack: values.stack, policyConfig: values["policy-config"], json: values.json, out: values.out, verbose: values.verbose };
}

/** The message shown for an error: the stack with --verbose, else the message without Node's require stack. */
function describe(error: Error, verbose: boolean): string {
    if (verbose && error.stack) return error.stack;
    return error.message.split("\nRequire stack:")[0];
}

/**
 * What `plan` and `simulate` print when the program failed: an argument validation error as it is (it names
 * the component, the resource and each field), anything else as one line naming the program.
 */
export function programFailure(dir: string, error: Error, verbose = false): string {
    if (error.name === "ModelshipValidationError" && !verbose) return `${error.message}\n`;
    return `error: the program ${dir} failed: ${describe(error, verbose)}\n`;
}

async function plan(args: PlanArgs, io: CliIo): Promise<number> {
    const policyConfig: PolicyConfig = args.policyConfig ? readPolicyConfig(args.policyConfig) : {};
    // Loaded only now: @pulumi/pulumi, the providers and the price catalog take a while, and --help or a
    // mistake on the command line should not wait for them.
    const { runProgram } = await import("./run");
    const { planCost } = await import("./cost");
    const { kubernetesObjects, writeKubernetesYaml } = await import("./kubernetes-yaml");
    const { planJson } = await import("./plan-json");
    const { renderPlan, styleFor } = await import("./render");
    const run = await runProgram({ dir: args.dir, stack: args.stack, sourceMaps: args.verbose });
    for (const note of run.notes) io.stderr.write(`note: ${note}\n`);
    for (const warning of run.warnings) io.stderr.write(`warning: ${warning}\n`);
    if (run.error) {
        io.stderr.write(programFailure(args.dir, run.error, args.verbose));
        return EXIT.failed;
    }
    const cost = planCost(run.resources, run.config);
    const findings = await runPolicies(run.resources, policyConfig, { stack: run.stack, stackConfig: run.config });

    if (args.out) {
        const { objects, skipped } = kubernetesObjects(run.resources);
        const files = writeKubernetesYaml(objects, args.out);
        const redacted = objects.filter((o) => o.redacted).length;
        io.stderr.write(`Wrote ${files.length} Kubernetes object(s) to ${args.out} (apply with: kubectl apply -f ${args.out})\n`);
        if (redacted > 0) io.stderr.write(`  ${redacted} of them have secret values replaced by "[secret]": set those before applying\n`);
        for (const s of skipped) io.stderr.write(`  not written: ${s.urn}: ${s.reason}\n`);
    }
    if (args.json) {
        io.stdout.write(`${JSON.stringify(planJson(run, cost, findings), null, 2)}\n`);
    } else {
        io.stdout.write(renderPlan({ run, cost, findings, policiesRan: policyPackInstalled() }, styleFor(io.stdout)));
    }
    return findings.some(isBlocking) ? EXIT.mandatoryPolicyFailed : EXIT.ok;
}

/**
 * Runs the CLI with `argv` (without node and the script) and resolves to the exit code. Never throws:
 * every failure is written to stderr, without a stack trace unless `--verbose`.
 */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
    let args: PlanArgs | "help";
    try {
        args = parse(argv);
    } catch (e) {
        io.stderr.write(`error: ${(e as Error).message}\nRun "modelship --help" for usage.\n`);
        return EXIT.failed;
    }
    if (args === "help") {
        // Asked for: help on stdout. No arguments at all: a usage error.
        if (argv.length === 0) {
            io.stderr.write(HELP);
            return EXIT.failed;
        }
        io.stdout.write(HELP);
        return EXIT.ok;
    }
    try {
        return await plan(args, io);
    } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        io.stderr.write(`error: ${describe(error, args.verbose)}\n`);
        return EXIT.failed;
    }
}
