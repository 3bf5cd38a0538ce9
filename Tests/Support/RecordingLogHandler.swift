import Logging

/// One line a ``RecordingLogHandler`` kept: its level, message and metadata as text.
package struct LogRecord: Sendable, Equatable {
  /// The line's level.
  package let level: Logger.Level
  /// The message.
  package let message: String
  /// The metadata, each value as text.
  package let metadata: [String: String]
}

/// A swift-log handler that keeps every line it is given, for a test to read: a logger made with
/// `Logger(label:factory:)` and this handler needs no global bootstrap.
package struct RecordingLogHandler: LogHandler {
  private let records: Recorder<LogRecord>
  /// The lowest level logged.
  package var logLevel: Logger.Level
  /// The logger's own metadata, added to every line.
  package var metadata: Logger.Metadata = [:]

  /// A logger labelled `label` that logs from `level` up into `records`.
  package static func logger(label: String, level: Logger.Level, into records: Recorder<LogRecord>) -> Logger
  {
    Logger(label: label) { _ in RecordingLogHandler(records: records, logLevel: level) }
  }

  private init(records: Recorder<LogRecord>, logLevel: Logger.Level) {
    self.records = records
    self.logLevel = logLevel
  }

  /// The logger's own metadata under `key`.
  package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  /// Keeps the line.
  package func log(event: LogEvent) {
    let merged = metadata.merging(event.metadata ?? [:]) { $1 }
    records.append(
      LogRecord(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
  }
}
