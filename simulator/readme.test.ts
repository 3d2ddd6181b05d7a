// The README's route table must stay true: exactly the routes the server has, with their auth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES } from './server';

describe('simulator/README.md', () => {
  it('lists every route with its auth, and no other', () => {
    const text = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    const rows = [...text.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) ([^`\[?]+)[^`]*` \| (none|registration|operator|cluster) \|/gm)].map(
      (m) => `${m[1] ?? ''} ${m[2] ?? ''} ${m[3] ?? ''}`,
    );
    const routes = ROUTES.map((r) => `${r.method} ${r.path} ${r.auth}`);
    expect(new Set(rows)).toEqual(new Set(routes));
    expect(rows).toHaveLength(routes.length);
  });
});
