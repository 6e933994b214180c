/**
 * Adding a member to a dispatch enum fails the build until every table of that enum has it: the tables are
 * `Record<Enum, ...>` objects (not a `switch` with a `default:` that would quietly send the new member somewhere).
 *
 * The test compiles the library (index.ts, cli.ts, sdk/, components/, policies/, simulate/) in memory with one member
 * appended to each enum below, and checks that the compiler's errors name exactly the expected files. A member named
 * per enum (`ExhaustiveProbe<Enum>`) makes every error attributable to its enum, so one program serves them all.
 *
 * When a table moves to another file, or a new table is added, update EXPECTED_TABLE_FILES: the failure lists the
 * files found.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";

/** Each dispatch enum, and the files whose tables must name all its members (repository paths). */
const EXPECTED_TABLE_FILES: Record<string, string[]> = {
    Target: [
        "components/model-service/load-mode.ts",
        "components/model-service/queue.ts",
        "components/model-service/schema.ts",
        "components/model-service/spend-guard.ts",
        "components/model-service/targets/index.ts",
        "components/polyglot-pipeline/schema.ts",
        "components/polyglot-pipeline/stage-targets.ts",
    ],
    GpuPoolCloud: ["components/gpu-pool/budget.ts", "components/gpu-pool/clouds.ts", "components/gpu-pool/image-cache.ts", "components/gpu-pool/schema.ts"],
    AwsProvisioning: ["components/gpu-pool/aws.ts"],
    AutoscalerTarget: ["components/spike-autoscaler/rules.ts", "components/spike-autoscaler/standalone/index.ts"],
    KubernetesScalingEngine: ["components/spike-autoscaler/kubernetes.ts"],
    ServingRuntime: ["sdk/catalog/runtimes.ts"],
    NodeProvisioning: ["sdk/catalog/cold-start.ts"],
    Orchestrator: ["components/polyglot-pipeline/index.ts"],
    StageLanguage: ["components/polyglot-pipeline/presets.ts"],
    ModelCacheMode: ["components/model-service/model-cache.ts"],
    KubernetesQueueProvider: ["components/model-service/targets/kubernetes-queue/backends.ts"],
    GatewayTarget: ["components/model-gateway/schema.ts", "components/model-gateway/targets/index.ts"],
    GatewayAuth: ["components/model-gateway/openapi.ts"],
    SpendGuardCloud: ["components/spend-guard/index.ts"],
};

const ROOT = path.resolve(__dirname, "..");
/** The library: what a user's program compiles. Tests, examples, benchmarks and scripts have tables of their own. */
const LIBRARY = /^(index\.ts|cli\.ts|(sdk|components|policies|simulate)\/.*(?<!\.test)\.ts)$/;

const probeName = (enumName: string) => `ExhaustiveProbe${enumName}`;
const probeValue = (enumName: string) => `exhaustive-probe-${enumName.toLowerCase()}`;

function libraryProgramOptions(): { fileNames: string[]; options: ts.CompilerOptions } {
    const parsed = ts.getParsedCommandLineOfConfigFile(
        path.join(ROOT, "tsconfig.json"),
        { noEmit: true, incremental: false },
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => {
                throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            },
        },
    );
    if (!parsed) throw new Error("cannot read tsconfig.json");
    const fileNames = parsed.fileNames.filter((f) => LIBRARY.test(path.relative(ROOT, f).split(path.sep).join("/")));
    return { fileNames, options: parsed.options };
}

/** `source` with a member appended to the enum declared in it: the enum's last `}`, after a comma if needed. */
function withProbeMember(fileName: string, source: string, enumName: string): string {
    const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
    const declaration = file.statements.find((s): s is ts.EnumDeclaration => ts.isEnumDeclaration(s) && s.name.text === enumName);
    if (!declaration) throw new Error(`enum ${enumName} is not declared in ${fileName}`);
    const close = declaration.getEnd() - 1;
    const comma = declaration.members.length === 0 || declaration.members.hasTrailingComma ? "" : ",";
    return `${source.slice(0, close)}${comma} ${probeName(enumName)} = ${JSON.stringify(probeValue(enumName))} ${source.slice(close)}`;
}

/** The library file that declares each enum (found by its declaration, so that moving an enum keeps the test working). */
function enumFiles(fileNames: string[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const fileName of fileNames) {
        const source = fs.readFileSync(fileName, "utf8");
        for (const enumName of Object.keys(EXPECTED_TABLE_FILES)) {
            if (new RegExp(`\\benum\\s+${enumName}\\s*\\{`).test(source)) {
                if (found.has(enumName)) throw new Error(`enum ${enumName} is declared twice: ${found.get(enumName)} and ${fileName}`);
                found.set(enumName, fileName);
            }
        }
    }
    return found;
}

interface Finding {
    file: string;
    line: number;
    message: string;
}

/** Compiles the library with every enum's probe member added; the errors, by enum (or `undefined` for none of them). */
function compileWithProbes(): Map<string | undefined, Finding[]> {
    const { fileNames, options } = libraryProgramOptions();
    const declaredIn = enumFiles(fileNames);
    const overlay = new Map<string, string>();
    for (const enumName of Object.keys(EXPECTED_TABLE_FILES)) {
        const fileName = declaredIn.get(enumName);
        if (!fileName) throw new Error(`enum ${enumName} is declared in no library file`);
        overlay.set(path.resolve(fileName), withProbeMember(fileName, overlay.get(path.resolve(fileName)) ?? fs.readFileSync(fileName, "utf8"), enumName));
    }

    const host = ts.createCompilerHost(options, true);
    const readFile = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (fileName) => overlay.get(path.resolve(fileName)) ?? readFile(fileName);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
        const text = overlay.get(path.resolve(fileName));
        return text !== undefined ? ts.createSourceFile(fileName, text, languageVersion, true) : getSourceFile(fileName, languageVersion, onError, shouldCreate);
    };
    const program = ts.createProgram({ rootNames: fileNames, options, host });

    const byEnum = new Map<string | undefined, Finding[]>();
    for (const diagnostic of [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()]) {
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
        const file = diagnostic.file ? path.relative(ROOT, diagnostic.file.fileName).split(path.sep).join("/") : "(no file)";
        const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
        const enumName = Object.keys(EXPECTED_TABLE_FILES).find((name) => message.includes(probeName(name)) || message.includes(probeValue(name)));
        byEnum.set(enumName, [...(byEnum.get(enumName) ?? []), { file, line, message }]);
    }
    return byEnum;
}

describe("dispatch enums", () => {
    it("fail the build when a member is added, in every file whose table lacks it", () => {
        const byEnum = compileWithProbes();
        const found = Object.fromEntries(Object.keys(EXPECTED_TABLE_FILES).map((name) => [name, [...new Set((byEnum.get(name) ?? []).map((f) => f.file))].sort()]));
        const expected = Object.fromEntries(Object.entries(EXPECTED_TABLE_FILES).map(([name, files]) => [name, [...files].sort()]));
        expect(found).toEqual(expected);
        // Errors caused by none of the probes: the library does not compile as it is.
        expect(byEnum.get(undefined) ?? []).toEqual([]);
    }, 300_000);
});
