// Tag sets shared between samples. A request's nine points, every request of the same call
// template, every check of the same name: they all carry equal tags, and building (and later
// collecting) one object per sample was the largest cost of the sample stream. A tag set is
// derived from a base set (the VU's tags: scenario, group, options) and a key that names
// everything else; equal keys on the same base give the very same frozen object.
import type { SampleTags } from './samples';

/** Derived sets kept per base before the cache starts over (URLs without a name tag vary freely). */
const LIMIT = 4096;

export class TagSets {
  private readonly byBase = new WeakMap<SampleTags, Map<string, SampleTags>>();

  /** The set stored for `key` on `base`, if any. */
  get(base: SampleTags, key: string): SampleTags | undefined {
    return this.byBase.get(base)?.get(key);
  }

  /** Stores `tags` (frozen: it is shared by every sample that gets it) and returns it. */
  put(base: SampleTags, key: string, tags: SampleTags): SampleTags {
    let map = this.byBase.get(base);
    if (map === undefined) {
      map = new Map();
      this.byBase.set(base, map);
    } else if (map.size >= LIMIT) map.clear();
    Object.freeze(tags);
    map.set(key, tags);
    return tags;
  }

  /** `base` plus `extra` (values as strings): custom metrics' and checks' tags. */
  withExtra(base: SampleTags, extra: Readonly<Record<string, unknown>>): SampleTags {
    const key = extraKey(extra, '\u0002');
    const hit = this.get(base, key);
    if (hit !== undefined) return hit;
    const tags: SampleTags = { ...base };
    for (const k of Object.keys(extra)) tags[k] = String(extra[k]);
    return this.put(base, key, tags);
  }

  /** `base` with one tag replaced (the group of a k6 group() call). */
  withTag(base: SampleTags, name: string, value: string): SampleTags {
    const key = `\u0003${name}\u0000${value}`;
    const hit = this.get(base, key);
    if (hit !== undefined) return hit;
    return this.put(base, key, { ...base, [name]: value });
  }
}

/** A key naming a set of extra tags; `prefix` keeps keys of different derivations apart. */
export function extraKey(extra: Readonly<Record<string, unknown>>, prefix: string): string {
  let key = prefix;
  for (const k of Object.keys(extra)) key += `${k}\u0000${String(extra[k])}\u0000`;
  return key;
}

/** One cache per thread: bases are the VUs' tag sets, so entries go with them. */
export const tagSets = new TagSets();
