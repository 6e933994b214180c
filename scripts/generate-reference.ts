/**
 * The argument reference (docs/reference.md), generated from the package schema (schema.json, which
 * test/schema.test.ts keeps equal to what the TSDoc of components/*\/args.ts gives): every component, every argument
 * down to the nested fields with its type, default and allowed values, the outputs, and the enums with their members.
 *
 * Each argument path has an anchor from `referenceAnchor` (sdk/reference.ts), the one validation errors link to.
 * Run with `npm run reference:update`; test/reference.test.ts fails while the committed file is not current.
 */
import { REFERENCE_FILE, referenceAnchor } from "../sdk/reference";

/** A property of the package schema. */
export interface SchemaProperty {
    type?: string;
    $ref?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
    description?: string;
    plain?: boolean;
}

/** A component in the package schema. */
export interface SchemaResource {
    description?: string;
    inputProperties?: Record<string, SchemaProperty>;
    requiredInputs?: string[];
    properties?: Record<string, SchemaProperty>;
    required?: string[];
}

/** An object or enum type of the package schema. */
export interface SchemaType {
    type: string;
    description?: string;
    properties?: Record<string, SchemaProperty>;
    required?: string[];
    enum?: { name?: string; value: string | number | boolean; description?: string }[];
}

/** The parts of the package schema the reference shows. */
export interface ReferenceSchema {
    name: string;
    resources: Record<string, SchemaResource>;
    types: Record<string, SchemaType>;
}

/** The components in the order the README presents them; any other follows in alphabetical order. */
const COMPONENT_ORDER = ["ModelService", "GpuPool", "SpikeAutoscaler", "PolyglotPipeline"];

/** The command that regenerates the reference. */
export const REFERENCE_UPDATE_COMMAND = "npm run reference:update";

/** The anchor of an enum's section. */
export function enumAnchor(name: string): string {
    return `enum-${name.toLowerCase()}`;
}

/** The anchor of an argument path, or of an output path (`gpupool-outputs-placement`; `gpupool-outputs`: the outputs). */
function anchorOf(componentType: string, path: string, input: boolean): string {
    return referenceAnchor(componentType, input ? path : path === "" ? "outputs" : `outputs.${path}`);
}

/** One line of text, safe in a table cell: `|` escaped, and `<`, `>` outside code spans, so nothing reads as HTML. */
function cell(text: string): string {
    return text
        .replace(/\s+/g, " ")
        .trim()
        .split("`")
        .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
        .join("`")
        .replace(/\|/g, "\\|");
}

/** A sentence that states a default (`Defaults to`, `No default`) or when the argument is required or allowed. */
const DEFAULT_SENTENCE = /\b(defaults?(?= to\b| on\b|,)|no default|required|only with)\b/i;

/**
 * Splits the description of an optional argument into what it is and what its default is: the sentences that state
 * the default, or when the argument is required, go to the default; the first sentence always stays with the text.
 * The descriptions state defaults in words because the schema drops TSDoc tags such as `@default`
 * (test/package-schema.ts checks that every optional argument's description states one).
 */
export function splitDefault(description: string): { text: string; default: string } {
    const sentences = description
        .replace(/\s+/g, " ")
        .trim()
        .split(/(?<=[.!?])\s+(?=[A-Z`(])/)
        .filter((s) => s !== "");
    // A default written in a code span (`defaults: ...`) is no statement of one.
    const isDefault = (s: string, i: number) => (i > 0 || sentences.length === 1) && DEFAULT_SENTENCE.test(s.replace(/`[^`]*`/g, ""));
    return {
        text: sentences.filter((s, i) => !isDefault(s, i)).join(" "),
        default: sentences.filter(isDefault).join(" "),
    };
}

/** An object nested in the arguments or outputs, documented in a section of its own. */
interface ObjectSection {
    /** Its path, without array brackets: `versions`, `resources.gpu`, `stages.resources`. */
    path: string;
    /** Its path as shown, with `[]` after lists: `versions[]`, `stages[].resources`. */
    shown: string;
    /** A list of such objects. */
    list: boolean;
    /** Its type's token in the schema. */
    token: string;
    /** In the arguments (or else in the outputs). */
    input: boolean;
}

const typeName = (token: string) => token.split(":").pop() ?? token;

class ReferenceWriter {
    private readonly lines: string[] = [];

    constructor(private readonly schema: ReferenceSchema) {}

    private typeOf(ref: string): { token: string; type: SchemaType } {
        const token = ref.replace(/^#\/types\//, "");
        const type = this.schema.types[token];
        if (!type) throw new Error(`schema.json refers to ${ref}, which it does not define`);
        return { token, type };
    }

    /** The type cell of a property; `anchor` is where its object type, if it has one, is documented. */
    private typeText(prop: SchemaProperty, anchor: string, input: boolean): string {
        const plainText = (p: SchemaProperty): string => {
            if (p.$ref) {
                const { token, type } = this.typeOf(p.$ref);
                const name = typeName(token);
                if (!type.enum) return `object [${name}](#${anchor})`;
                return `enum [${name}](#${enumAnchor(name)}): ${type.enum.map((m) => `\`${String(m.value)}\``).join(", ")}`;
            }
            if (p.type === "array" && p.items) return `list of ${plainText(p.items)}`;
            if (p.type === "object" && p.additionalProperties) return `map of string to ${plainText(p.additionalProperties)}`;
            return p.type ?? "any";
        };
        // Outputs are Outputs anyway; an argument that is not `plain` takes one too (pulumi.Input).
        return plainText(prop) + (input && !prop.plain ? " (or an Output)" : "");
    }

    /** The object type a property holds, itself or as the items of a list; undefined for other types. */
    private objectTypeOf(prop: SchemaProperty): { token: string; list: boolean } | undefined {
        if (prop.additionalProperties?.$ref && !this.typeOf(prop.additionalProperties.$ref).type.enum) {
            throw new Error("a map of objects: the reference has no path for its values; teach the generator one before using it");
        }
        const holder = prop.$ref ? prop : prop.type === "array" ? prop.items : undefined;
        if (!holder?.$ref) return undefined;
        const { token, type } = this.typeOf(holder.$ref);
        return type.enum ? undefined : { token, list: holder !== prop };
    }

    /**
     * The table of an object's fields (the arguments, the outputs, or a nested object's, at `path`, shown as `shown`);
     * returns its nested objects.
     */
    private fieldTable(componentType: string, path: string, shown: string, props: Record<string, SchemaProperty>, required: string[], input: boolean): ObjectSection[] {
        const nested: ObjectSection[] = [];
        // Required first, then in alphabetical order.
        const names = Object.keys(props).sort((a, b) => Number(required.includes(b)) - Number(required.includes(a)) || a.localeCompare(b));
        this.lines.push(input ? "| Argument | Type | Default | Description |" : "| Output | Type | Description |", input ? "|---|---|---|---|" : "|---|---|---|");
        for (const name of names) {
            const prop = props[name];
            const fieldPath = path === "" ? name : `${path}.${name}`;
            const anchor = anchorOf(componentType, fieldPath, input);
            const object = this.objectTypeOf(prop);
            if (object) nested.push({ path: fieldPath, shown: `${shown === "" ? "" : `${shown}.`}${name}${object.list ? "[]" : ""}`, ...object, input });
            // An object's anchor is on its section's heading; any other field's on its row.
            const label = object ? `[\`${name}\`](#${anchor})` : `<a name="${anchor}"></a>\`${name}\``;
            const typeCell = cell(this.typeText(prop, anchor, input));
            if (!input) {
                this.lines.push(`| ${label} | ${typeCell} | ${cell(prop.description ?? "")} |`);
                continue;
            }
            if (required.includes(name)) {
                this.lines.push(`| ${label} | ${typeCell} | **required** | ${cell(prop.description ?? "")} |`);
                continue;
            }
            const { text, default: stated } = splitDefault(prop.description ?? "");
            this.lines.push(`| ${label} | ${typeCell} | ${cell(stated)} | ${cell(text)} |`);
        }
        this.lines.push("");
        return nested;
    }

    /** The sections of nested objects, each followed by those of its own nested objects. */
    private objectSections(componentType: string, sections: ObjectSection[]): void {
        const component = typeName(componentType);
        for (const section of sections) {
            const { type } = this.typeOf(`#/types/${section.token}`);
            const parentPath = section.path.includes(".") ? section.path.slice(0, section.path.lastIndexOf(".")) : "";
            const parentShown = section.shown.includes(".") ? section.shown.slice(0, section.shown.lastIndexOf(".")) : "";
            const parentLabel = parentPath !== "" ? `\`${parentShown}\`` : section.input ? component : `${component} outputs`;
            const title = `${component}${section.input ? "" : " output"} \`${section.shown}\``;
            this.lines.push(`### <a name="${anchorOf(componentType, section.path, section.input)}"></a>${title}`, "");
            const name = typeName(section.token);
            const what = section.list ? `A list of \`${name}\` objects` : `${/^[AEIOU]/.test(name) ? "An" : "A"} \`${name}\` object`;
            const about = type.description ? ` ${cell(type.description)}` : "";
            this.lines.push(`${what}, in [${parentLabel}](#${anchorOf(componentType, parentPath, section.input)}).${about}`, "");
            const nested = this.fieldTable(componentType, section.path, section.shown, type.properties ?? {}, type.required ?? [], section.input);
            this.objectSections(componentType, nested);
        }
    }

    private component(token: string, resource: SchemaResource): void {
        const name = typeName(token);
        this.lines.push(`## ${name}`, "");
        // Markdown of its own, with a code example: as written.
        if (resource.description) this.lines.push(resource.description.trim(), "");
        this.lines.push(`\`new ${name}(name, args, opts)\`: the arguments, then the [outputs](#${anchorOf(token, "", false)}).`, "");
        this.objectSections(token, this.fieldTable(token, "", "", resource.inputProperties ?? {}, resource.requiredInputs ?? [], true));
        this.lines.push(`### <a name="${anchorOf(token, "", false)}"></a>${name} outputs`, "");
        this.objectSections(token, this.fieldTable(token, "", "", resource.properties ?? {}, resource.required ?? [], false));
    }

    private enums(): void {
        const enums = Object.entries(this.schema.types)
            .filter(([, type]) => type.enum)
            .map(([token, type]) => ({ name: typeName(token), type }))
            .sort((a, b) => a.name.localeCompare(b.name));
        this.lines.push("## Enums", "");
        this.lines.push('In TypeScript, give a member (`Accelerator.L4`) or its value (`"l4"`); in YAML, the value; in the other languages, the member of the generated SDK\'s enum.', "");
        for (const { name, type } of enums) {
            this.lines.push(`### <a name="${enumAnchor(name)}"></a>${name}`, "");
            if (type.description) this.lines.push(cell(type.description), "");
            this.lines.push("| Value | Member | Description |", "|---|---|---|");
            for (const member of type.enum ?? []) this.lines.push(`| \`${String(member.value)}\` | \`${member.name ?? ""}\` | ${cell(member.description ?? "")} |`);
            this.lines.push("");
        }
    }

    render(): string {
        const rank = (token: string) => {
            const i = COMPONENT_ORDER.indexOf(typeName(token));
            return i === -1 ? COMPONENT_ORDER.length : i;
        };
        const tokens = Object.keys(this.schema.resources).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
        this.lines.push(
            "# Argument reference",
            "",
            `<!-- Generated from schema.json by \`${REFERENCE_UPDATE_COMMAND}\` (scripts/generate-reference.ts): do not edit by hand. -->`,
            "",
            "Every argument of every modelship component: its type, its default (or **required**), the values it accepts,",
            "and what it does; then the component's outputs, and the enums with their members. It is generated from the",
            "package schema (`schema.json`), which comes from the TSDoc of `components/*/args.ts`, so it is what every",
            "language's SDK sees. Field names are as in TypeScript and YAML; the Python SDK spells them in snake_case, the",
            'Go and .NET SDKs in PascalCase. "(or an Output)" marks an argument that also takes a Pulumi Output (an',
            "`Input`); the others must be known when the program runs.",
            "",
            "A validation error about an unknown field links to the section of the object that holds it, for example",
            `\`${REFERENCE_FILE}#${referenceAnchor("modelship:index:ModelService", "resources.gpu")}\`.`,
            "",
            `Components: ${tokens.map((t) => `[${typeName(t)}](#${referenceAnchor(t, "")})`).join(", ")}. [Enums](#enums).`,
            "",
        );
        for (const token of tokens) this.component(token, this.schema.resources[token]);
        this.enums();
        return `${this.lines.join("\n").trimEnd()}\n`;
    }
}

/** The reference as committed in docs/reference.md. */
export function renderReference(schema: ReferenceSchema): string {
    return new ReferenceWriter(schema).render();
}
