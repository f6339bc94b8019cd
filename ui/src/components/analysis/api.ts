// Typed calls to the dashboard, export and report commands (src-tauri/src/commands/analysis.rs).
// An export takes a Channel on which the Rust side sends its progress.
import { Channel } from '@tauri-apps/api/core';
import { call } from '../../lib/api';
import type { Dashboard } from '../../lib/bindings/Dashboard';
import type { ExportFormat } from '../../lib/bindings/ExportFormat';
import type { CsvSeparator } from '../../lib/bindings/CsvSeparator';
import type { ExportOptions } from '../../lib/bindings/ExportOptions';
import type { ExportProgress } from '../../lib/bindings/ExportProgress';
import type { ExportSummary } from '../../lib/bindings/ExportSummary';
import type { Lang } from '../../lib/bindings/Lang';
import type { SessionFilter } from '../../lib/bindings/SessionFilter';
import type { StatsFilter } from '../../lib/bindings/StatsFilter';
import type { StudyReport } from '../../lib/bindings/StudyReport';

export type {
  CsvSeparator,
  Dashboard,
  ExportFormat,
  ExportOptions,
  ExportProgress,
  ExportSummary,
  SessionFilter,
  StatsFilter,
  StudyReport,
};

export const analysisApi = {
  dashboard: (filter: StatsFilter) => call<Dashboard>('stats_dashboard', { filter }),
  report: (study_id: string, lang: Lang | null) => call<StudyReport>('study_report', { study_id, lang }),
  /** Writes the report as an HTML file at `path`; resolves with the file written. */
  saveReport: (study_id: string, lang: Lang, path: string) => call<string>('report_save', { study_id, lang, path }),
  exportData: (
    format: ExportFormat,
    out: string,
    options: ExportOptions,
    onProgress: (p: ExportProgress) => void,
  ) => call<ExportSummary>('export_data', { format, out, options, on_progress: new Channel<ExportProgress>(onProgress) }),
};
