/**
 * The defaults of the autoscaling spec that are plain numbers. docs/scaling.md gives the reasoning behind each and
 * the numbers of the systems people compare us with. All provisional: issue 8's simulator will tune them.
 */

/** Seconds of one burst step: the Kubernetes HPA's sync period. */
export const BURST_PERIOD_SECONDS = 15;
/** Pods a burst step may add at least, however few run (the HPA's default scale-up: +4 pods or +100%). */
export const BURST_MIN_PODS = 4;
/** How many times over the replica count may grow per step (the HPA's default +100%). */
export const DEFAULT_BURST_MULTIPLIER = 2;
/** The floor of the scale-down delay: the HPA's scale-down stabilisation and KEDA's cooldown (300 s). */
export const MIN_SCALE_DOWN_DELAY_SECONDS = 300;
/** KEDA's polling interval: the HPA's sync period (KEDA's own default is 30 s). */
export const DEFAULT_POLLING_INTERVAL_SECONDS = 15;
