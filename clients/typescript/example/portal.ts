// An example portal module: what a partner portal's pages need from partner-center-bff, written against the
// typed client. It compiles under `tsc --strict` without a single non-null assertion: every member the service
// always sends is typed as there, and a batch item narrows to a decision or a problem.
import {
  createPartnerCenterBffClient,
  isDecision,
  PartnerCenterBffError,
  type ClientOptions,
  type CustomerEvent,
  type PartnerCenterBffClient,
} from '../src/index.js';

/** A customer's page: the account status, whether they may buy, and their qualifications. */
export async function customerPage(bff: PartnerCenterBffClient, customerId: string) {
  const [status, eligibility, qualifications, legacy] = await Promise.all([
    bff.getValidationStatus(customerId),
    bff.getPurchaseEligibility(customerId),
    bff.listQualifications(customerId),
    bff.getQualification(customerId),
  ]);
  return {
    accountStatus: status.status ?? 'none kept',
    canPurchase: eligibility.eligible,
    why: eligibility.reason,
    qualifications: qualifications.map((q) => `${q.qualification ?? '?'}: ${q.vettingStatus ?? '?'}`),
    legacyQualification: legacy.qualification,
  };
}

/** The GCC validation codes a sales person may give out, with how many uses are left. */
export async function gccCodes(bff: PartnerCenterBffClient) {
  const codes = await bff.listGccValidationCodes();
  return codes.map((code) => ({ code: code.validationId, left: code.remainingCreates ?? 'unknown' }));
}

/**
 * Requests Education for a customer and tries again while the service says it may succeed, always with the same
 * idempotency key: a retry after a timeout answers the first update's outcome instead of sending a second one
 * (Partner Center takes an Education request only three times per customer).
 */
export async function requestEducation(bff: PartnerCenterBffClient, customerId: string, idempotencyKey: string) {
  const created = await withRetries(() =>
    bff.createQualification(customerId, { qualification: 'Education', educationSegment: 'K12' }, idempotencyKey),
  );
  return {
    qualification: created.qualification.qualification,
    vettingStatus: created.qualification.vettingStatus,
    replayed: created.replayed,
  };
}

/** A checkout of several customers: who may buy, who may not, and whose answer is missing and why. */
export async function checkout(bff: PartnerCenterBffClient, customerIds: string[]) {
  const items = await bff.getPurchaseEligibilityBatch(customerIds);
  const allowed: string[] = [];
  const blocked: { customerId: string; why: string }[] = [];
  const failed: { customerId: string; status: number; retryable: boolean; retryAfter: number | null }[] = [];
  for (const item of items) {
    if (isDecision(item)) {
      if (item.eligible) allowed.push(item.customerId);
      else blocked.push({ customerId: item.customerId, why: item.reason });
    } else {
      failed.push({
        customerId: item.customerId,
        status: item.status,
        retryable: item.retryable,
        retryAfter: item.retryAfter ?? null,
      });
    }
  }
  return { allowed, blocked, failed };
}

/** What a portal shows when a call fails: the sentence, whether to offer "try again", and the id to quote. */
export async function eligibilityOrProblem(bff: PartnerCenterBffClient, customerId: string) {
  try {
    const eligibility = await bff.getPurchaseEligibility(customerId);
    return { eligible: eligibility.eligible };
  } catch (error) {
    if (!(error instanceof PartnerCenterBffError)) throw error;
    return {
      status: error.status,
      type: error.type,
      message: error.detail,
      retryable: error.retryable,
      retryAfter: error.retryAfter ?? null,
      correlationId: error.correlationId ?? null,
    };
  }
}

/** One row of a list view of customers. */
export interface CustomerRow {
  customerId: string;
  accountStatus: string;
  canPurchase: boolean;
  qualifications: string[];
}

/**
 * A list view that updates itself: one stream for the customers on the page, and the page drawn again whenever
 * one of them changes (Microsoft decides on a review, another portal requests a qualification), instead of a
 * timer per customer. Runs until `signal` aborts (the page is left).
 */
export function customerList(
  bff: PartnerCenterBffClient,
  customerIds: string[],
  draw: (rows: CustomerRow[]) => void,
  signal: AbortSignal,
): Promise<void> {
  const rows = new Map<string, CustomerRow>();
  return bff.watchCustomers(
    customerIds,
    (event: CustomerEvent) => {
      rows.set(event.customerId, {
        customerId: event.customerId,
        accountStatus: event.validationStatus?.status ?? 'none kept',
        canPurchase: event.eligibility.eligible,
        qualifications: (event.qualifications?.items ?? []).map((q) => `${q.qualification ?? '?'}: ${q.vettingStatus ?? '?'}`),
      });
      draw(customerIds.flatMap((id) => rows.get(id) ?? []));
    },
    { signal },
  );
}

/** Retries what the service calls retryable, waiting as it says, but never longer than a person would. */
async function withRetries<T>(attempt: () => Promise<T>, tries = 3, longestWaitSeconds = 5): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      const wait = error instanceof PartnerCenterBffError && error.retryable ? (error.retryAfter ?? 1) : Infinity;
      if (tried >= tries || wait > longestWaitSeconds) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  }
}

/**
 * Every page above against a running service, as `npm run example -- <baseUrl> <token>` does it (the local run's
 * simulator customers). The statuses the service answered show the conditional GETs: a page read twice gets
 * its second answers as 304s, without the service sending them again.
 */
export async function tour(baseUrl: string, token: string) {
  const statuses: number[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    statuses.push(response.status);
    return response;
  };
  const options: ClientOptions = { baseUrl, token: () => token, fetch: recording };
  const bff = createPartnerCenterBffClient(options);
  const customer = (n: number) => `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`;

  const codes = await gccCodes(bff);
  const page = await customerPage(bff, customer(7));
  statuses.length = 0;
  await customerPage(bff, customer(7));
  const pageAgain = [...statuses];
  const key = crypto.randomUUID();
  const education = await requestEducation(bff, customer(12), key);
  const educationAgain = await requestEducation(bff, customer(12), key);
  const basket = await checkout(bff, [customer(1), customer(2), customer(13)]);
  const throttled = await eligibilityOrProblem(bff, customer(13));
  const list = await listThatUpdatesItself(bff, [customer(2), customer(11)], async () => {
    await requestEducation(bff, customer(11), crypto.randomUUID());
  });
  return { codes, page, pageAgain, education, educationAgain, basket, throttled, list };
}

// The list view drawn first, then again after an update made meanwhile: the update reaches the stream at once.
async function listThatUpdatesItself(bff: PartnerCenterBffClient, customerIds: string[], update: () => Promise<void>) {
  const drawn: CustomerRow[][] = [];
  const page = new AbortController();
  const watching = customerList(bff, customerIds, (rows) => drawn.push(rows), page.signal);
  const until = async (what: () => boolean) => {
    for (let waited = 0; !what(); waited += 50) {
      if (waited > 10_000) throw new Error(`The list was not drawn as expected: ${JSON.stringify(drawn)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await until(() => drawn.at(-1)?.length === customerIds.length);
  const first = drawn.at(-1) ?? [];
  await update();
  const changed = (rows: CustomerRow[] | undefined) => JSON.stringify(rows) !== JSON.stringify(first);
  await until(() => changed(drawn.at(-1)));
  page.abort();
  await watching;
  return { first, afterUpdate: drawn.at(-1) ?? [] };
}
