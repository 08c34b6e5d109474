import type { FerryApi } from '@ferry/ui/api';
export interface ComplianceHarness {
    api: FerryApi;
    close: () => Promise<void>;
    /** Makes another device offer a file to this host; resolves once it has been sent (not answered). */
    offerToMe?: () => Promise<void>;
}
/** Resolves with the first event a subscription delivers that passes `match`; fails after `ms`. */
export declare function nextEvent<T>(subscribe: (listener: (payload: T) => void) => () => void, match?: (payload: T) => boolean, ms?: number): Promise<T>;
export declare function describeFerryApiCompliance(name: string, makeApi: () => Promise<ComplianceHarness>): void;
