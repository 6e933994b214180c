/** Local Docker: containers run on the user's own engine, which no cloud bills. */
import type { PricedFigure } from "../figures";

/** `docker:index/container:Container`: a known zero (not an unknown). */
export function priceDockerContainer(): PricedFigure {
    return { min: 0, max: 0, basis: "local Docker engine: no cloud charge" };
}
