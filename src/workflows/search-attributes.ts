import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const WeftDagKey = defineSearchAttributeKey('WeftDag', SearchAttributeType.KEYWORD);
export const WeftStatusKey = defineSearchAttributeKey('WeftStatus', SearchAttributeType.KEYWORD);
export const WeftTriggerKey = defineSearchAttributeKey('WeftTrigger', SearchAttributeType.KEYWORD);
