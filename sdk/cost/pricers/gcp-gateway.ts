/**
 * A GCP gateway (ModelGateway on gcp-loadbalancer): the global forwarding rule, the one fixed hourly part of a global
 * external Application Load Balancer, and Cloud Armor policies, whose Standard prices are not in the catalog.
 */
import { usd } from "../../catalog/format";
import { CLOUD_ARMOR_STANDARD, GLOBAL_FORWARDING_RULE_HOURLY, LOAD_BALANCER_DATA_PROCESSING_PER_GIB } from "../../catalog/data/gcp-gateway.data";
import { monthly, PER_MONTH, unknown, type PricedFigure } from "../figures";
import { list, str } from "../inputs";

/**
 * `gcp:compute/globalForwardingRule:GlobalForwardingRule`: one rule at the first-five price (a project's sixth rule
 * and later cost less); data processing per GiB is per use.
 */
export function priceGlobalForwardingRule(inputs: Record<string, unknown>): PricedFigure {
    const scheme = str(inputs, "loadBalancingScheme") ?? "EXTERNAL";
    if (scheme !== "EXTERNAL_MANAGED" && scheme !== "EXTERNAL") return unknown(`a global forwarding rule of scheme ${scheme}: its price is not in the catalog`);
    const { firstFive, additional, source } = GLOBAL_FORWARDING_RULE_HOURLY;
    const data = LOAD_BALANCER_DATA_PROCESSING_PER_GIB;
    const figure = monthly(1, firstFive);
    return {
        min: figure,
        max: figure,
        basis:
            `1 global forwarding rule at ${usd(firstFive)}/h (one of the project's first 5; each further rule ${usd(additional)}/h) ${PER_MONTH} (${source.file}, ${source.date}); ` +
            `per use: data processed by the load balancer ${usd(data.inbound)}/GiB in and ${usd(data.outbound)}/GiB out, not included`,
    };
}

/**
 * `gcp:compute/globalAddress:GlobalAddress`: a reserved static external address is billed while unused; the price of
 * one in use by a load balancer's forwarding rule is not in the catalog (cloud.google.com/vpc/pricing was not read).
 */
export function priceGlobalAddress(): PricedFigure {
    return unknown("a global static external IP address: billed while reserved and unused; its price in use by a forwarding rule is not in the catalog");
}

/** `gcp:compute/securityPolicy:SecurityPolicy`: Cloud Armor Standard, per policy, per rule and per request; prices unknown. */
export function priceSecurityPolicy(inputs: Record<string, unknown>): PricedFigure {
    const rules = list(inputs, "rules").length;
    return unknown(
        `Cloud Armor Standard bills 1 policy and ${rules} rule${rules === 1 ? "" : "s"} per month, and requests per million (per use) (${CLOUD_ARMOR_STANDARD.structureSource}); its prices are not in the catalog`,
    );
}
