/**
 * The name a model is served under: what OpenAI-compatible clients send in the `model` field. vLLM answers only
 * the names it serves (`--served-model-name`; without one, the `--model` path, `/models` here, which no client
 * would guess), so every vLLM service gets one: the Hugging Face id of an `hf://` model (without its `@revision`: a
 * new revision keeps the name clients send), or the service's name.
 * One name per service, whatever the version: clients of a canary keep sending the same name.
 */
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { ServingRuntime } from "./args";
import { huggingFaceId } from "./artifact";
import { runtimeEntry } from "../../sdk/catalog/runtimes";
import type { ParsedModelServiceArgs } from "./schema";

/** The runtimes whose server takes a served model name. */
export function namedRuntimes(): ServingRuntime[] {
    return Object.values(ServingRuntime).filter((r) => runtimeEntry(r).servedNameArgs !== undefined);
}

/** True when a preset serves an artifact URI (of the model or of a version): only then does modelship start the server. */
function servesUri(args: ParsedModelServiceArgs): boolean {
    return args.model.uri !== undefined || (args.versions ?? []).some((v) => v.uri !== undefined);
}

/**
 * The name the ModelService `name` serves its model under: `model.servedModelName`, else the Hub id of an
 * `hf://` `model.uri`, else `name`. Undefined when the runtime's server takes no name, or when no preset starts
 * the server (an image serves as it was built).
 */
export function servedModelName(name: string, args: ParsedModelServiceArgs): string | undefined {
    const model = args.model;
    if (runtimeEntry(model.runtime ?? ServingRuntime.Custom).servedNameArgs === undefined || !servesUri(args)) return undefined;
    return model.servedModelName ?? huggingFaceId(model.uri) ?? name;
}

/** A `model.servedModelName` that nothing would serve: another runtime, or no artifact URI for the preset to serve. */
export function servedModelNameProblems(args: ParsedModelServiceArgs): ValidationProblem[] {
    const { model } = args;
    const given = model.servedModelName;
    if (given === undefined) return [];
    const runtime = model.runtime ?? ServingRuntime.Custom;
    const path = "model.servedModelName";
    if (!namedRuntimes().includes(runtime)) {
        return [{ path, received: describeValue(given), expected: `nothing with runtime ${runtime}: only ${namedRuntimes().join(", ")} serves a model under a name of your choosing` }];
    }
    if (!servesUri(args)) {
        return [{ path, received: describeValue(given), expected: "model.uri with it: the preset names the model it serves from a URI (with model.image, pass --served-model-name in args)" }];
    }
    return [];
}
