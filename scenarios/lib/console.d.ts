// k6 (and the embedded engine) give scripts a console that @types/k6 does not declare.
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
