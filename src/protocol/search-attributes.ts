import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const WeftDagKey = defineSearchAttributeKey('WeftDag', SearchAttributeType.KEYWORD);
export const WeftStatusKey = defineSearchAttributeKey('WeftStatus', SearchAttributeType.KEYWORD);
export const WeftTriggerKey = defineSearchAttributeKey('WeftTrigger', SearchAttributeType.KEYWORD);
export const WeftRerunOfKey = defineSearchAttributeKey('WeftRerunOf', SearchAttributeType.KEYWORD);

/** Set by Temporal on workflows a Schedule starts: when it was due, and which schedule. */
export const TemporalScheduledStartTimeKey = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);
export const TemporalScheduledByIdKey = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
