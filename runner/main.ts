// The fleetload command line's entry (bin/fleetload.js runs its bundle); runner/cli.ts builds the
// program and can be imported without running it.
import { main } from './cli';

await main(process.argv);
