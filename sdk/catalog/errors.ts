/** The error every catalog lookup throws when nothing fits or a name is unknown. */

/**
 * Thrown by catalog lookups. The message names the request (accelerator, GPUs, memory, region) and what the
 * catalog does offer, so that the user can change the request without reading the price tables.
 */
export class CatalogError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CatalogError";
    }
}
