/**
 * Which of Weft's search attributes a server lacks. Runs and triggers work without them, but Temporal refuses a
 * start that sets an attribute it does not know, so they set none unless all are there (and cannot then be
 * listed by DAG in the Web UI). Shared by the client and its triggers, so neither has to reach into the other.
 */
import { type Client, NamespaceNotFoundError } from '@temporalio/client';
import { WEFT_SEARCH_ATTRIBUTES } from '../protocol/names';
import { grpcStatusOf, GRPC_STATUS } from './connect';

/** A check asked of the server once, on first use; the answer does not change while a client lives. */
export function missingSearchAttributesOnce(temporal: Client, namespace: string): () => Promise<string[]> {
  let checked: Promise<string[]> | undefined;
  return () =>
    (checked ??= temporal.connection.operatorService
      .listSearchAttributes({ namespace })
      .then((res) => Object.keys(WEFT_SEARCH_ATTRIBUTES).filter((name) => !(name in (res.customAttributes ?? {}))))
      .catch((err) => {
        // An unknown namespace is the caller's problem to hear about, not a missing search attribute.
        if (grpcStatusOf(err)?.code === GRPC_STATUS.NOT_FOUND) throw new NamespaceNotFoundError(namespace);
        return Object.keys(WEFT_SEARCH_ATTRIBUTES); // e.g. Temporal Cloud API keys without operator rights
      }));
}
