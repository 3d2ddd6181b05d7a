// The selector parser and matcher, against Kubernetes semantics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from './errors';
import { parseSelector, toSelector } from './selectors';

const L = { env: 'prod', region: 'eu', 'app.kubernetes.io/name': 'web' };

describe('parseSelector', () => {
  it.each([
    ['', true],
    ['env=prod', true],
    ['env==prod', true],
    ['env=dev', false],
    ['env!=dev', true],
    ['env!=prod', false],
    ['missing!=x', true],
    ['env in (dev, prod)', true],
    ['env in (dev)', false],
    ['env notin (dev,test)', true],
    ['missing notin (x)', true],
    ['env', true],
    ['missing', false],
    ['!missing', true],
    ['!env', false],
    ['env=prod,region=eu', true],
    ['env=prod, region=us', false],
    [' env = prod , app.kubernetes.io/name in (web,api) ', true],
    ['empty=', false],
  ])('%j matches: %s', (text, expected) => {
    expect(parseSelector(text, 'labelSelector').matches(L)).toBe(expected);
  });

  it('matches an empty value only against a present empty label', () => {
    expect(parseSelector('a=', 's').matches({ a: '' })).toBe(true);
    expect(parseSelector('a=', 's').matches({})).toBe(false);
  });

  it.each(['env in (prod', 'env in prod)', '=x', 'env=a=b', 'bad key=x', 'env in ()', ',', 'env=prod,', 'env >= 3', 'env in ((a))', 'v=' + 'x'.repeat(64)])(
    'rejects %j naming the field',
    (text) => {
      try {
        parseSelector(text, 'labelSelector');
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(HttpError);
        expect((err as HttpError).status).toBe(400);
        expect((err as HttpError).field).toBe('labelSelector');
      }
    },
  );

  it('renders a canonical source that parses to the same selector', () => {
    const s = parseSelector(' b in (y, x) ,a!=1, !c , d ', 'f');
    expect(s.source).toBe('b in (y,x),a!=1,!c,d');
    expect(parseSelector(s.source, 'f').source).toBe(s.source);
  });

  it('treats matchLabels as equality requirements', () => {
    expect(toSelector({ matchLabels: { env: 'prod' } }, 's').matches(L)).toBe(true);
    expect(toSelector({ matchLabels: { env: 'prod', region: 'us' } }, 's').matches(L)).toBe(false);
    expect(toSelector({ matchLabels: {} }, 's').matches({})).toBe(true);
  });

  it('never throws anything but a 400 HttpError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseSelector(text, 'f').matches(L);
        } catch (err) {
          expect(err).toBeInstanceOf(HttpError);
          expect((err as HttpError).status).toBe(400);
        }
      }),
      { numRuns: 500 },
    );
  });
});
