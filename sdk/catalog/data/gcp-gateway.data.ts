/**
 * Prices of a GCP gateway (ModelGateway on gcp-loadbalancer): the global external Application Load Balancer's
 * forwarding rules and data processing, and Cloud Armor Standard. Hand-written: each figure names where it was read.
 * See SOURCES.md.
 */
import type { PriceSource } from "./rows";

const LOAD_BALANCING_PRICING: PriceSource = {
    file: "cloud.google.com/load-balancing/pricing",
    publisher: "Google",
    origin:
        'Cloud Load Balancing pricing page, "Load balancing and forwarding rules" (global forwarding rules: "First 5 forwarding rules $0.025 Per Hour", "Per additional forwarding rule $0.01 Per Hour"; "Inbound data processed by load balancer $0.008 / 1 gibibyte", "Outbound data processed by load balancer $0.008 / 1 gibibyte") (read through the search tool)',
    date: "2026-12-04",
    confidence: "high",
};

/** Global forwarding rules of an external Application Load Balancer, USD per rule-hour. */
export const GLOBAL_FORWARDING_RULE_HOURLY = {
    /** Each of the first five rules of a project. */
    firstFive: 0.025,
    /** Each rule past the fifth. */
    additional: 0.01,
    source: LOAD_BALANCING_PRICING,
};

/** Data processed by the load balancer, USD per GiB, inbound and outbound (per use; the table quoted, by region on the page). */
export const LOAD_BALANCER_DATA_PROCESSING_PER_GIB = { inbound: 0.008, outbound: 0.008, source: LOAD_BALANCING_PRICING };

/**
 * Cloud Armor Standard bills per policy-month, per rule-month and per million requests evaluated
 * (cloud.google.com/armor/docs/armor-enterprise-overview: "Per policy, per rule, per request (see Pricing)"). The
 * figures of cloud.google.com/armor/pricing were not found in a readable public copy: unknown, never guessed.
 */
export const CLOUD_ARMOR_STANDARD = { policyMonthly: null, ruleMonthly: null, perMillionRequests: null, structureSource: "cloud.google.com/armor/docs/armor-enterprise-overview" } as const;
