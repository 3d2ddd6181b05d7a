// What a run leaves in reports/<run-id>/ besides run.log: a list of writers over one RunSummary.
// A new report format is one more writer here.
import { writeReportHtml } from './html/report';
import { writeJunit } from './junit';
import { writeSummary, type RunSummary } from './summary';

export interface ReportWriter {
  /** The file it writes, relative to the run's directory. */
  readonly file: string;
  write(dir: string, summary: RunSummary): Promise<string>;
}

export const REPORT_WRITERS: readonly ReportWriter[] = [
  { file: 'summary.json', write: writeSummary },
  { file: 'junit.xml', write: writeJunit },
  { file: 'report.html', write: writeReportHtml },
];

/** Writes every report; returns the paths by file name. */
export async function writeReports(dir: string, summary: RunSummary, writers: readonly ReportWriter[] = REPORT_WRITERS): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const w of writers) out[w.file] = await w.write(dir, summary);
  return out;
}
