/**
 * What a zod schema accepts at a path of the arguments: the fields of an object, the members of an enum. Validation
 * errors use it to suggest the field or value that was probably meant.
 */
import { z } from "zod";

type Schema = z.core.$ZodType;

/** The schemas that check a value itself, past wrappers such as optional or default; each option of a union. */
function unwrap(schema: Schema): Schema[] {
    const s = schema as z.core.$ZodTypes;
    switch (s._zod.def.type) {
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "nonoptional":
        case "catch":
        case "readonly":
            return unwrap(s._zod.def.innerType as Schema);
        case "lazy":
            return unwrap(s._zod.def.getter());
        case "pipe":
            // The input side is what the caller wrote.
            return unwrap(s._zod.def.in);
        case "union":
            return s._zod.def.options.flatMap((option) => unwrap(option));
        case "intersection":
            return [...unwrap(s._zod.def.left), ...unwrap(s._zod.def.right)];
        default:
            return [s];
    }
}

/** The schemas of the value under `key` of a value checked by `schema`. */
function childSchemas(schema: Schema, key: PropertyKey): Schema[] {
    const s = schema as z.core.$ZodTypes;
    switch (s._zod.def.type) {
        case "object": {
            const field = typeof key === "string" ? s._zod.def.shape[key] : undefined;
            const child = field ?? s._zod.def.catchall;
            return child ? [child] : [];
        }
        case "array":
            return typeof key === "number" ? [s._zod.def.element] : [];
        case "tuple": {
            const item = typeof key === "number" ? (s._zod.def.items[key] ?? s._zod.def.rest) : undefined;
            return item ? [item] : [];
        }
        case "record":
            return [s._zod.def.valueType];
        default:
            return [];
    }
}

/** The schemas (past wrappers and unions) that check the value at `path`; none when the path leaves the schema. */
export function schemasAt(schema: Schema, path: ReadonlyArray<PropertyKey>): Schema[] {
    let current = unwrap(schema);
    for (const key of path) current = current.flatMap((s) => childSchemas(s, key)).flatMap(unwrap);
    return current;
}

/** The field names an object at `path` may have, in declaration order. */
export function fieldsAt(schema: Schema, path: ReadonlyArray<PropertyKey>): string[] {
    const fields = schemasAt(schema, path).flatMap((s) => {
        const t = s as z.core.$ZodTypes;
        return t._zod.def.type === "object" ? Object.keys(t._zod.def.shape) : [];
    });
    return [...new Set(fields)];
}

/** An enum member: its name in the source (a TypeScript enum's member name) and its value. */
export interface EnumMember {
    name: string;
    value: string;
}

/** The string members of the enums at `path` (a TypeScript enum's members, or the strings of `z.enum([...])`). */
export function enumMembersAt(schema: Schema, path: ReadonlyArray<PropertyKey>): EnumMember[] {
    return schemasAt(schema, path).flatMap((s) => {
        const t = s as z.core.$ZodTypes;
        if (t._zod.def.type !== "enum") return [];
        return Object.entries(t._zod.def.entries)
            .filter((entry): entry is [string, string] => typeof entry[1] === "string")
            .map(([name, value]) => ({ name, value }));
    });
}
