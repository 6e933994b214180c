/**
 * Scheduled minimums of Knative revisions: CronJobs whose container runs `kubectl annotate revisions.serving.knative.dev
 * --selector=serving.knative.dev/configuration=<name>[,...] --overwrite autoscaling.knative.dev/min-scale=<n>`, as
 * ModelService's pre-warming windows with engine knative deploy them (components/spike-autoscaler/knative-prewarm.ts).
 * Each is one event of the schedule replay (schedules.ts): from its schedule on, in its time zone, the revisions of that
 * Configuration keep at least `<n>`. Read from the object itself, so the plan of a deployed stack and the component agree.
 */
import { list, str } from "./inputs";
import type { MinimumEvent } from "./schedules";
import type { CostedResource } from "./types";

const CRONJOB = "kubernetes:batch/v1:CronJob";
/** The Configuration a selector names (Knative labels each revision with its Configuration's name). */
const CONFIGURATION = /(?:^|,)serving\.knative\.dev\/configuration=([^,]+)/;
const MIN_SCALE = /^autoscaling\.knative\.dev\/min-scale=(\d+)$/;
const REVISIONS = /^revisions?(\.serving\.knative\.dev)?$/;

/** The value of `--flag=value`, `--flag value` or `-f value` in a command line. */
function flag(args: string[], long: string, short: string): string | undefined {
    for (let i = 0; i < args.length; i++) {
        if (args[i].startsWith(`--${long}=`)) return args[i].slice(long.length + 3);
        if ((args[i] === `--${long}` || args[i] === `-${short}`) && i + 1 < args.length) return args[i + 1];
    }
    return undefined;
}

/** The Configuration and level a CronJob's container sets, with its namespace; undefined for any other command. */
function annotation(r: CostedResource): { namespace?: string; configuration: string; level: number } | undefined {
    for (const container of list(r.inputs, "spec.jobTemplate.spec.template.spec.containers")) {
        const line = [...list(container, "command"), ...list(container, "args")].filter((a): a is string => typeof a === "string");
        const verb = line.indexOf("annotate");
        if (verb < 0 || !REVISIONS.test(line[verb + 1] ?? "")) continue;
        const configuration = CONFIGURATION.exec(flag(line, "selector", "l") ?? "")?.[1];
        const level = line.map((a) => MIN_SCALE.exec(a)?.[1]).find((v) => v !== undefined);
        if (configuration !== undefined && level !== undefined) return { namespace: flag(line, "namespace", "n"), configuration, level: Number(level) };
    }
    return undefined;
}

/**
 * The min-scale events of every such CronJob, keyed `<namespace>/<configuration>` (the job's namespace unless its
 * command names one). `namespaceOf` reads a resource's namespace; a CronJob whose fields are not known links nothing.
 */
export function knativeMinScaleJobs(resources: ReadonlyArray<CostedResource>, namespaceOf: (r: CostedResource) => string): Map<string, { events: MinimumEvent[]; names: string[] }> {
    const byConfiguration = new Map<string, { events: MinimumEvent[]; names: string[] }>();
    for (const r of resources.filter((x) => x.type === CRONJOB)) {
        let read;
        try {
            const set = annotation(r);
            const cron = str(r.inputs, "spec.schedule");
            read =
                set && cron !== undefined
                    ? { key: `${set.namespace ?? namespaceOf(r)}/${set.configuration}`, event: { cron, timezone: str(r.inputs, "spec.timeZone") ?? "UTC", level: set.level } }
                    : undefined;
        } catch {
            read = undefined;
        }
        if (!read) continue;
        const entry = byConfiguration.get(read.key) ?? { events: [], names: [] };
        entry.events.push(read.event);
        entry.names.push(`"${r.name}"`);
        byConfiguration.set(read.key, entry);
    }
    return byConfiguration;
}
