/** Every ModelService target, by name. A new target is one file and one line here. */
import { Target } from "../args";
import { dockerTarget } from "./docker";
import { ServingTarget } from "./target";

export const TARGETS: Partial<Record<Target, ServingTarget>> = {
    [Target.Docker]: dockerTarget,
};
