/**
 * The multi-language package: the schema other languages get their SDKs from (`pulumi package add`), generated
 * in-process, checked against the multi-language rules and compared with the committed `schema.json`.
 *
 * A fixture package (test/fixtures/ml-package) pins down what the analyzer does with the argument shapes we
 * rely on, and shows that each rule check catches what it is meant to catch.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as fixture from "./fixtures/ml-package";
import * as modelship from "../index";
import { exportedComponents, generatePackageSchema, jsonDifferences, PackageSchema, providerIdentity, ruleViolations, snapshotText, typeDeclarationProblems } from "./package-schema";

const PACKAGE_ROOT = path.resolve(__dirname, "..");
const SNAPSHOT = path.join(PACKAGE_ROOT, "schema.json");
const UPDATE_COMMAND = "UPDATE_SCHEMA=1 npx vitest run test/schema.test.ts";
const FIXTURE_ROOT = path.join(__dirname, "fixtures", "ml-package");

// The analyzer type-checks the whole package (with the cloud SDKs' declarations): slow, so done once a package.
const ANALYSIS_TIMEOUT = 180_000;
let fixtureSchema: Promise<PackageSchema> | undefined;
let modelshipSchema: Promise<PackageSchema> | undefined;
const fixturePackage = () => (fixtureSchema ??= generatePackageSchema(FIXTURE_ROOT, fixture));
const modelshipPackage = () => (modelshipSchema ??= generatePackageSchema(PACKAGE_ROOT, modelship));

describe(
    "the schema analyzer, on a fixture package",
    () => {
        it("infers enums, optional nested blocks, arrays of interfaces, maps and inherited arguments", async () => {
            const schema = await fixturePackage();
            const good = schema.resources["ml-package:index:GoodService"];
            expect(good.requiredInputs).toEqual(["image"]);
            expect(good.inputProperties).toMatchObject({
                // Input<T> makes a property accept outputs in every language; a plain T (no Input) is `plain`.
                image: { type: "string", description: "Container image, pinned by digest." },
                replicas: { type: "number", optional: true },
                accelerator: { $ref: "#/types/ml-package:index:Accelerator", optional: true },
                public: { type: "boolean", optional: true, plain: true },
                ports: { type: "array", items: { $ref: "#/types/ml-package:index:PortArgs" }, optional: true },
                kubernetes: { $ref: "#/types/ml-package:index:Target", optional: true, plain: true },
                // From the extended CommonArgs.
                labels: { type: "object", additionalProperties: { type: "string" }, optional: true },
            });
            expect(good.properties).toEqual({
                url: { type: "string", description: "URL of the endpoint." },
                replicas: { type: "number", description: "Replica count in effect." },
            });
            // An enum from another file, members with their TSDoc.
            expect(schema.types["ml-package:index:Accelerator"]).toEqual({
                type: "string",
                enum: [
                    { name: "NvidiaL4", value: "nvidia-l4", description: "NVIDIA L4, 24 GB." },
                    { name: "NvidiaH100", value: "nvidia-h100", description: "NVIDIA H100, 80 GB." },
                ],
            });
        });

        it("reports each break of the rules, and none for the component that follows them", async () => {
            const schema = await fixturePackage();
            expect(ruleViolations(schema, exportedComponents(fixture))).toEqual([
                'class FlawedService: static __pulumiType is "ml-package:index:Flawed", expected "ml-package:index:FlawedService"',
                "type token ml-package:index:catalog.Tier is not ml-package:index:<Identifier> (refer to enums and interfaces by their plain imported name, not namespace.Name)",
                "ml-package:index:FlawedService input image: no description (TSDoc)",
                "ml-package:index:FlawedService input replicas: optional, but its description does not state the default",
                "ml-package:index:FlawedService input size: optional, but its description does not state the default",
                'ml-package:index:FlawedService input size: description is garbled ("[object Object]"): the analyzer cannot render {@link ...} in TSDoc',
                "ml-package:index:FlawedService output internalState: no description (TSDoc)",
            ]);
        });

        it("reports a type name declared twice, and a type made from a class of a dependency", async () => {
            const schema = await fixturePackage();
            expect(typeDeclarationProblems(schema, path.join(FIXTURE_ROOT, "tsconfig.json"))).toEqual([
                "type ml-package:index:Target is declared 2 times (catalog.ts, flawed-service.ts): rename all but one",
                "type ml-package:index:Resource is not declared in the package: a class of a dependency made into an object type of its fields; expose plain data instead",
            ]);
        });
    },
    ANALYSIS_TIMEOUT,
);

describe(
    "the modelship package schema",
    () => {
        it("is named as `pulumi package add` names it, from package.json", () => {
            // run-plugin takes the provider name from package.json, and a namespace only from an npm scope.
            expect(providerIdentity(PACKAGE_ROOT)).toEqual({ name: "modelship", namespace: undefined });
        });

        it("follows the multi-language rules", async () => {
            const schema = await modelshipPackage();
            const violations = [...ruleViolations(schema, exportedComponents(modelship)), ...typeDeclarationProblems(schema, path.join(PACKAGE_ROOT, "tsconfig.build.json"))];
            expect(violations, `multi-language rule violations:\n  ${violations.join("\n  ")}`).toEqual([]);
        });

        it("matches the committed schema.json", async () => {
            const text = snapshotText(await modelshipPackage());
            if (process.env.UPDATE_SCHEMA === "1") {
                fs.writeFileSync(SNAPSHOT, text);
                return;
            }
            if (!fs.existsSync(SNAPSHOT)) throw new Error(`schema.json is missing: create it with \`${UPDATE_COMMAND}\` and commit it.`);
            const committed = fs.readFileSync(SNAPSHOT, "utf8");
            if (committed !== text) {
                const changes = jsonDifferences(JSON.parse(committed), JSON.parse(text));
                throw new Error(
                    "The package schema changed, and with it the SDKs of every other language (Python, Go, .NET, Java, YAML):\n" +
                        `  ${changes.join("\n  ") || "(formatting only)"}\n` +
                        `If the change is intended (and compatible, or released as a breaking change), run \`${UPDATE_COMMAND}\` and commit schema.json.`,
                );
            }
        });
    },
    ANALYSIS_TIMEOUT,
);
