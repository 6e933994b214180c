/**
 * A compile-time check that a component's public args interface and its zod schema describe the same fields.
 *
 * The interface is what users (and, through schema inference, other languages) see; the schema is what validation
 * accepts. A field in one only is either refused at run time although documented (`no such field`), or accepted
 * without a type or TSDoc. `FieldMismatches<Args, z.input<typeof schema>>` lists every difference, nested blocks
 * included, as readable strings; `SameFields` is `true` when there is none:
 *
 *   const modelServiceFields: SameFields<ModelServiceArgs, z.input<typeof modelServiceSchema>> = true;
 *
 * fails to compile with `Type 'true' is not assignable to type '"difference: kubernetes.foo: in the args interface only"'`.
 * Plain values are compared by kind only (string, number, boolean): their ranges and formats are the schema's business.
 */
import type * as pulumi from "@pulumi/pulumi";

/** What a field holds once its Inputs and lists are looked through: `Input<Input<T>[]>` holds `T`. */
type Held<T> = T extends pulumi.OutputInstance<infer U> ? Held<U> : T extends Promise<infer U> ? Held<U> : T extends readonly (infer E)[] ? Held<E> : T;

/** The nested block of a field's type, or `never` for a plain value (string, number, boolean, enum member). */
type Block<T> = Extract<Held<Exclude<T, undefined | null>>, object>;

/** `unknown` and `any`: fields another schema checks (a pipeline stage's ModelService arguments), not compared here. */
type IsOpaque<T> = unknown extends T ? true : false;

/** The keys of `T` that may be left out. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

// String keys only: an index signature `{ [key: string]: T }` has `number` keys too, `Record<string, T>` does not.
type Key<T> = keyof T & string;

/** The differences between the fields of two object types, each a string naming its path. */
type ObjectMismatches<A, B, P extends string> =
    | { [K in Exclude<Key<A>, Key<B>>]: `${P}${K}: in the args interface only` }[Exclude<Key<A>, Key<B>>]
    | { [K in Exclude<Key<B>, Key<A>>]: `${P}${K}: in the schema only` }[Exclude<Key<B>, Key<A>>]
    | { [K in Key<A> & Key<B>]: OptionalityMismatch<A, B, K, P> | FieldMismatches<A[K], B[K], `${P}${K}`> }[Key<A> & Key<B>];

type OptionalityMismatch<A, B, K extends keyof A & keyof B, P extends string> = [K extends OptionalKeys<A> ? true : false] extends [K extends OptionalKeys<B> ? true : false]
    ? never
    : K extends OptionalKeys<A>
      ? `${P}${K & string}: optional in the args interface, required in the schema`
      : `${P}${K & string}: required in the args interface, optional in the schema`;

/**
 * Every difference between the fields of `A` (an args interface) and `B` (the input type of its schema), nested blocks
 * included (through Inputs, lists and maps), as strings such as `"gpu.count: in the schema only"`; `never` when the
 * fields are the same. `Path` prefixes the paths.
 */
export type FieldMismatches<A, B, Path extends string = ""> =
    IsOpaque<A> extends true
        ? never
        : IsOpaque<B> extends true
          ? never
          : [Block<A>] extends [never]
            ? [Block<B>] extends [never]
                ? LeafMismatch<A, B, Path>
                : `${Path}: a value in the args interface, an object in the schema`
            : [Block<B>] extends [never]
              ? `${Path}: an object in the args interface, a value in the schema`
              : ObjectMismatches<Block<A>, Block<B>, Path extends "" ? "" : `${Path}.`>;

/** What kind of plain value a field holds: `string` for string enums and literals too. */
type LeafKind<T> = Held<Exclude<T, undefined | null>> extends infer H ? (H extends string ? "string" : H extends number ? "number" : H extends boolean ? "boolean" : "other") : never;

/** Two plain values of different kinds (a number in the interface, a string in the schema). */
type LeafMismatch<A, B, Path extends string> = [LeafKind<A>] extends [LeafKind<B>]
    ? [LeafKind<B>] extends [LeafKind<A>]
        ? never
        : `${Path}: a ${LeafKind<A>} in the args interface, a ${LeafKind<B>} in the schema`
    : `${Path}: a ${LeafKind<A>} in the args interface, a ${LeafKind<B>} in the schema`;

/** `true` when `A` and `B` have the same fields (see {@link FieldMismatches}); otherwise the differences, which `true` is not assignable to. */
export type SameFields<A, B> = [FieldMismatches<A, B>] extends [never] ? true : Spelt<FieldMismatches<A, B>>;

/**
 * Each difference as a new string (`difference: ...`): a new union, which the compiler spells out in its message, where
 * it would name the union it has seen already by its alias (`ObjectMismatches<...>`).
 */
type Spelt<T> = T extends string ? `difference: ${T}` : never;
