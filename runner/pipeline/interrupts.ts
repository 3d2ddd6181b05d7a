// Ctrl-C and SIGTERM: the first stops the load gracefully and keeps the report, a second exits.
import { EXIT } from '../exit-codes';

export type InstallInterrupts = (graceful: () => void, say: (line: string) => void) => () => void;

export const processInterrupts: InstallInterrupts = (graceful, say) => {
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count++;
    if (count === 1) {
      say(`${sig}: stopping the load gracefully and writing the report (press Ctrl-C again to exit at once)`);
      graceful();
    } else {
      say(`${sig} again: exiting now; what was written stays`);
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
};
