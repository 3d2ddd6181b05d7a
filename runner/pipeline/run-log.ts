// reports/<run-id>/run.log: the engine's and the simulator's output and a progress record every
// 10 s. Lines before the report directory exists (preflight) are held and written when it opens,
// so a run that stops in preflight leaves no directory behind.
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export class RunLog {
  private stream: WriteStream | undefined;
  private held: string[] = [];

  readonly line = (text: string): void => {
    if (this.stream) this.stream.write(`${text}\n`);
    else this.held.push(text);
  };

  open(dir: string): void {
    this.stream = createWriteStream(join(dir, 'run.log'));
    for (const l of this.held) this.stream.write(`${l}\n`);
    this.held = [];
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    this.held = [];
    return s ? new Promise<void>((r) => s.end(r)) : Promise.resolve();
  }
}
