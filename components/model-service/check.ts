/**
 * Every check ModelService runs on its parsed arguments after the schema: the cross-field rules, the
 * autoscaling block resolved for the target, and the target's own rules. One function, so that whatever
 * validates a ModelService's arguments ahead of it (a PolyglotPipeline stage, the simulator) reports
 * exactly what the component would.
 */
import { ValidationProblem } from "../../sdk/validate";
import { modelArtifactWarnings } from "./artifact";
import { resolveServiceAutoscaling } from "./autoscaling";
import { crossFieldProblems, ParsedModelServiceArgs } from "./schema";
import { resolveSpec, ServingSpec } from "./spec";
import { serviceSpendGuardProblems } from "./spend-guard";
import { TARGETS } from "./targets";
import { ServingTarget } from "./targets/target";

/** What {@link checkModelService} found. */
export interface ModelServiceCheck {
    /** Every problem, in ModelService's argument paths; empty when the arguments are valid. */
    problems: ValidationProblem[];
    /** The target the arguments name. */
    target: ServingTarget;
    /** The resolved spec (autoscaling applied); undefined when a cross-field rule failed, since it cannot be resolved. */
    spec?: ServingSpec;
    /** Warnings to log for valid arguments (a Hugging Face revision that can move, the autoscaling block). */
    warnings: string[];
}

/** Runs every ModelService check beyond the schema on `parsed`, the arguments of the ModelService named `name`. */
export function checkModelService(name: string, parsed: ParsedModelServiceArgs): ModelServiceCheck {
    const target = TARGETS[parsed.target];
    const common = crossFieldProblems(parsed);
    if (common.length > 0) return { problems: common, target, warnings: [] };
    const spec = resolveSpec(name, parsed);
    // Before the target's rules: they read the effective replica bounds the autoscaling block sets.
    const scaling = resolveServiceAutoscaling(spec, target);
    // One problem per field: the target's own wording wins where both speak about the same argument.
    const own = target.validate(spec);
    const problems = [...own, ...scaling.problems.filter((p) => !own.some((o) => o.path === p.path)), ...serviceSpendGuardProblems(spec)];
    return { problems, target, spec, warnings: [...modelArtifactWarnings(parsed), ...scaling.warnings] };
}
