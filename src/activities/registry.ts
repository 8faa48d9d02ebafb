/**
 * Merges the built-in activities with the user's modules. A module's exported functions are registered
 * under their export names; names that clash are refused rather than silently shadowed.
 */
import { resolve } from 'node:path';
import { WeftSetupError } from '../errors';
import { builtinActivities, type BuiltinOptions } from './builtins';

export type ActivityFunction = (...args: any[]) => Promise<unknown> | unknown;
export type ActivityMap = Record<string, ActivityFunction>;

export function functionsOf(moduleExports: unknown, source: string): ActivityMap {
  const out: ActivityMap = {};
  if (!moduleExports || (typeof moduleExports !== 'object' && typeof moduleExports !== 'function')) {
    throw new WeftSetupError(
      `The activities module ${source} exports nothing usable; export your activity functions by name.`,
    );
  }
  const entries = Object.entries(moduleExports as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (name === 'default' && value && typeof value === 'object') Object.assign(out, functionsOf(value, source));
    else if (typeof value === 'function') out[name] = value as ActivityFunction;
  }
  return out;
}

export function loadActivityModule(spec: string, cwd = process.cwd()): ActivityMap {
  const path = spec.startsWith('.') || spec.startsWith('/') ? resolve(cwd, spec) : spec;
  let exports: unknown;
  try {
    exports = require(path);
  } catch (err) {
    throw new WeftSetupError(`Cannot load the activities module "${spec}": ${(err as Error).message.split('\n')[0]}`, {
      cause: err,
    });
  }
  return functionsOf(exports, spec);
}

export function mergeActivities(sources: Array<{ source: string; activities: ActivityMap }>): ActivityMap {
  const merged: ActivityMap = {};
  const origin: Record<string, string> = {};
  for (const { source, activities } of sources) {
    for (const [name, fn] of Object.entries(activities)) {
      if (origin[name]) {
        throw new WeftSetupError(
          `The activity "${name}" is defined twice, by ${origin[name]} and by ${source}; rename one.`,
        );
      }
      if (source !== 'built-in' && name.startsWith('weft.')) {
        throw new WeftSetupError(
          `${source} defines "${name}", but the "weft." prefix is reserved for built-in activities.`,
        );
      }
      origin[name] = source;
      merged[name] = fn;
    }
  }
  return merged;
}

export interface RegistryOptions extends BuiltinOptions {
  /** Module paths (relative to cwd) or package names whose exported functions become activities. */
  modules?: string[];
  /** Activities given as functions, e.g. by a program that embeds the worker. */
  activities?: ActivityMap;
}

export function buildActivityRegistry(options: RegistryOptions = {}): ActivityMap {
  return mergeActivities([
    { source: 'built-in', activities: builtinActivities(options) },
    ...(options.activities ? [{ source: 'the worker options', activities: options.activities }] : []),
    ...(options.modules ?? []).map((spec) => ({ source: spec, activities: loadActivityModule(spec) })),
  ]);
}
